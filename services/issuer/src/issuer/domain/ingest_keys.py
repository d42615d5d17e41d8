"""Ingest keys: each organization's credentials for signing ``connect.source-events`` messages,
and the rule deciding whether a message's signature lets it in (contract section 3).

The secret must stay usable to verify HMACs, so the record holds it sealed (AES-256-GCM with
``ISSUER_INGEST_SECRETS_KEY``); it is shown once, when the key is created.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from connect_shared.clock import iso
from connect_shared.ids import new_id
from connect_shared.ingest_signature import (
    KEY_ID_PREFIX,
    SECRET_PREFIX,
    TOLERANCE_SECONDS,
    IngestSignature,
    signature_matches,
)


class IngestKeyRecord(BaseModel):
    """One ingest key as stored on ``connect.state`` (kind ``ingest-key``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    organization_id: str
    secret_sealed: str
    created_at: str
    updated_at: str
    revoked_at: str | None = None


@dataclass(frozen=True)
class IssuedIngestKey:
    """A new ingest key: the record to store (secret sealed) and the secret to show once."""

    record: IngestKeyRecord
    secret: str


class IngestRefused(ValueError):
    """Why a signed (or unsigned) message may not act for its organization."""


def new_ingest_secret() -> str:
    """A fresh ingest secret (256 bits of randomness)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def issue_ingest_key(organization_id: str, sealed_secret: str, now: datetime) -> IngestKeyRecord:
    """The record of a new ingest key of ``organization_id`` whose secret is ``sealed_secret``."""
    stamp = iso(now)
    return IngestKeyRecord(
        id=new_id(KEY_ID_PREFIX),
        organization_id=organization_id,
        secret_sealed=sealed_secret,
        created_at=stamp,
        updated_at=stamp,
    )


def revoke_ingest_key(key: IngestKeyRecord, now: datetime) -> IngestKeyRecord:
    """The same key, revoked (idempotent: the first revocation time is kept)."""
    if key.revoked_at is not None:
        return key
    stamp = iso(now)
    return key.model_copy(update={"revoked_at": stamp, "updated_at": stamp})


def check_signature(
    signature: IngestSignature,
    key: IngestKeyRecord | None,
    secret: str | None,
    value: bytes,
    stored_at: int,
) -> IngestKeyRecord:
    """The key that validly signed ``value``, or :class:`IngestRefused` with the reason.

    ``stored_at`` (unix seconds) is when the broker stored the message, so a consumer that
    lags behind does not turn fresh messages stale; ``secret`` is the opened secret of ``key``.
    """
    if key is None:
        raise IngestRefused(f"unknown ingest key {signature.key_id}")
    if key.revoked_at is not None:
        raise IngestRefused(f"revoked ingest key {signature.key_id}")
    if secret is None:
        raise IngestRefused(
            f"ingest key {signature.key_id} was sealed with another ISSUER_INGEST_SECRETS_KEY"
        )
    age = stored_at - signature.timestamp
    if age > TOLERANCE_SECONDS:
        raise IngestRefused(f"stale signature: signed {age} s before it was stored (max 300)")
    if -age > TOLERANCE_SECONDS:
        raise IngestRefused(f"signature from the future: t is {-age} s ahead (max 300)")
    if not signature_matches(secret, signature, value):
        raise IngestRefused("bad signature: v1 is not the HMAC of t and the value")
    return key


def check_organization(key: IngestKeyRecord, organization_id: str) -> None:
    """A key acts only for its own organization (never for the one a message names)."""
    if key.organization_id != organization_id:
        raise IngestRefused(
            f"signed by ingest key {key.id} of another organization than {organization_id}"
        )
