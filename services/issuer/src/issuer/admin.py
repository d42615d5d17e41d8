"""``connect-admin``: create organizations and manage API keys and ingest keys from the command
line; inspect and re-drive dead letters (``dlq``, :mod:`issuer.dead_letter_admin`).

Every command prints one JSON object (or array) on stdout; errors go to stderr with exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Sequence
from typing import Any

from connect_shared import jsonutil
from connect_shared.clock import utcnow
from connect_shared.config import load_settings
from connect_shared.records import DEFAULT_RATE_LIMIT
from connect_shared.runtime import Runtime, open_runtime
from issuer.adapters.stores.ingest_key_store import IngestKeyStore
from issuer.adapters.stores.organization_store import OrganizationStore
from issuer.bootstrap import ingest_key_store
from issuer.config import IssuerSettings
from issuer.dead_letter_admin import add_dlq_commands, list_dead_letters, replay_dead_letters
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
    add_dlq_commands(nouns)
    ingest_list = ingest.add_parser("list", help="list an organization's ingest keys (no secrets)")
    ingest_list.add_argument("org_id", metavar="ORG_ID", help="organization id (org_...)")
    return parser


class Admin:
    """The operator's commands over one open runtime.

    The CLI opens a runtime per command; a caller issuing many commands (the test suite's
    organization factory) keeps one open and calls these directly, so both run the same code.
    Each returns the JSON value the CLI prints; an unknown id raises :class:`LookupError`.
    """

    def __init__(self, runtime: Runtime, settings: IssuerSettings) -> None:
        self._runtime = runtime
        self._settings = settings
        self._orgs = OrganizationStore(runtime.store)

    @property
    def _ingest_keys(self) -> IngestKeyStore:
        # Built on use: only the ingest-key commands need the ingest sealing key.
        return ingest_key_store(self._runtime.store, self._settings)

    async def wait_ready(self, limit_seconds: float = VIEW_WAIT_SECONDS) -> None:
        """Wait until the state view can be read and written (rebuilt first if missing)."""
        await self._runtime.guardian.wait_ready(limit_seconds)

    async def create_organization(self, name: str, rate_limit: int = DEFAULT_RATE_LIMIT) -> Any:
        """``org create``: an organization and its first API key (the secret shown once)."""
        now = utcnow()
        org = new_organization(name, now, rate_limit)
        issued = issue_key(org.id, now)
        await self._orgs.save_organization(org, issued.record)
        return {
            "id": org.id,
            "name": org.name,
            "rate-limit": org.rate_limit,
            "api-key": issued.secret,
            "api-key-id": issued.record.id,
        }

    async def list_organizations(self) -> Any:
        """``org list``."""
        return [
            {"id": o.id, "name": o.name, "rate-limit": o.rate_limit, "created-at": o.created_at}
            for o in await self._orgs.organizations()
        ]

    async def set_rate_limit(self, org_id: str, rate_limit: int) -> Any:
        """``org set-rate-limit``: change an organization's per-key budget."""
        existing = await self._orgs.organization(org_id)
        if existing is None:
            raise LookupError(f"no organization {org_id}")
        updated = set_rate_limit(existing, rate_limit, utcnow())
        await self._orgs.save_organization(updated)
        return {"id": updated.id, "rate-limit": updated.rate_limit}

    async def create_key(self, org_id: str) -> Any:
        """``key create``: another API key for an organization."""
        await self._require_organization(org_id)
        issued = issue_key(org_id, utcnow())
        await self._orgs.save_key(issued.record)
        return {"id": issued.record.id, "organization-id": org_id, "api-key": issued.secret}

    async def revoke_key(self, key_id: str) -> Any:
        """``key revoke``."""
        found = await self._orgs.key(key_id)
        if found is None:
            raise LookupError(f"no API key {key_id}")
        revoked = revoke_key(found, utcnow())
        await self._orgs.save_key(revoked)
        return {"id": revoked.id, "revoked-at": revoked.revoked_at}

    async def list_keys(self, org_id: str) -> Any:
        """``key list``: an organization's API keys, never the secrets."""
        return [
            {"id": k.id, "created-at": k.created_at, "revoked-at": k.revoked_at}
            for k in await self._orgs.keys(org_id)
        ]

    async def create_ingest_key(self, org_id: str) -> Any:
        """``ingest-key create``: a key signing the organization's source events."""
        await self._require_organization(org_id)
        issued = await self._ingest_keys.create(org_id, utcnow())
        return {
            "id": issued.record.id,
            "organization-id": org_id,
            "secret": issued.secret,
            "created-at": issued.record.created_at,
        }

    async def revoke_ingest_key(self, key_id: str) -> Any:
        """``ingest-key revoke``."""
        found = await self._ingest_keys.get(key_id)
        if found is None:
            raise LookupError(f"no ingest key {key_id}")
        revoked = revoke_ingest_key(found, utcnow())
        await self._ingest_keys.save(revoked)
        return {"id": revoked.id, "revoked-at": revoked.revoked_at}

    async def list_ingest_keys(self, org_id: str) -> Any:
        """``ingest-key list``: an organization's ingest keys, no secrets."""
        await self._require_organization(org_id)
        return [
            {"id": k.id, "created-at": k.created_at, "revoked-at": k.revoked_at}
            for k in await self._ingest_keys.list_for(org_id)
        ]

    async def _require_organization(self, org_id: str) -> None:
        if await self._orgs.organization(org_id) is None:
            raise LookupError(f"no organization {org_id}")


def _command(admin: Admin, args: argparse.Namespace) -> Awaitable[Any]:
    match (args.noun, args.verb):
        case ("org", "create"):
            return admin.create_organization(args.name, args.rate_limit)
        case ("org", "list"):
            return admin.list_organizations()
        case ("org", "set-rate-limit"):
            return admin.set_rate_limit(args.org_id, args.rate_limit)
        case ("key", "create"):
            return admin.create_key(args.org)
        case ("key", "revoke"):
            return admin.revoke_key(args.key_id)
        case ("key", "list"):
            return admin.list_keys(args.org)
        case ("ingest-key", "create"):
            return admin.create_ingest_key(args.org_id)
        case ("ingest-key", "revoke"):
            return admin.revoke_ingest_key(args.key_id)
        case ("ingest-key", "list"):
            return admin.list_ingest_keys(args.org_id)
    raise LookupError(f"unknown command {args.noun} {args.verb}")


async def _run(args: argparse.Namespace, settings: IssuerSettings) -> Any:
    async with open_runtime(settings, "admin", connect_timeout=VIEW_WAIT_SECONDS) as runtime:
        if args.noun == "dlq":  # Kafka only: no view to wait for
            if args.verb == "list":
                return await list_dead_letters(settings, args.topic)
            return await replay_dead_letters(settings, runtime.producer, args.topic, args.group)
        admin = Admin(runtime, settings)
        await admin.wait_ready()
        return await _command(admin, args)


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
