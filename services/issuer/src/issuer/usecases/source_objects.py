"""Creating, reading, listing and redacting source objects over the API."""

from __future__ import annotations

from typing import Any

from connect_shared.domain_errors import InvalidValue, NotVisible
from connect_shared.pagination import Page, PageRequest
from connect_shared.records import SourceObjectRecord, object_index, source_object_state
from issuer.domain import source_objects as rules
from issuer.domain.source_objects import Collection
from issuer.ports import SourceObjectStore
from issuer.usecases import Clock


class SourceObjectUseCases:
    """Inquiries, accounts, transactions and verifications of the caller's organization."""

    def __init__(self, store: SourceObjectStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def create(
        self,
        collection: Collection,
        org_id: str,
        *,
        status: str,
        reference_id: str | None,
        fields: dict[str, Any],
        verification_ids: list[str],
        kind: str | None,
    ) -> SourceObjectRecord:
        """A new object; an inquiry's verifications must be the caller's (invalid otherwise)."""
        await self._check_verifications(org_id, verification_ids)
        now = self._clock()
        obj = rules.new_source_object(
            collection,
            org_id,
            status=status,
            reference_id=reference_id,
            fields=fields,
            verification_ids=list(dict.fromkeys(verification_ids)),
            kind=kind,
            now=now,
        )
        event = rules.object_event(obj, "created", now, (obj.id,))
        await self._store.put(source_object_state(obj), events=[(obj.id, event)])
        return obj

    async def get(self, collection: Collection, org_id: str, object_id: str) -> SourceObjectRecord:
        """An object of ``collection`` in ``org_id``; not visible otherwise."""
        obj = await self._store.source_object(object_id) if collection.owns(object_id) else None
        if obj is None or obj.organization_id != org_id:
            raise NotVisible(f"No such {collection.noun}.")
        return obj

    async def redact(
        self, collection: Collection, org_id: str, object_id: str
    ) -> SourceObjectRecord:
        """Remove the object's end-user data for good (idempotent)."""
        obj = await self.get(collection, org_id, object_id)
        if obj.redacted:
            return obj
        now = self._clock()
        cleared = rules.redacted(obj, now)
        event = rules.object_event(cleared, "redacted", now, (obj.id,))
        await self._store.put(source_object_state(cleared), events=[(obj.id, event)])
        return cleared

    async def listing(
        self, collection: Collection, org_id: str, page: PageRequest
    ) -> Page[SourceObjectRecord]:
        """The organization's objects of ``collection``, newest first."""
        index = object_index(org_id, collection.name)
        return await self._store.page(
            SourceObjectRecord, [index], page, lambda obj: obj.organization_id == org_id
        )

    async def _check_verifications(self, org_id: str, verification_ids: list[str]) -> None:
        found = await self._store.source_objects(verification_ids)
        for position, obj in enumerate(found):
            if obj is None or obj.organization_id != org_id:
                raise InvalidValue(
                    "No such verification in your organization.",
                    field=f"verification-ids/{position}",
                )
