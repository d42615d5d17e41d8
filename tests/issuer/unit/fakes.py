"""In-memory fakes of the issuer's ports (``issuer.ports``) for the use cases' unit tests.

Each behaves as its store in ``issuer/adapters/stores`` does, which
``tests/issuer/integration/test_port_contracts.py`` checks by running the same contract against
both."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from connect_shared.domain_errors import StoreUnavailable
from connect_shared.events import Event
from connect_shared.pagination import Page, PageRequest, cursor_not_found, page_of
from connect_shared.records import (
    TOKEN_EXPIRY_INDEX,
    ConnectionRecord,
    OrganizationRecord,
    ShareTokenRecord,
    SourceObjectRecord,
)
from connect_shared.state_record import StateRecord, Versioned
from connect_shared.versioned import DELETED, LostRace, status_field
from issuer.domain.ingest_keys import IngestKeyRecord
from issuer.ports import Keyed, StatusOf
from tests.support.fake_claims import FakeClaims

__all__ = [
    "FakeClaims",
    "FakeDeadLetters",
    "FakeEntities",
    "FakeIngestKeys",
    "FakeIngestedEvents",
]

RecordT = TypeVar("RecordT", bound=BaseModel)
_Entry = tuple[float, str]

OBJECT_PREFIXES = ("inq_", "act_", "txn_", "ver_")


class FakeEntities:
    """The record ports (connections, objects, tokens, workflows, source events) and the
    expiry queue over dicts. ``unavailable = True`` makes writes fail as Kafka down does."""

    def __init__(self) -> None:
        self.bodies: dict[str, dict[str, Any] | None] = {}
        self.versions: dict[str, int] = {}
        self.indexes: dict[str, dict[str, float]] = {}
        self.events: list[tuple[str, Event]] = []
        self.ready = True
        self.unavailable = False
        self._offset = 0

    # -- writes ------------------------------------------------------------------------------

    def apply(self, record: StateRecord) -> None:
        """Apply one state write as the view does: a new version, indexes replaced."""
        self._offset += 1
        self.versions[record.id] = self._offset
        for members in self.indexes.values():
            members.pop(record.id, None)
        if record.deleted:
            self.bodies[record.id] = None
            return
        self.bodies[record.id] = record.body
        for name, score in record.indexes.items():
            self.indexes.setdefault(name, {})[record.id] = score

    async def put(self, *records: StateRecord, events: Keyed = ()) -> None:
        """All or nothing, like one acknowledged Kafka write."""
        if self.unavailable:
            raise StoreUnavailable("Kafka did not acknowledge the write; nothing was stored.")
        for record in records:
            self.apply(record)
        self.events.extend(events)

    async def put_if(
        self,
        record: StateRecord,
        version: int,
        *,
        noun: str,
        status_of: StatusOf | None = None,
        events: Keyed = (),
    ) -> None:
        """A compare-and-set against ``version``."""
        if self.versions.get(record.id) != version:
            body = self.bodies.get(record.id)
            status = DELETED if body is None else (status_of or status_field)(body)
            raise LostRace(noun, status)
        await self.put(record, events=events)

    # -- reads -------------------------------------------------------------------------------

    def _body(self, record_id: str, *prefixes: str) -> dict[str, Any] | None:
        if prefixes and not record_id.startswith(prefixes):
            return None
        return self.bodies.get(record_id)

    async def read(
        self, model: type[RecordT], record_id: str, prefix: str
    ) -> Versioned[RecordT] | None:
        body = self._body(record_id, prefix)
        if body is None:
            return None
        return Versioned(model.model_validate(body), self.versions[record_id])

    async def organization(self, org_id: str) -> OrganizationRecord | None:
        body = self._body(org_id, "org_")
        return OrganizationRecord.model_validate(body) if body else None

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        body = self._body(connection_id, "cxn_")
        return ConnectionRecord.model_validate(body) if body else None

    async def source_object(self, object_id: str) -> SourceObjectRecord | None:
        body = self._body(object_id, *OBJECT_PREFIXES)
        return SourceObjectRecord.model_validate(body) if body else None

    async def source_objects(self, object_ids: Sequence[str]) -> list[SourceObjectRecord | None]:
        bodies = [self._body(i) for i in object_ids]
        return [SourceObjectRecord.model_validate(b) if b else None for b in bodies]

    async def connection_and_source(
        self, connection_id: str, source_id: str
    ) -> tuple[ConnectionRecord | None, SourceObjectRecord | None]:
        return await self.connection(connection_id), await self.source_object(source_id)

    async def share_token(self, token_id: str) -> ShareTokenRecord | None:
        body = self._body(token_id, "cnst_")
        return ShareTokenRecord.model_validate(body) if body else None

    async def view_ready(self) -> bool:
        return self.ready

    async def page(
        self,
        model: type[RecordT],
        indexes: Sequence[str],
        request: PageRequest,
        keep: Callable[[RecordT], bool],
    ) -> Page[RecordT]:
        entries = sorted(
            {(score, i) for name in indexes for i, score in self.indexes.get(name, {}).items()}
        )
        cursor = request.after or request.before
        descending = request.before is None
        if cursor is not None:
            bound = next((e for e in entries if e[1] == cursor), None)
            if bound is None:
                raise cursor_not_found(request)
            entries = [e for e in entries if (e < bound if descending else e > bound)]
        if descending:
            entries.reverse()
        ids: list[str] = []
        items: list[RecordT] = []
        for _, record_id in entries:
            body = self.bodies.get(record_id)
            item = model.model_validate(body) if body else None
            if item is not None and keep(item) and len(ids) <= request.size:
                ids.append(record_id)
                items.append(item)
        return page_of(request, ids, items)

    # -- the expiry queue (the view's expiry index) ------------------------------------------

    async def due(self, now_ms: int, limit: int) -> list[str]:
        queued = sorted((s, i) for i, s in self.indexes.get(TOKEN_EXPIRY_INDEX, {}).items())
        return [i for s, i in queued if s <= now_ms][:limit]

    async def drop(self, token_id: str) -> None:
        self.indexes.get(TOKEN_EXPIRY_INDEX, {}).pop(token_id, None)


class FakeIngestedEvents:
    """Event ids already ingested."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    async def seen(self, event_id: str) -> bool:
        return event_id in self.ids

    async def remember(self, event_id: str) -> None:
        self.ids.add(event_id)


class FakeIngestKeys:
    """Ingest keys with their secrets in the clear."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[IngestKeyRecord, str]] = {}

    def add(self, key: IngestKeyRecord, secret: str) -> None:
        self.keys[key.id] = (key, secret)

    async def get(self, key_id: str) -> IngestKeyRecord | None:
        found = self.keys.get(key_id)
        return found[0] if found else None

    def secret_of(self, key: IngestKeyRecord) -> str | None:
        found = self.keys.get(key.id)
        return found[1] if found else None


class FakeDeadLetters:
    """Dead letters as (key, value, reason, origin)."""

    def __init__(self) -> None:
        self.letters: list[tuple[str, bytes, str, str]] = []

    async def send(self, key: str, value: bytes, *, reason: str, origin: str) -> None:
        self.letters.append((key, value, reason, origin))
