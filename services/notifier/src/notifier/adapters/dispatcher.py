"""The dispatcher: claims due deliveries (leased, so replicas and crashes neither lose nor
double-hold them) and runs each attempt as its own task.

Isolation: at most ``max_in_flight`` attempts per process and ``per_webhook_concurrency`` per
webhook; a due delivery whose webhook is at capacity is put back a little later instead of
waiting in memory, so a slow endpoint never holds a slot another endpoint could use and the
loop itself never awaits an attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from connect_shared import jsonutil
from notifier.adapters.disabler import WebhookDisabler
from notifier.adapters.finisher import FinishBatcher
from notifier.adapters.sender import HttpSender
from notifier.adapters.stores.queue import DeliveryQueue, Finish
from notifier.adapters.stores.webhook_store import WebhookStore
from notifier.domain.deliveries import (
    ClaimedDelivery,
    attempt_entry,
    attempt_headers,
    for_webhook,
)
from notifier.domain.outcome import decide, failing_too_long
from notifier.domain.schedule import RetryPolicy
from notifier.domain.webhooks import WebhookRecord
from notifier.metrics import (
    ATTEMPT_LATENCY,
    DEAD_LETTERS,
    DELIVERY_ATTEMPTS,
    FAILURE_STREAK,
    IN_FLIGHT,
)

log = logging.getLogger(__name__)

RESULT_TEXT = {"delivered": "delivered", "retry": "retrying", "dead": "dead-lettered"}


@dataclass(frozen=True)
class DispatchLimits:
    """The dispatcher's knobs (from settings)."""

    max_in_flight: int
    per_webhook: int
    batch: int
    lease_seconds: float
    poll_seconds: float
    busy_defer_seconds: float
    auto_disable_seconds: float
    # On shutdown, how long attempts already sent may take to finish and be recorded.
    drain_seconds: float = 12.0


