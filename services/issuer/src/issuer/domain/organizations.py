"""Organizations and their API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connect_shared.auth import generate_secret, hash_secret
from connect_shared.clock import iso
from connect_shared.ids import new_id
from connect_shared.records import (
    DEFAULT_RATE_LIMIT,
    MAX_RATE_LIMIT,
    ApiKeyRecord,
    OrganizationRecord,
)


@dataclass(frozen=True)
class IssuedKey:
    """A new API key: the record to store and the secret to show once."""

    record: ApiKeyRecord
    secret: str


def _checked_rate_limit(rate_limit: int) -> int:
    if not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise ValueError(f"a rate limit is 1 to {MAX_RATE_LIMIT} requests per second")
    return rate_limit


def new_organization(
    name: str, now: datetime, rate_limit: int = DEFAULT_RATE_LIMIT
) -> OrganizationRecord:
    """A new organization named ``name`` (trimmed, 1 to 200 characters) whose keys may each
    make ``rate_limit`` requests per second."""
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= 200:
        raise ValueError("an organization name is 1 to 200 characters")
    stamp = iso(now)
    return OrganizationRecord(
        id=new_id("org_"),
        name=cleaned,
        rate_limit=_checked_rate_limit(rate_limit),
        created_at=stamp,
        updated_at=stamp,
    )


def set_rate_limit(org: OrganizationRecord, rate_limit: int, now: datetime) -> OrganizationRecord:
    """The same organization with a new per-key budget (requests per second)."""
    return org.model_copy(
        update={"rate_limit": _checked_rate_limit(rate_limit), "updated_at": iso(now)}
    )


CONNECT_VERSION = "none"
"""What ``org set-api-version`` takes to go back to the Connect contract."""


def set_api_version(
    org: OrganizationRecord, version: str, supported: tuple[str, ...], now: datetime
) -> OrganizationRecord:
    """The same organization whose requests default to Persona API ``version`` (one of
    ``supported``), or to the Connect contract for ``none``."""
    if version != CONNECT_VERSION and version not in supported:
        names = ", ".join((*supported, CONNECT_VERSION))
        raise ValueError(f"unsupported API version {version!r} (one of: {names})")
    chosen = None if version == CONNECT_VERSION else version
    return org.model_copy(update={"api_version": chosen, "updated_at": iso(now)})


def issue_key(organization_id: str, now: datetime) -> IssuedKey:
    """A new API key for ``organization_id``; only its hash is ever stored."""
    secret = generate_secret()
    stamp = iso(now)
    record = ApiKeyRecord(
        id=new_id("api_"),
        organization_id=organization_id,
        secret_sha256=hash_secret(secret),
        created_at=stamp,
        updated_at=stamp,
    )
    return IssuedKey(record=record, secret=secret)


def revoke_key(key: ApiKeyRecord, now: datetime) -> ApiKeyRecord:
    """The same key, revoked (idempotent: a revoked key keeps its first revocation time)."""
    if key.revoked_at is not None:
        return key
    stamp = iso(now)
    return key.model_copy(update={"revoked_at": stamp, "updated_at": stamp})
