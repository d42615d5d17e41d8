"""``connect-admin``: create organizations and manage API keys and ingest keys from the command
line.

Every command prints one JSON object (or array) on stdout; errors go to stderr with exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import Any

from connect_shared import jsonutil
from connect_shared.clock import utcnow
from connect_shared.config import load_settings
from connect_shared.records import DEFAULT_RATE_LIMIT
from connect_shared.runtime import open_runtime
from connect_shared.state import StateStore
from issuer.adapters.organization_store import OrganizationStore
from issuer.bootstrap import ingest_key_store
from issuer.config import IssuerSettings
from issuer.domain.ingest_keys import revoke_ingest_key
from issuer.domain.organizations import issue_key, new_organization, revoke_key, set_rate_limit

VIEW_WAIT_SECONDS = 60.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="connect-admin", description=__doc__)
    nouns = parser.add_subparsers(dest="noun", required=True)
    org = nouns.add_parser("org", help="organizations").add_subparsers(dest="verb", required=True)
    create = org.add_parser("create", help="create an organization and its first API key")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--rate-limit",
        type=int,
        default=DEFAULT_RATE_LIMIT,
        help="requests per second per API key, bursts of twice that "
        f"(default {DEFAULT_RATE_LIMIT})",
    )
    org.add_parser("list", help="list organizations")
    limit = org.add_parser("set-rate-limit", help="change an organization's per-key budget")
    limit.add_argument("org_id", help="organization id (org_...)")
    limit.add_argument("rate_limit", type=int, help="requests per second per API key")
    key = nouns.add_parser("key", help="API keys").add_subparsers(dest="verb", required=True)
    key_create = key.add_parser("create", help="create another API key for an organization")
    key_create.add_argument("--org", required=True, help="organization id (org_...)")
    key_revoke = key.add_parser("revoke", help="revoke an API key")
    key_revoke.add_argument("--key-id", required=True, help="API key id (api_...)")
    key_list = key.add_parser("list", help="list an organization's keys (never the secrets)")
    key_list.add_argument("--org", required=True)
    ingest = nouns.add_parser(
        "ingest-key", help="keys signing an organization's connect.source-events messages"
    ).add_subparsers(dest="verb", required=True)
    ingest_create = ingest.add_parser("create", help="create an ingest key (secret shown once)")
    ingest_create.add_argument("org_id", metavar="ORG_ID", help="organization id (org_...)")
    ingest_revoke = ingest.add_parser("revoke", help="revoke an ingest key")
    ingest_revoke.add_argument("key_id", metavar="KEY_ID", help="ingest key id (ink_...)")
    ingest_list = ingest.add_parser("list", help="list an organization's ingest keys (no secrets)")
    ingest_list.add_argument("org_id", metavar="ORG_ID", help="organization id (org_...)")
    return parser


async def _run(args: argparse.Namespace, settings: IssuerSettings) -> Any:
    async with open_runtime(settings, "admin", connect_timeout=VIEW_WAIT_SECONDS) as runtime:
        await runtime.guardian.wait_ready(VIEW_WAIT_SECONDS)
        orgs = OrganizationStore(runtime.store)
        now = utcnow()
        command = (args.noun, args.verb)
        if command == ("org", "create"):
            org = new_organization(args.name, now, args.rate_limit)
            issued = issue_key(org.id, now)
            await orgs.save_organization(org, issued.record)
            return {
                "id": org.id,
                "name": org.name,
                "rate-limit": org.rate_limit,
                "api-key": issued.secret,
                "api-key-id": issued.record.id,
            }
        if command == ("org", "list"):
            return [
                {"id": o.id, "name": o.name, "rate-limit": o.rate_limit, "created-at": o.created_at}
                for o in await orgs.organizations()
            ]
        if command == ("org", "set-rate-limit"):
            existing = await orgs.organization(args.org_id)
            if existing is None:
                raise LookupError(f"no organization {args.org_id}")
            updated = set_rate_limit(existing, args.rate_limit, now)
            await orgs.save_organization(updated)
            return {"id": updated.id, "rate-limit": updated.rate_limit}
        if command == ("key", "create"):
            if await orgs.organization(args.org) is None:
                raise LookupError(f"no organization {args.org}")
            issued = issue_key(args.org, now)
            await orgs.save_key(issued.record)
            return {"id": issued.record.id, "organization-id": args.org, "api-key": issued.secret}
        if command == ("key", "revoke"):
            found = await orgs.key(args.key_id)
            if found is None:
                raise LookupError(f"no API key {args.key_id}")
            revoked = revoke_key(found, now)
            await orgs.save_key(revoked)
            return {"id": revoked.id, "revoked-at": revoked.revoked_at}
        if command == ("key", "list"):
            return [
                {"id": k.id, "created-at": k.created_at, "revoked-at": k.revoked_at}
                for k in await orgs.keys(args.org)
            ]
        if args.noun == "ingest-key":
            return await _ingest_key_command(args, runtime.store, orgs, settings)
        raise LookupError(f"unknown command {' '.join(command)}")


async def _ingest_key_command(
    args: argparse.Namespace, state: StateStore, orgs: OrganizationStore, settings: IssuerSettings
) -> Any:
    keys = ingest_key_store(state, settings)
    now = utcnow()
    if args.verb == "create":
        if await orgs.organization(args.org_id) is None:
            raise LookupError(f"no organization {args.org_id}")
        issued = await keys.create(args.org_id, now)
        return {
            "id": issued.record.id,
            "organization-id": args.org_id,
            "secret": issued.secret,
            "created-at": issued.record.created_at,
        }
    if args.verb == "revoke":
        found = await keys.get(args.key_id)
        if found is None:
            raise LookupError(f"no ingest key {args.key_id}")
        revoked = revoke_ingest_key(found, now)
        await keys.save(revoked)
        return {"id": revoked.id, "revoked-at": revoked.revoked_at}
    if await orgs.organization(args.org_id) is None:
        raise LookupError(f"no organization {args.org_id}")
    return [
        {"id": k.id, "created-at": k.created_at, "revoked-at": k.revoked_at}
        for k in await keys.list_for(args.org_id)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``connect-admin`` console script."""
    args = _parser().parse_args(argv)
    # The CLI signs no dashboard sessions, and only the ingest-key commands seal or open
    # ingest secrets: the others run without those keys (a production check still applies to
    # what a command really uses).
    unused = {"dashboard_session_secret"}
    if args.noun != "ingest-key":
        unused.add("ingest_secrets_key")
    settings = load_settings(IssuerSettings, unused_secrets=unused)
    try:
        result = asyncio.run(_run(args, settings))
    except (LookupError, ValueError) as exc:
        sys.stderr.write(f"connect-admin: {exc}\n")
        raise SystemExit(2) from None
    except TimeoutError:
        sys.stderr.write(
            f"connect-admin: Kafka or Redis not ready within {VIEW_WAIT_SECONDS:.0f}s "
            "(is the stack running? `make infra-up`)\n"
        )
        raise SystemExit(1) from None
    sys.stdout.write(jsonutil.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