def _now_ms() -> int:
    return int(time.time() * 1000)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class Dispatcher:
    """Claims, sends and records; one instance per process."""

    def __init__(
        self,
        *,
        queue: DeliveryQueue,
        webhooks: WebhookStore,
        sender: HttpSender,
        disabler: WebhookDisabler,
        policy: RetryPolicy,
        limits: DispatchLimits,
    ) -> None:
        self._queue = queue
        self._webhooks = webhooks
        self._sender = sender
        self._disabler = disabler
        self._policy = policy
        self._limits = limits
        self._tasks: set[asyncio.Task[None]] = set()
        self._busy: Counter[str] = Counter()
        self._wake = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._finisher = FinishBatcher(queue)

    def wake(self) -> None:
        """Something became due now (a fan-out or a resend in this process)."""
        self._wake.set()

    async def run(self) -> None:
        """Dispatch until cancelled. A shutdown claims nothing more and lets the attempts in
        flight finish and be recorded (bounded by ``drain_seconds``), so a restart resends
        nothing; what is left then is abandoned to its lease and sent again later."""
        finisher = asyncio.create_task(self._finisher.run(), name="attempt-finisher")
        try:
            while True:
                await self._tick()
        finally:
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=self._limits.drain_seconds)
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            finisher.cancel()
            await asyncio.gather(finisher, return_exceptions=True)

    async def _tick(self) -> None:
        free = self._limits.max_in_flight - len(self._tasks)
        if free <= 0:
            self._slot_freed.clear()
            await self._wait(self._slot_freed)
            return
        self._wake.clear()
        now = _now_ms()
        limit = min(self._limits.batch, free)
        claimed = await self._queue.claim(now, int(self._limits.lease_seconds * 1000), limit)
        if not claimed:
            await self._wait(self._wake)
            return
        webhooks = await self._webhooks.get_many(d.webhook_id for d in claimed)
        if (
            len(webhooks) < len({d.webhook_id for d in claimed})
            and not await self._webhooks.view_ready()
        ):
            # The view is being rebuilt: a missing webhook may just not be back yet.
            webhooks = {}
            missing_means_deleted = False
        else:
            missing_means_deleted = True
        finishes = [
            f for d in claimed if (f := self._route(d, webhooks, now, missing_means_deleted))
        ]
        await self._queue.finish(finishes, now)

    def _route(
        self,
        delivery: ClaimedDelivery,
        webhooks: dict[str, WebhookRecord],
        now: int,
        missing_means_deleted: bool,
    ) -> Finish | None:
        webhook = webhooks.get(delivery.webhook_id)
        first = delivery.first_attempted_at
        if webhook is None and missing_means_deleted:
            return Finish(delivery, "drop", delivery.attempts_made, first)
        if webhook is not None and webhook.status != "enabled":
            entry = attempt_entry(
                delivery,
                result="dead-lettered",
                at=_at(now),
                total_attempts=self._policy.total_attempts,
                error="the webhook is disabled; not sent",
                attempt_number=delivery.attempts_made,
            )
            DEAD_LETTERS.inc()
            return Finish(delivery, "dead", delivery.attempts_made, first, 0, jsonutil.dumps(entry))
        if webhook is None or self._busy[webhook.id] >= self._limits.per_webhook:
            delay = self._limits.busy_defer_seconds * (0.5 + random.random())  # noqa: S311
            return Finish(delivery, "defer", delivery.attempts_made, first, now + int(delay * 1000))
        self._start(delivery, webhook)
        return None

    def _start(self, delivery: ClaimedDelivery, webhook: WebhookRecord) -> None:
        self._busy[webhook.id] += 1
        task = asyncio.create_task(self._attempt(delivery, webhook), name=f"attempt-{delivery.id}")
        self._tasks.add(task)
        IN_FLIGHT.set(len(self._tasks))

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            self._busy[webhook.id] -= 1
            if self._busy[webhook.id] <= 0:
                del self._busy[webhook.id]
            IN_FLIGHT.set(len(self._tasks))
            self._slot_freed.set()

        task.add_done_callback(done)

    async def _attempt(self, delivery: ClaimedDelivery, webhook: WebhookRecord) -> None:
        try:
            await self._attempt_once(delivery, webhook)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The lease runs out and the delivery is attempted again; nothing is lost.
            log.exception("attempt bookkeeping failed", extra={"delivery_id": delivery.id})

    async def _attempt_once(self, delivery: ClaimedDelivery, webhook: WebhookRecord) -> None:
        now_s = int(time.time())
        total = self._policy.total_attempts
        # The webhook's API version and key inflection decide the bytes (and so the signature).
        delivery = for_webhook(delivery, webhook)
        headers = attempt_headers(webhook, delivery, total, now_s)
        result = await self._sender.send(webhook.url, delivery.body, headers)
        outcome = decide(result, delivery.attempt_number, self._policy, random.random())  # noqa: S311
        end = _now_ms()
        next_due = end + int((outcome.delay or 0) * 1000)
        state = "dead" if outcome.kind == "gone" else outcome.kind
        entry = attempt_entry(
            delivery,
            result=RESULT_TEXT[state],
            at=_at(end),
            total_attempts=total,
            status_code=result.status,
            duration_ms=result.duration_ms,
            error=result.error
            or ("the endpoint is gone (410)" if outcome.kind == "gone" else None),
            next_attempt_at=_at(next_due) if outcome.kind == "retry" else None,
        )
        finished = await self._finisher.finish(
            Finish(
                delivery,
                state,
                delivery.attempt_number,
                delivery.first_attempted_at or now_s,
                next_due,
                jsonutil.dumps(entry),
                "ok" if result.succeeded else "fail",
            )
        )
        DELIVERY_ATTEMPTS.labels(outcome.kind).inc()
        ATTEMPT_LATENCY.observe(result.duration_ms / 1000)
        FAILURE_STREAK.labels(webhook.id).set(finished.failure_streak)
        if state == "dead":
            DEAD_LETTERS.inc()
        if outcome.kind == "gone":
            gone = "the endpoint answered 410 Gone"
            await self._disabler.disable(webhook.id, gone, "gone", webhook.url)
        elif failing_too_long(finished.failing_since_ms, end, self._limits.auto_disable_seconds):
            reason = "failing without a success for too long"
            await self._disabler.disable(webhook.id, reason, "failing", webhook.url)

    async def _wait(self, event: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._limits.poll_seconds):
                await event.wait()
