"""Typed reads and durable writes of the issuer's entities over the shared ``StateStore``.

Writes go to ``connect.state`` together with their events (one ``put``: Kafka acknowledges
all of them or none is applied to Redis); a change of an existing record is a compare-and-set
against the version it was read at (``put_if``). Reads come from the Redis view, several
bodies per round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from connect_shared import jsonutil
from connect_shared.events import Event
from connect_shared.kafka import OutgoingMessage
from connect_shared.pagination import Page, PageRequest, paginate
from connect_shared.records import (
    ConnectionRecord,
    OrganizationRecord,
    ShareTokenRecord,
    SourceObjectRecord,
)
from connect_shared.state import StateRecord, StateStore, Versioned, view_is_ready
from connect_shared.store_errors import store_unavailable
from connect_shared.versioned import StatusOf, VersionedWriter, status_field

RecordT = TypeVar("RecordT", bound=BaseModel)


class EntityStore:
    """Connections, source objects, share tokens and workflows in the view; events on
    ``connect.events``. Implements the issuer's record ports (``issuer.ports``)."""

    def __init__(self, state: StateStore, events_topic: str) -> None:
        self._state = state
        self._events_topic = events_topic
        self._writer = VersionedWriter(state)

    async def view_ready(self) -> bool:
        """False while the view is being rebuilt."""
        return await view_is_ready(self._state.redis)

    def event_message(self, key: str, event: Event) -> OutgoingMessage:
        """``event`` as a ``connect.events`` message keyed by ``key`` (token or object id)."""
        return OutgoingMessage(self._events_topic, key, jsonutil.dumps(event.to_wire()))

    async def put(
        self,
        *records: StateRecord,
        events: Sequence[tuple[str, Event]] = (),
        also: Sequence[OutgoingMessage] = (),
    ) -> None:
        """Write ``records`` and ``(key, event)`` pairs durably (503 if Kafka does not ack)."""
        messages = [self.event_message(key, event) for key, event in events]
        with store_unavailable():
            await self._state.put(*records, also=[*messages, *also])

    async def put_if(
        self,
        record: StateRecord,
        version: int,
        *,
        noun: str,
        status_of: StatusOf | None = None,
        events: Sequence[tuple[str, Event]] = (),
    ) -> None:
        """Write ``record`` with its events only if it is still at ``version`` (409 otherwise,
        with the current status in ``meta``; 503 if Kafka does not ack)."""
        messages = [self.event_message(key, event) for key, event in events]
        with store_unavailable():
            await self._writer.put(
                record, version, noun=noun, status_of=status_of or status_field, also=messages
            )

    async def read(
        self, model: type[RecordT], record_id: str, prefix: str
    ) -> Versioned[RecordT] | None:
        """One record with the version it was read at (None if absent or misnamed)."""
        if not record_id.startswith(prefix):
            return None
        found = await self._state.read(record_id)
        return Versioned(model.model_validate(found.value), found.version) if found else None

    async def _one(self, model: type[RecordT], record_id: str, prefix: str) -> RecordT | None:
        if not record_id.startswith(prefix):
            return None
        body = await self._state.get(record_id)
        return model.model_validate(body) if body else None

    async def organization(self, org_id: str) -> OrganizationRecord | None:
        """One organization, or None."""
        return await self._one(OrganizationRecord, org_id, "org_")

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        """One connection, or None."""
        return await self._one(ConnectionRecord, connection_id, "cxn_")

    async def source_object(self, object_id: str) -> SourceObjectRecord | None:
        """One inquiry / account / transaction / verification, or None."""
        if not object_id.startswith(("inq_", "act_", "txn_", "ver_")):
            return None
        body = await self._state.get(object_id)
        return SourceObjectRecord.model_validate(body) if body else None

    async def connection_and_source(
        self, connection_id: str, source_id: str
    ) -> tuple[ConnectionRecord | None, SourceObjectRecord | None]:
        """What a token is created from, in one round trip (None where absent or misnamed)."""
        ids = [
            connection_id if connection_id.startswith("cxn_") else "",
            source_id if source_id.startswith(("inq_", "act_", "txn_", "ver_")) else "",
        ]
        # A misnamed id reads the never-written key "rec:" and comes back None.
        connection, source = await self._state.get_many(ids)
        return (
            ConnectionRecord.model_validate(connection) if connection else None,
            SourceObjectRecord.model_validate(source) if source else None,
        )

    async def source_objects(self, object_ids: Sequence[str]) -> list[SourceObjectRecord | None]:
        """Several objects in one round trip (None where absent)."""
        bodies = await self._state.get_many(object_ids)
        return [SourceObjectRecord.model_validate(b) if b else None for b in bodies]

    async def share_token(self, token_id: str) -> ShareTokenRecord | None:
        """One share token, or None."""
        return await self._one(ShareTokenRecord, token_id, "cnst_")

    async def page(
        self,
        model: type[RecordT],
        indexes: Sequence[str],
        request: PageRequest,
        keep: Callable[[RecordT], bool],
    ) -> Page[RecordT]:
        """One page of ``indexes`` (newest first), reading a chunk of ids per round trip and
        keeping what ``keep`` accepts."""

        async def load(ids: list[str]) -> list[RecordT | None]:
            bodies: list[dict[str, Any] | None] = await self._state.get_many(ids)
            records = [model.model_validate(b) if b else None for b in bodies]
            return [r if r is not None and keep(r) else None for r in records]

        return await paginate(self._state.redis, indexes, request, load)
