"""The reaper: a redemption left ``pending`` too long ends ``failed`` (``unrecoverable_error``).

A pending token always has its request on ``connect.redemptions`` (both are written in one
transaction), so the worker normally finishes it; it stays pending only when the worker gave
up on the request (dead-lettered after its attempts) or the request was dropped. Every
``interval`` the reaper of each replica looks for tokens pending longer than ``timeout``
(the ``idx:share-token:pending`` index) and fails them with their failure events.

Safe with several replicas and idempotent with the worker: each token is failed under the same
finishing lease the worker holds while it finishes a redemption, and re-read under it, so only
a token still pending since before the deadline is failed, once; a worker that comes later
finds it failed and only makes sure its events are out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from connect_shared.clock import epoch_ms, parse_epoch_ms, utcnow
from connect_shared.events import Event
from connect_shared.records import ShareTokenRecord
from redeemer.domain.outcome import Outcome, outcome_events
from redeemer.domain.tokens import mark_failed

log = logging.getLogger(__name__)

BATCH = 100


class PendingRecords(Protocol):
    """What the reaper reads and writes (:class:`RedemptionStore`, or a fake in tests)."""

    async def overdue_pending(self, pending_before_ms: int, limit: int) -> list[str]: ...
    async def token(self, token_id: str) -> ShareTokenRecord | None: ...
    def finishing(self, token_id: str) -> AbstractAsyncContextManager[bool]: ...
    async def redemption_finished(
        self, outcome: Outcome, events: list[Event], *, retried: bool
    ) -> None: ...


class RedemptionReaper:
    """Fails redemptions pending for longer than ``timeout_seconds``."""

    def __init__(
        self,
        store: PendingRecords,
        *,
        timeout_seconds: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._timeout_ms = int(timeout_seconds * 1000)
        self._clock = clock

    async def reap_once(self) -> int:
        """Fail every overdue pending redemption; returns how many this call failed."""
        failed = 0
        while True:
            now = self._clock()
            deadline_ms = epoch_ms(now) - self._timeout_ms
            ids = await self._store.overdue_pending(deadline_ms, BATCH)
            batch_failed = 0
            for token_id in ids:
                batch_failed += await self._reap(token_id, now, deadline_ms)
            failed += batch_failed
            if len(ids) < BATCH or not batch_failed:
                return failed

    async def _reap(self, token_id: str, now: datetime, deadline_ms: int) -> int:
        async with self._store.finishing(token_id) as held:
            if not held:
                return 0  # a worker (or another reaper) is on it right now
            token = await self._store.token(token_id)
            if (
                token is None
                or token.status != "pending"
                or not token.pending_at
                or parse_epoch_ms(token.pending_at) > deadline_ms
            ):
                return 0
            outcome = Outcome(mark_failed(token, "unrecoverable_error", now))
            await self._store.redemption_finished(
                outcome, outcome_events(outcome.token), retried=False
            )
            log.warning(
                "pending redemption timed out; failed",
                extra={"token": token_id, "pending_at": token.pending_at},
            )
            return 1
