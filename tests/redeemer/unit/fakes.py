"""In-memory fakes of the redeemer's ports (``redeemer.ports``); the port contract test
(``tests/redeemer/integration/test_port_contracts.py``) holds them to the real store."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from connect_shared.clock import parse_epoch_ms
from connect_shared.domain_errors import StoreUnavailable
from connect_shared.events import Event
from connect_shared.records import ConnectionRecord, ShareTokenRecord, SourceObjectRecord
from connect_shared.redemptions import RedemptionRequest
from redeemer.domain.outcome import Outcome


@dataclass
class FakeRecords:
    """Both record ports over a dict; ``emitted`` is what reached ``connect.events``,
    ``submitted`` what reached ``connect.redemptions``."""

    records: dict[str, ShareTokenRecord | SourceObjectRecord | ConnectionRecord] = field(
        default_factory=dict
    )
    ready: bool = True
    emitted: list[Event] = field(default_factory=list)
    announced: set[str] = field(default_factory=set)
    attempts: dict[str, datetime] = field(default_factory=dict)
    submitted: list[RedemptionRequest] = field(default_factory=list)
    unavailable: bool = False
    held: set[str] = field(default_factory=set)

    @contextlib.asynccontextmanager
    async def finishing(self, token_id: str) -> AsyncIterator[bool]:
        if token_id in self.held:
            yield False
            return
        self.held.add(token_id)
        try:
            yield True
        finally:
            self.held.discard(token_id)

    async def overdue_pending(self, pending_before_ms: int, limit: int) -> list[str]:
        pending = [
            r
            for r in self.records.values()
            if isinstance(r, ShareTokenRecord) and r.status == "pending" and r.pending_at
        ]
        due = [t for t in pending if parse_epoch_ms(t.pending_at or "") <= pending_before_ms]
        return [t.id for t in sorted(due, key=lambda t: t.pending_at or "")][:limit]

    async def view_ready(self) -> bool:
        return self.ready

    async def token(self, token_id: str) -> ShareTokenRecord | None:
        found = self.records.get(token_id)
        return found if isinstance(found, ShareTokenRecord) else None

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        found = self.records.get(connection_id)
        return found if isinstance(found, ConnectionRecord) else None

    async def object(self, object_id: str) -> SourceObjectRecord | None:
        found = self.records.get(object_id)
        return found if isinstance(found, SourceObjectRecord) else None

    async def objects(self, object_ids: list[str]) -> list[SourceObjectRecord | None]:
        return [await self.object(i) for i in object_ids]

    async def inputs(
        self, source_id: str, connection_id: str, destination_id: str | None
    ) -> tuple[SourceObjectRecord | None, ConnectionRecord | None, SourceObjectRecord | None]:
        destination = await self.object(destination_id) if destination_id else None
        return await self.object(source_id), await self.connection(connection_id), destination

    async def begin_attempt(self, token_id: str, now: datetime) -> tuple[datetime, bool]:
        if token_id in self.attempts:
            return self.attempts[token_id], True
        self.attempts[token_id] = now
        return now, False

    async def redemption_finished(
        self, outcome: Outcome, events: list[Event], *, retried: bool
    ) -> None:
        if retried:
            landed = {e.id for e in self.emitted}
            events = [e for e in events if e.id not in landed]
        for obj in outcome.objects:
            self.records[obj.id] = obj
        self.records[outcome.token.id] = outcome.token
        self.emitted += events
        self.announced.add(outcome.token.id)

    async def announce(self, token: ShareTokenRecord, events: list[Event]) -> None:
        if token.id not in self.announced:
            landed = {e.id for e in self.emitted}
            self.emitted += [e for e in events if e.id not in landed]
            self.announced.add(token.id)

    async def submit(self, token: ShareTokenRecord, request: RedemptionRequest) -> None:
        if self.unavailable:
            raise StoreUnavailable("Kafka did not acknowledge the write; nothing was stored.")
        self.records[token.id] = token
        self.submitted.append(request)
