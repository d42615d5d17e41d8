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

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from pydantic import ValidationError

from connect_shared.config import KafkaSettings
from connect_shared.events import Event
from connect_shared.kafka import make_consumer
from connect_shared.replay import ViewGuardian
from notifier.adapters.queue import DeliveryQueue, EventFanout
from notifier.adapters.webhook_store import WebhookStore
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

    async def handle(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> int:
        """Schedule the deliveries of ``records``; returns how many were created."""
        events: list[tuple[Event, bytes]] = []
        for record in records:
            if record.value is None:
                continue
            try:
                events.append((Event.model_validate_json(record.value), record.value))
            except ValidationError:
                log.error(
                    "unreadable event skipped",
                    extra={"partition": record.partition, "offset": record.offset},
                )
        if not events:
            return 0
        by_org = await self._webhooks.for_orgs(e.organization_id for e, _ in events)
        fanouts = []
        for event, raw in events:
            targets = [w.id for w in by_org.get(event.organization_id, []) if w.wants(event.name)]
            if targets:
                fanouts.append(
                    EventFanout(event.id, event.organization_id, event.name, raw, targets)
                )
        now_ms = int(time.time() * 1000)
        due = now_ms + int(self._policy.first_delay(random.random()) * 1000)  # noqa: S311
        created = await self._queue.schedule(fanouts, due)
        EVENTS_FANNED_OUT.inc(len(events))
        if created:
            self._on_scheduled()
        return created

    async def run(self, settings: KafkaSettings, topic: str, group_id: str) -> None:
        """Consume until cancelled (the caller restarts it after a failure)."""
        consumer = make_consumer(settings, topic, group_id=group_id, client_id="notifier-fanout")
        await consumer.start()
        try:
            while True:
                if not await self._guardian.ready():
                    # Without the view every org would look webhook-less: wait, never skip.
                    await asyncio.sleep(VIEW_WAIT_SECONDS)
                    continue
                await self._apply_backpressure(consumer)
                batches = await consumer.getmany(timeout_ms=500, max_records=BATCH_RECORDS)
                if not batches:
                    continue
                await self.handle([r for records in batches.values() for r in records])
                await consumer.commit({tp: recs[-1].offset + 1 for tp, recs in batches.items()})
        finally:
            await consumer.stop()

    async def _apply_backpressure(self, consumer: AIOKafkaConsumer) -> None:
        backlog = await self._queue.due_backlog(int(time.time() * 1000))
        assigned = consumer.assignment()
        if backlog > self._max_backlog:
            if assigned - consumer.paused():
                log.warning("pausing fan-out: delivery backlog", extra={"backlog": backlog})
            consumer.pause(*assigned)
        elif consumer.paused():
            consumer.resume(*consumer.paused())
