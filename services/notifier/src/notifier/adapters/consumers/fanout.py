"""Fan-out: reads ``connect.events`` in consumer group ``notifier-fanout`` and schedules one
delivery per matching webhook. Offsets are committed only after the deliveries are durably
scheduled in Redis, and scheduling is idempotent (delivery id = f(webhook, event)), so a crash
re-schedules and nothing is lost or doubled. A queue lost with Redis (FLUSHALL) is scheduled
again from the marks (:mod:`notifier.adapters.consumers.fanout_marks`): the fan-out goes back to
the oldest event whose deliveries had not finished.

Back-pressure: while more deliveries are due than the dispatchers can work off
(``max_due_backlog``), the partitions are paused (the group membership is kept alive).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence

from connect_shared.backoff import Backoff
from connect_shared.config import KafkaSettings
from connect_shared.events import Event
from connect_shared.replay import ViewGuardian
from connect_shared.subscriber import Incoming, Partitions, Subscriber, Subscription, model_value
from notifier.adapters.consumers.fanout_marks import MarkKeeper
from notifier.adapters.stores.fanout_marks import FanoutMarks
from notifier.adapters.stores.queue import DeliveryQueue, EventFanout
from notifier.adapters.stores.webhook_store import WebhookStore
from notifier.domain.schedule import RetryPolicy
from notifier.metrics import EVENTS_FANNED_OUT

log = logging.getLogger(__name__)

BATCH_RECORDS = 500
VIEW_WAIT_SECONDS = 1.0


class Fanout:
    """Turns events into scheduled deliveries."""

    def __init__(
        self,
        *,
        queue: DeliveryQueue,
        webhooks: WebhookStore,
        guardian: ViewGuardian,
        marks: FanoutMarks,
        policy: RetryPolicy,
        max_due_backlog: int,
        on_scheduled: Callable[[], None],
    ) -> None:
        self._queue = queue
        self._webhooks = webhooks
        self._guardian = guardian
        self._marks = marks
        self._keeper: MarkKeeper | None = None
        self._policy = policy
        self._max_backlog = max_due_backlog
        self._on_scheduled = on_scheduled

    async def handle(self, events: Sequence[Incoming[Event]]) -> int:
        """Schedule the deliveries of ``events``; returns how many were created."""
        if not events:
            return 0
        by_org = await self._webhooks.for_orgs(e.message.organization_id for e in events)
        fanouts = []
        fanned: dict[int, int] = {}
        for incoming in events:
            event, received = incoming.message, incoming.received
            payload = event.data.attributes.payload
            webhooks = by_org.get(event.organization_id, [])
            targets = [w.id for w in webhooks if w.wants(event.name, payload)]
            where = received.partition, received.offset
            fanned[where[0]] = max(fanned.get(where[0], 0), where[1] + 1)
            if targets:
                name, org = event.name, event.organization_id
                fanouts.append(
                    EventFanout(event.id, org, name, received.value or b"", targets, *where)
                )
        now_ms = int(time.time() * 1000)
        due = now_ms + int(self._policy.first_delay(random.random()) * 1000)  # noqa: S311
        created = await self._queue.schedule(fanouts, due)
        if not await self._guardian.ready():
            # The view was lost (FLUSHALL) since the check before the fetch: the webhooks may
            # have looked absent and what was scheduled may be gone. Not committed: the batch
            # is handled again once the view is rebuilt (scheduling is idempotent).
            raise RuntimeError("the state view was lost while fanning out; retrying")
        await self._marks.fanned(fanned)
        EVENTS_FANNED_OUT.inc(len(events))
        if created:
            self._on_scheduled()
        return created

    async def run(self, settings: KafkaSettings, topic: str, group_id: str) -> None:
        """Consume until cancelled (the caller restarts it after a failure)."""
        subscription = Subscription(
            topic,
            group_id,
            "notifier-fanout",
            model_value(Event),
            # Redis comes back within seconds after an outage: retry soon, not after 30 s.
            retry=Backoff(first=0.5, cap=2.0),
            max_records=BATCH_RECORDS,
        )
        self._keeper = MarkKeeper(settings, topic, group_id, self._marks)
        subscriber = Subscriber.batches(
            settings, subscription, self._handle_batch, before_poll=self._before_poll
        )
        keeping = asyncio.create_task(self._keeper.run())
        try:
            await subscriber.run()
        finally:
            keeping.cancel()
            with contextlib.suppress(BaseException):
                await keeping

    async def _handle_batch(self, events: Sequence[Incoming[Event]]) -> None:
        await self.handle(events)

    async def _before_poll(self, partitions: Partitions) -> bool:
        if not await self._guardian.ready():
            # Without the view every org would look webhook-less: wait, never skip.
            await asyncio.sleep(VIEW_WAIT_SECONDS)
            return False
        assert self._keeper is not None
        if not await self._keeper.ensure_intact():
            await asyncio.sleep(VIEW_WAIT_SECONDS)  # another process recovers the queue
            return False
        await self._keeper.rewind(partitions)
        backlog = await self._queue.due_backlog(int(time.time() * 1000))
        if backlog > self._max_backlog:
            if partitions.pause():
                log.warning("pausing fan-out: delivery backlog", extra={"backlog": backlog})
        else:
            partitions.resume()
        return True
