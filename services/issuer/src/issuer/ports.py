"""What the issuer's use cases need from the outside world, named for what they do with it.

The use cases import only these Protocols; ``adapters/stores`` implements them over the Redis
view and ``connect.state`` (one acknowledged Kafka write per change), and the unit tests over
memory (``tests/issuer/unit/fakes.py``). One contract test per port runs against both
(``tests/issuer/integration/test_port_contracts.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from connect_shared.claims import TokenClaims
from connect_shared.events import Event
from connect_shared.pagination import Page, PageRequest
from connect_shared.records import (
    ConnectionRecord,
    OrganizationRecord,
    ShareTokenRecord,
    SourceObjectRecord,
)
from connect_shared.state_record import StateRecord, Versioned
from issuer.domain.ingest_keys import IngestKeyRecord

RecordT = TypeVar("RecordT", bound=BaseModel)

__all__ = [
    "ConnectionStore",
    "DeadLetters",
    "ExpiryQueue",
    "IngestKeys",
    "IngestedEvents",
    "RecordReads",
    "RecordWrites",
    "SourceEventStore",
    "SourceObjectStore",
    "TokenClaims",
    "TokenStore",
    "WorkflowStore",
]

StatusOf = Callable[[dict[str, Any]], str]
"""What a lost race reports as a record's current ``status``, read from its stored body."""

Keyed = Sequence[tuple[str, Event]]
"""Events with the key (token or object id) each is produced under."""


class RecordReads(Protocol):
    """Records of the view by id and one page of an index."""

    async def read(
        self, model: type[RecordT], record_id: str, prefix: str
    ) -> Versioned[RecordT] | None:
        """One record with the version it was read at (None if absent or not ``prefix``ed)."""
        ...

    async def page(
        self,
        model: type[RecordT],
        indexes: Sequence[str],
        request: PageRequest,
        keep: Callable[[RecordT], bool],
    ) -> Page[RecordT]:
        """One page of the records listed in ``indexes`` (newest first) that ``keep`` accepts;
        a cursor that names no listed record is refused (``CursorNotFound``)."""
        ...


class RecordWrites(Protocol):
    """Durable writes: Kafka acknowledges the records and their events together, or nothing
    reaches the view."""

    async def put(self, *records: StateRecord, events: Keyed = ()) -> None:
        """Write new (or unconditionally rewritten) records with their events."""
        ...

    async def put_if(
        self,
        record: StateRecord,
        version: int,
        *,
        noun: str,
        status_of: StatusOf | None = None,
        events: Keyed = (),
    ) -> None:
        """Write ``record`` only if it is still at ``version`` (a lost race otherwise);
        ``status_of`` (default: the body's ``status``) names the status a lost race reports."""
        ...


class ConnectionStore(RecordReads, RecordWrites, Protocol):
    """Connections and the organizations they join."""

    async def organization(self, org_id: str) -> OrganizationRecord | None:
        """One organization, or None."""
        ...


class SourceObjectStore(RecordReads, RecordWrites, Protocol):
    """Inquiries, accounts, transactions and verifications."""

    async def source_object(self, object_id: str) -> SourceObjectRecord | None:
        """One object, or None (also for an id of no object collection)."""
        ...

    async def source_objects(self, object_ids: Sequence[str]) -> list[SourceObjectRecord | None]:
        """Several objects, in order (None where absent)."""
        ...


class TokenStore(RecordReads, RecordWrites, Protocol):
    """Share tokens and what they are issued from."""

    async def share_token(self, token_id: str) -> ShareTokenRecord | None:
        """One share token, or None."""
        ...

    async def connection_and_source(
        self, connection_id: str, source_id: str
    ) -> tuple[ConnectionRecord | None, SourceObjectRecord | None]:
        """A token's connection and source object together (None where absent)."""
        ...


class WorkflowStore(RecordReads, RecordWrites, Protocol):
    """Workflow definitions and run logs, and the connections their actions name."""

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        """One connection, or None."""
        ...


class SourceEventStore(RecordWrites, Protocol):
    """What ingesting a source event reads and writes."""

    async def organization(self, org_id: str) -> OrganizationRecord | None:
        """One organization, or None."""
        ...

    async def source_objects(self, object_ids: Sequence[str]) -> list[SourceObjectRecord | None]:
        """Several objects, in order (None where absent)."""
        ...

    async def view_ready(self) -> bool:
        """False while the view is being rebuilt (absent records may exist after all)."""
        ...


class ExpiryQueue(Protocol):
    """Tokens waiting for their expiry, by ``expires_at_ms``."""

    async def due(self, now_ms: int, limit: int) -> list[str]:
        """Up to ``limit`` token ids whose expiry is at or before ``now_ms``, soonest first."""
        ...

    async def drop(self, token_id: str) -> None:
        """Forget a token that needs no announcement (gone, or announced already)."""
        ...


class IngestedEvents(Protocol):
    """Which platform events an ingested source event already produced (redelivery guard)."""

    async def seen(self, event_id: str) -> bool:
        """True when ``event_id`` was ingested before."""
        ...

    async def remember(self, event_id: str) -> None:
        """Record ``event_id`` as ingested (kept longer than the topic keeps messages)."""
        ...


class IngestKeys(Protocol):
    """Ingest keys and their opened secrets."""

    async def get(self, key_id: str) -> IngestKeyRecord | None:
        """One ingest key, or None."""
        ...

    def secret_of(self, key: IngestKeyRecord) -> str | None:
        """The key's secret, or None when it cannot be opened."""
        ...


class DeadLetters(Protocol):
    """Where source events that can never be ingested go, with the reason."""

    async def send(self, key: str, value: bytes, *, reason: str, origin: str) -> None:
        """Durably dead-letter ``value`` (``origin``: topic/partition/offset)."""
        ...
