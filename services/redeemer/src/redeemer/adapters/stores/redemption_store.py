"""Reads and durable writes of tokens, connections and objects for redemption."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime

from connect_shared.clock import epoch_ms, iso, parse_iso
from connect_shared.events import Event
from connect_shared.jsonutil import dumps
from connect_shared.kafka import OutgoingMessage
from connect_shared.leases import Lease, owner_token
from connect_shared.records import (
    TOKEN_PENDING_INDEX,
    ConnectionRecord,
    ShareTokenRecord,
    SourceObjectRecord,
    share_token_state,
    source_object_state,
)
from connect_shared.redemptions import RedemptionRequest
from connect_shared.redis_replies import as_text, as_texts
from connect_shared.state import StateStore, view_is_ready
from connect_shared.store_errors import store_unavailable
from redeemer.adapters.stores.event_log import EventLog
from redeemer.domain.outcome import Outcome

# ``attempt``: when the first attempt at a redemption began; a redelivery reuses it, so the
# redone work is identical and knows to check which events already landed.
# ``announced``: the outcome's events are acknowledged; a redelivery emits nothing.
# Losing either (a lost Redis) costs a re-check, never a wrong answer.
MARKER_SECONDS = 7 * 24 * 3600
# Who may finish a pending redemption right now (the worker or the reaper): a lease, so a
# finisher that dies frees it within this time.
FINISH_LEASE_SECONDS = 30.0

log = logging.getLogger(__name__)


def _attempt_key(token_id: str) -> str:
    return f"redeemer:attempt:{token_id}"


def _announced_key(token_id: str) -> str:
    return f"redeemer:announced:{token_id}"


def _finishing_key(token_id: str) -> str:
    return f"redeemer:finishing:{token_id}"


class RedemptionStore:
    """The redeemer's ports (``redeemer.ports``) over ``connect.state`` / the Redis view and its
    Kafka topics."""

    def __init__(
        self, store: StateStore, event_log: EventLog, redemptions_topic: str, events_topic: str
    ) -> None:
        self._store = store
        self._event_log = event_log
        self._redemptions_topic = redemptions_topic
        self._events_topic = events_topic

    async def view_ready(self) -> bool:
        """False after a lost Redis, until the view is rebuilt."""
        return await view_is_ready(self._store.redis)

    async def token(self, token_id: str) -> ShareTokenRecord | None:
        """A share token, or None."""
        body = await self._store.get(token_id)
        return ShareTokenRecord.model_validate(body) if body else None

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        """A connection, or None."""
        body = await self._store.get(connection_id)
        return ConnectionRecord.model_validate(body) if body else None

    async def objects(self, object_ids: list[str]) -> list[SourceObjectRecord | None]:
        """Source objects in one round trip (None where missing)."""
        bodies = await self._store.get_many(object_ids)
        return [SourceObjectRecord.model_validate(b) if b else None for b in bodies]

    async def object(self, object_id: str) -> SourceObjectRecord | None:
        """One source object, or None."""
        (found,) = await self.objects([object_id])
        return found

    async def inputs(
        self, source_id: str, connection_id: str, destination_id: str | None
    ) -> tuple[SourceObjectRecord | None, ConnectionRecord | None, SourceObjectRecord | None]:
        """The source object, the connection and the destination object in one round trip."""
        ids = [source_id, connection_id] + ([destination_id] if destination_id else [])
        bodies = await self._store.get_many(ids)
        source = SourceObjectRecord.model_validate(bodies[0]) if bodies[0] else None
        connection = ConnectionRecord.model_validate(bodies[1]) if bodies[1] else None
        if destination_id is None or not bodies[2]:
            return source, connection, None
        return source, connection, SourceObjectRecord.model_validate(bodies[2])

    async def submit(self, token: ShareTokenRecord, request: RedemptionRequest) -> None:
        """The token goes ``pending`` and its request is queued, acknowledged together."""
        message = OutgoingMessage(self._redemptions_topic, token.id, request.to_bytes())
        with store_unavailable():
            await self._store.put(share_token_state(token), also=[message])

    @contextlib.asynccontextmanager
    async def finishing(self, token_id: str) -> AsyncIterator[bool]:
        """Hold the right to finish ``token_id``'s redemption while the block runs (renewed);
        yields False when another worker or reaper holds it."""
        lease = Lease(
            self._store.redis, _finishing_key(token_id), owner_token(), FINISH_LEASE_SECONDS
        )
        if not await lease.acquire():
            yield False
            return
        try:
            async with lease.kept():
                yield True
        finally:
            await lease.release()

    async def overdue_pending(self, pending_before_ms: int, limit: int) -> list[str]:
        """Tokens ``pending`` since before ``pending_before_ms``, oldest first."""
        raw = await self._store.redis.zrangebyscore(
            TOKEN_PENDING_INDEX, "-inf", pending_before_ms, start=0, num=limit
        )
        return as_texts(raw)

    async def begin_attempt(self, token_id: str, now: datetime) -> tuple[datetime, bool]:
        """The time of the first attempt at this redemption and whether this is a retry."""
        redis = self._store.redis
        if await redis.set(_attempt_key(token_id), iso(now), nx=True, ex=MARKER_SECONDS):
            return now, False
        earlier = await redis.get(_attempt_key(token_id))
        if not earlier:
            return now, True
        return parse_iso(as_text(earlier)), True

    async def redemption_finished(
        self, outcome: Outcome, events: list[Event], *, retried: bool
    ) -> None:
        """Copies, the final token and its events, acknowledged together. A retry re-writes
        the (identical) records but only the events that did not land the first time."""
        if retried:
            events = await self._missing(outcome.token, events)
        records = [source_object_state(obj) for obj in outcome.objects]
        with store_unavailable():
            await self._store.put(
                *records, share_token_state(outcome.token), also=self._event_messages(events)
            )
        await self._mark_announced(outcome.token.id)

    async def announce(self, token: ShareTokenRecord, events: list[Event]) -> None:
        """Make sure a finished redemption's events are out, each id exactly once."""
        if await self._store.redis.exists(_announced_key(token.id)):
            return
        missing = await self._missing(token, events)
        if missing:
            with store_unavailable():
                await self._store.put(also=self._event_messages(missing))
        await self._mark_announced(token.id)

    async def _missing(self, token: ShareTokenRecord, events: list[Event]) -> list[Event]:
        since = parse_iso(token.pending_at or token.updated_at)
        landed = await self._event_log.ids_since(token.id, epoch_ms(since))
        missing = [event for event in events if event.id not in landed]
        log.info(
            "checked which outcome events already landed",
            extra={
                "token": token.id,
                "landed": len(events) - len(missing),
                "missing": len(missing),
            },
        )
        return missing

    async def _mark_announced(self, token_id: str) -> None:
        await self._store.redis.set(_announced_key(token_id), "1", ex=MARKER_SECONDS)

    def _event_messages(self, events: list[Event]) -> list[OutgoingMessage]:
        return [
            OutgoingMessage(self._events_topic, _event_key(event), dumps(event.to_wire()))
            for event in events
        ]


def _event_key(event: Event) -> str:
    payload_id = event.payload_object.get("id")
    return payload_id if isinstance(payload_id, str) else event.id
