"""Service layer of the worker: carry out one redemption request, idempotently by token id.

* The view must be usable (after a lost Redis it is rebuilt first): otherwise retry later.
* Only the request that moved the token to ``pending`` (same ``pending_at``) is carried out.
* A token that already finished makes sure its outcome events are out (same ids, each once)
  and does nothing else.
* Infrastructure errors propagate (the consumer retries without committing); anything else
  that goes wrong while copying fails the token with ``unrecoverable_error``.
* One finisher at a time: the work runs under the token's finishing lease, shared with the
  reaper (:mod:`redeemer.usecases.reaping`), and re-reads the token under it, so a redemption
  the reaper failed meanwhile is only announced, never finished a second time.
* What is copied follows the connection's sharing settings as they are when the copy is made
  (read here, not carried by the request): a source that tightens its settings after a redeem
  was accepted is obeyed by the copy. A redelivery redoes the work as of its first attempt
  (same ids and times) under the settings of that moment, so it writes the identical copy
  unless the source changed its settings in between, in which case the rewritten copy follows
  the newer ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from connect_shared.clock import epoch_ms, utcnow
from connect_shared.records import (
    ConnectionRecord,
    ShareTokenRecord,
    SharingLevel,
)
from connect_shared.redemptions import RedemptionRequest
from redeemer.domain.copying import RedemptionFailed, Sign, check_source, clone, hydrate
from redeemer.domain.outcome import Outcome, outcome_events
from redeemer.domain.tokens import mark_failed, mark_redeemed
from redeemer.ports import RedemptionRecords

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The request cannot be decided yet (view rebuilding, token write not visible yet)."""


class RedemptionProcessor:
    """Turns a :class:`RedemptionRequest` into copies, a final token status and its events."""

    def __init__(
        self,
        store: RedemptionRecords,
        sign: Sign,
        *,
        on_view_lost: Callable[[], None],
        pending_grace_seconds: float,
        clock: Callable[[], datetime] = utcnow,
        transient: tuple[type[BaseException], ...] = (OSError,),
    ) -> None:
        """``transient``: the store's errors a retry may cure (the composition root names the
        client's, e.g. redis-py's ``RedisError``); they propagate and the request is redelivered,
        where anything else unexpected fails the token."""
        self._store = store
        self._transient: tuple[type[BaseException], ...] = (*transient, RetryLater)
        self._sign = sign
        self._on_view_lost = on_view_lost
        self._grace_ms = int(pending_grace_seconds * 1000)
        self._clock = clock

    async def process(self, request: RedemptionRequest) -> None:
        """Carry out ``request`` (safe to call any number of times)."""
        if not await self._store.view_ready():
            self._on_view_lost()
            raise RetryLater("the state view is being rebuilt")
        token = await self._store.token(request.token_id)
        if token is None:
            await self._unless_view_lost("the token")
            log.error("redemption request for an unknown token", extra={"token": request.token_id})
            return
        if token.pending_at != request.pending_at:
            self._stale(token, request)
            return
        if token.status in ("redeemed", "failed"):
            if await self._copy_missing(token):
                # The first attempt's writes are durable on Kafka but its process died before
                # applying them, and the token reached the view first (through the state
                # follower): write the identical copies again so the destination reads them now.
                await self._finish(token, request, redo=True)
                return
            await self._store.announce(token, outcome_events(token))
            return
        if token.status != "pending":
            log.warning("token left pending elsewhere", extra={"token": token.id})
            return
        await self._finish(token, request)

    async def _unless_view_lost(self, what: str) -> None:
        """Something looked missing: if the view was lost since the check at the start (a
        FLUSHALL in between), it may only be missing from the view; retry once rebuilt."""
        if not await self._store.view_ready():
            self._on_view_lost()
            raise RetryLater(f"the state view was lost while reading {what}")

    async def _copy_missing(self, token: ShareTokenRecord) -> bool:
        if token.status != "redeemed" or token.destination_id is None:
            return False
        return await self._store.object(token.destination_id) is None

    async def _finish(
        self, token: ShareTokenRecord, request: RedemptionRequest, *, redo: bool = False
    ) -> None:
        async with self._store.finishing(token.id) as held:
            if not held:
                raise RetryLater("another worker or the reaper is finishing this redemption")
            current = await self._store.token(token.id)
            if current is None or current.status != token.status:
                if current is not None and current.status in ("redeemed", "failed"):
                    await self._store.announce(current, outcome_events(current))
                return
            await self._finish_held(token, request, redo=redo)

    async def _finish_held(
        self, token: ShareTokenRecord, request: RedemptionRequest, *, redo: bool
    ) -> None:
        # A redelivery redoes the work as of the first attempt: same ids, same times, same
        # bytes; only events that did not land the first time are produced.
        started, retried = await self._store.begin_attempt(token.id, self._clock())
        retried = retried or redo
        outcome = await self._redeem(token, request, started)
        await self._store.redemption_finished(
            outcome, outcome_events(outcome.token), retried=retried
        )
        log.info(
            "redemption finished",
            extra={"token": token.id, "status": outcome.token.status},
        )

    def _stale(self, token: ShareTokenRecord, request: RedemptionRequest) -> None:
        age_ms = epoch_ms(self._clock()) - request.requested_at_ms
        if token.status == "created" and age_ms < self._grace_ms:
            # The token write of this request may not have reached the view yet.
            raise RetryLater("the token is not pending yet")
        log.warning(
            "dropping a redemption request whose token write did not happen",
            extra={"token": token.id, "status": token.status},
        )

    @staticmethod
    def _sharing(
        token: ShareTokenRecord, connection: ConnectionRecord | None
    ) -> dict[str, SharingLevel]:
        if connection is None:
            # Connections are never deleted and the view is ready: copying without knowing
            # what the source allows would be a guess, so nothing is copied.
            raise RedemptionFailed("unrecoverable_error", f"{token.connection_id} is missing")
        return connection.sharing

    async def _redeem(
        self, token: ShareTokenRecord, request: RedemptionRequest, now: datetime
    ) -> Outcome:
        try:
            # One round trip for everything the copy needs but the verifications (their ids
            # are in the source object).
            found, connection, destination = await self._store.inputs(
                token.source_id, token.connection_id, request.destination_id
            )
            source = check_source(token, found)
            sharing = self._sharing(token, connection)
            if request.destination_id is None:
                verifications = await self._store.objects(source.verification_ids)
                copies = clone(
                    token,
                    source,
                    [v for v in verifications if v is not None],
                    request.field_mappings,
                    now,
                    self._sign,
                    sharing=sharing,
                )
                final = copies[-1]
                return Outcome(mark_redeemed(token, final.id, final.type, now), copies)
            filled = hydrate(
                token,
                source,
                destination,
                request.field_mappings,
                now,
                self._sign,
                sharing=sharing,
            )
            return Outcome(mark_redeemed(token, filled.id, filled.type, now), [filled])
        except RedemptionFailed as failure:
            await self._unless_view_lost("what the copy needs")
            log.info("redemption failed", extra={"token": token.id, "reason": failure.reason})
            return Outcome(mark_failed(token, failure.reason, now))
        except self._transient:
            raise
        except Exception:
            log.exception("redemption failed unexpectedly", extra={"token": token.id})
            return Outcome(mark_failed(token, "unrecoverable_error", now))
