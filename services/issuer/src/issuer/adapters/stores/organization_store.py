"""Durable writes and reads of organizations and API keys."""

from __future__ import annotations

from connect_shared.records import (
    ApiKeyRecord,
    OrganizationRecord,
    api_key_state,
    organization_state,
)
from connect_shared.state import StateStore


class OrganizationStore:
    """Organizations and keys on ``connect.state`` and in the Redis view."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    async def save_organization(self, org: OrganizationRecord, *keys: ApiKeyRecord) -> None:
        """Write an organization (and optionally its first keys) durably."""
        records = [organization_state(org)]
        records += [api_key_state(key) for key in keys]
        await self._store.put(*records)

    async def save_key(self, key: ApiKeyRecord) -> None:
        """Write an API key durably (a revoked key stops authenticating at once)."""
        await self._store.put(api_key_state(key))

    async def organization(self, org_id: str) -> OrganizationRecord | None:
        """One organization, or None."""
        body = await self._store.get(org_id)
        return OrganizationRecord.model_validate(body) if body else None

    async def organizations(self) -> list[OrganizationRecord]:
        """Every organization, oldest first."""
        ids = await self._store.index_ids("idx:organization", newest_first=False)
        bodies = await self._store.get_many(ids)
        return [OrganizationRecord.model_validate(b) for b in bodies if b]

    async def key(self, key_id: str) -> ApiKeyRecord | None:
        """One API key record, or None."""
        body = await self._store.get(key_id)
        return ApiKeyRecord.model_validate(body) if body else None

    async def keys(self, org_id: str) -> list[ApiKeyRecord]:
        """An organization's keys, oldest first."""
        ids = await self._store.index_ids(f"idx:api-key:{org_id}", newest_first=False)
        return [ApiKeyRecord.model_validate(b) for b in await self._store.get_many(ids) if b]
