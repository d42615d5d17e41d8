"""``python -m redeemer.keys``: manage the provenance signing keys.

    python -m redeemer.keys list            # kid, file and which one signs (JSON)
    python -m redeemer.keys rotate          # add a key that signs from now on
    python -m redeemer.keys retire KID      # stop publishing an old key

Running services pick a rotation up within ``REDEEMER_KEY_RELOAD_SECONDS``; older keys stay
in the JWKS so earlier attestations keep verifying.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from connect_shared import jsonutil
from connect_shared.config import load_settings
from redeemer.adapters.key_directory import KeyDirectory
from redeemer.config import RedeemerSettings


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m redeemer.keys", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="list the keys")
    verbs.add_parser("rotate", help="add a new signing key")
    retire = verbs.add_parser("retire", help="stop publishing an old key")
    retire.add_argument("kid")
    args = parser.parse_args(argv)
    # The CLI signs no dashboard sessions, so it does not need that secret.
    settings = load_settings(RedeemerSettings, unused_secrets={"dashboard_session_secret"})
    directory = KeyDirectory(settings.signing_key_dir)
    try:
        if args.verb == "rotate":
            result: object = {"rotated": directory.rotate()}
        elif args.verb == "retire":
            result = {"retired": args.kid, "moved-to": str(directory.retire(args.kid))}
        else:
            keys = directory.ensure()
            result = {"active": keys.active.kid, "keys": keys.jwks()["keys"]}
    except (LookupError, ValueError) as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(2) from None
    sys.stdout.write(jsonutil.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
