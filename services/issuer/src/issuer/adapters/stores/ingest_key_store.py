"""Ingest keys on ``connect.state`` (kind ``ingest-key``) and in the Redis view, indexed per
organization. Secrets are sealed before they are written and opened only in memory."""

from __future__ import annotations

from datetime import datetime

from cryptography.exceptions import InvalidTag

from connect_shared.ids import has_prefix
from connect_shared.ingest_signature import KEY_ID_PREFIX
from connect_shared.secret_box import SecretBox
from connect_shared.state import StateRecord, StateStore
from connect_shared.state_record import indexed_state
from issuer.domain.ingest_keys import (
    IngestKeyRecord,
    IssuedIngestKey,
    issue_ingest_key,
    new_ingest_secret,
)

KIND = "ingest-key"


def ingest_key_index(org_id: str) -> str:
    """The index of one organization's ingest keys."""
    return f"idx:ingest-key:{org_id}"


def ingest_key_state(key: IngestKeyRecord) -> StateRecord:
    """The state write of ``key`` (its secret is already sealed in the record)."""
    return indexed_state(KIND, key, ingest_key_index(key.organization_id))


class IngestKeyStore:
    """Creates, revokes and reads ingest keys; the only place their secrets are opened."""

    def __init__(self, store: StateStore, box: SecretBox) -> None:
        self._store = store
        self._box = box

    async def create(self, organization_id: str, now: datetime) -> IssuedIngestKey:
        """A new key of ``organization_id``, durably written; the secret is returned once."""
        secret = new_ingest_secret()
        record = issue_ingest_key(organization_id, self._box.seal(secret), now)
        await self._store.put(ingest_key_state(record))
        return IssuedIngestKey(record=record, secret=secret)

    async def save(self, key: IngestKeyRecord) -> None:
        """Write ``key`` durably (a revoked key stops verifying at once)."""
        await self._store.put(ingest_key_state(key))

    async def get(self, key_id: str) -> IngestKeyRecord | None:
        """One ingest key, or None (also for anything that is not an ``ink_`` id)."""
        if not has_prefix(key_id, KEY_ID_PREFIX):
            return None
        body = await self._store.get(key_id)
        return IngestKeyRecord.model_validate(body) if body else None

    async def list_for(self, organization_id: str) -> list[IngestKeyRecord]:
        """An organization's ingest keys, oldest first."""
        ids = await self._store.index_ids(ingest_key_index(organization_id), newest_first=False)
        bodies = await self._store.get_many(ids)
        return [IngestKeyRecord.model_validate(b) for b in bodies if b]

    def secret_of(self, key: IngestKeyRecord) -> str | None:
        """The opened secret, or None when it was sealed under another key (then no message
        can be verified with it; rotating ISSUER_INGEST_SECRETS_KEY needs new ingest keys)."""
        try:
            return self._box.open(key.secret_sealed)
        except (InvalidTag, ValueError):
            return None
