"""What the redeemer's use cases need from the outside world, named for what they do with it.

``adapters/stores/redemption_store.py`` implements both record ports over the Redis view and
Kafka (``connect.state``, ``connect.redemptions``, ``connect.events``); the unit tests use the
fakes in ``tests/redeemer/unit/fakes.py``, and ``tests/redeemer/integration/test_port_contracts.py``
runs one contract against both.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from connect_shared.claims import TokenClaims
from connect_shared.events import Event
from connect_shared.records import ConnectionRecord, ShareTokenRecord, SourceObjectRecord
from connect_shared.redemptions import RedemptionRequest
from redeemer.domain.outcome import Outcome

__all__ = ["PendingRecords", "RedemptionRecords", "RedemptionRequests", "TokenClaims"]


class RedemptionRequests(Protocol):
    """What accepting a redeem reads and writes."""

    async def token(self, token_id: str) -> ShareTokenRecord | None:
        """A share token, or None."""
        ...

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        """A connection, or None."""
        ...

    async def submit(self, token: ShareTokenRecord, request: RedemptionRequest) -> None:
        """The ``pending`` token and its queued request, durable together (or neither)."""
        ...


class RedemptionRecords(Protocol):
    """What the worker reads and writes while it carries a redemption out."""

    async def view_ready(self) -> bool:
        """False after a lost Redis, until the view is rebuilt."""
        ...

    async def token(self, token_id: str) -> ShareTokenRecord | None:
        """A share token, or None."""
        ...

    async def connection(self, connection_id: str) -> ConnectionRecord | None:
        """A connection, or None."""
        ...

    async def object(self, object_id: str) -> SourceObjectRecord | None:
        """One source object, or None."""
        ...

    async def objects(self, object_ids: list[str]) -> list[SourceObjectRecord | None]:
        """Source objects in order (None where missing)."""
        ...

    async def inputs(
        self, source_id: str, connection_id: str, destination_id: str | None
    ) -> tuple[SourceObjectRecord | None, ConnectionRecord | None, SourceObjectRecord | None]:
        """The source object, the connection and the destination object (None when not
        asked for or missing) that a redemption reads, together."""
        ...

    def finishing(self, token_id: str) -> AbstractAsyncContextManager[bool]:
        """The token's finishing lease, shared with the reaper: yields whether it was taken
        (one finisher at a time), renewed while the block runs."""
        ...

    async def begin_attempt(self, token_id: str, now: datetime) -> tuple[datetime, bool]:
        """When the first attempt at this redemption began, and whether this is a retry."""
        ...

    async def redemption_finished(
        self, outcome: Outcome, events: list[Event], *, retried: bool
    ) -> None:
        """Copies, final token and events durable together; a retry emits only the events
        that did not land before."""
        ...

    async def announce(self, token: ShareTokenRecord, events: list[Event]) -> None:
        """A finished redemption's events are out, each id once."""
        ...


class PendingRecords(Protocol):
    """What the reaper reads and writes: overdue ``pending`` tokens, failed under the same
    finishing lease the worker holds."""

    async def overdue_pending(self, pending_before_ms: int, limit: int) -> list[str]:
        """Ids of tokens pending since before ``pending_before_ms``, oldest first."""
        ...

    async def token(self, token_id: str) -> ShareTokenRecord | None:
        """A share token, or None."""
        ...

    def finishing(self, token_id: str) -> AbstractAsyncContextManager[bool]:
        """The token's finishing lease (see :class:`RedemptionRecords`)."""
        ...

    async def redemption_finished(
        self, outcome: Outcome, events: list[Event], *, retried: bool
    ) -> None:
        """The failed token and its events durable together."""
        ...
