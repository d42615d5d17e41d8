"""Fan-out: reads ``connect.events`` in consumer group ``notifier-fanout`` and schedules one
delivery per matching webhook. Offsets are committed only after the deliveries are durably
scheduled in Redis, and scheduling is idempotent (delivery id = f(webhook, event)), so a crash
re-schedules and nothing is lost or doubled.

Back-pressure: while more deliveries are due than the dispatchers can work off
(``max_due_backlog``), the partitions are paused (the group membership is kept alive).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence

from connect_shared.backoff import Backoff
from connect_shared.config import KafkaSettings
from connect_shared.events import Event
from connect_shared.replay import ViewGuardian
from connect_shared.subscriber import Incoming, Partitions, Subscriber, Subscription, model_value
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
        policy: RetryPolicy,
        max_due_backlog: int,
        on_scheduled: Callable[[], None],
    ) -> None:
        self._queue = queue
        self._webhooks = webhooks
        self._guardian = guardian
        self._policy = policy
        self._max_backlog = max_due_backlog
        self._on_scheduled = on_scheduled

    async def handle(self, events: Sequence[Incoming[Event]]) -> int:
        """Schedule the deliveries of ``events``; returns how many were created."""
        if not events:
            return 0
        by_org = await self._webhooks.for_orgs(e.message.organization_id for e in events)
        fanouts = []
        for incoming in events:
            event, raw = incoming.message, incoming.received.value or b""
            payload = event.data.attributes.payload
            webhooks = by_org.get(event.organization_id, [])
            targets = [w.id for w in webhooks if w.wants(event.name, payload)]
            if targets:
                fanouts.append(
                    EventFanout(event.id, event.organization_id, event.name, raw, targets)
                )
        now_ms = int(time.time() * 1000)
        due = now_ms + int(self._policy.first_delay(random.random()) * 1000)  # noqa: S311
        created = await self._queue.schedule(fanouts, due)
        if not await self._guardian.ready():
            # The view was lost (FLUSHALL) since the check before the fetch: the webhooks may
            # have looked absent and what was scheduled may be gone. Not committed: the batch
            # is handled again once the view is rebuilt (scheduling is idempotent).
            raise RuntimeError("the state view was lost while fanning out; retrying")
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
        await Subscriber.batches(
            settings, subscription, self._handle_batch, before_poll=self._before_poll
        ).run()

    async def _handle_batch(self, events: Sequence[Incoming[Event]]) -> None:
        await self.handle(events)

    async def _before_poll(self, partitions: Partitions) -> bool:
        if not await self._guardian.ready():
            # Without the view every org would look webhook-less: wait, never skip.
            await asyncio.sleep(VIEW_WAIT_SECONDS)
            return False
        backlog = await self._queue.due_backlog(int(time.time() * 1000))
        if backlog > self._max_backlog:
            if partitions.pause():
                log.warning("pausing fan-out: delivery backlog", extra={"backlog": backlog})
        else:
            partitions.resume()
        return True
