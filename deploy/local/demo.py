"""Local walkthrough, started last by the Procfile (`make run`).

For now it only waits until the gateway reports every service ready and prints the
walkthrough header; creating demo organizations comes later.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request

GATEWAY = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8080')}"
SERVICES = ("issuer", "redeemer", "notifier")
TIMEOUT_S = float(os.environ.get("DEMO_READY_TIMEOUT", "180"))


def ready(service: str) -> bool:
    try:
        # Fixed http://127.0.0.1 URL built above, not user input.
        with urllib.request.urlopen(f"{GATEWAY}/readyz/{service}", timeout=2) as r:  # noqa: S310
            status: int = r.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    deadline = time.monotonic() + TIMEOUT_S
    waiting = list(SERVICES)
    while waiting:
        waiting = [s for s in waiting if not ready(s)]
        if not waiting:
            break
        if time.monotonic() > deadline:
            print(f"demo: not ready after {TIMEOUT_S:.0f}s: {', '.join(waiting)}", file=sys.stderr)
            return 1
        time.sleep(1)
    print(
        "\n".join(
            [
                "=" * 64,
                "Connect is running (development profile)",
                f"  API base URL : {GATEWAY}/api/v1",
                f"  JWKS         : {GATEWAY}/.well-known/jwks.json",
                f"  health       : {GATEWAY}/healthz/<issuer|redeemer|notifier>",
                "Begin with:  .venv/bin/connect-admin org create --name acme",
                "=" * 64,
            ]
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
