"""Feeding the events view from ``connect.events``: a consumer group (``notifier-events-view``)
applies every event as it arrives, and a rebuild replays the retention window when the view's
marker is missing (first start, FLUSHALL, a lost Redis), the way the state view is rebuilt
from ``connect.state``. Both apply idempotently, so they may overlap."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from aiokafka import ConsumerRecord

from connect_shared.backoff import Backoff
from connect_shared.config import KafkaSettings
from connect_shared.events import Event
from connect_shared.leases import Lease, owner_token
from connect_shared.replay import RebuildGuard, replay_topic
from connect_shared.subscriber import Incoming, Partitions, Subscriber, Subscription, model_value
from notifier.adapters.stores.event_view import READY_KEY, REBUILD_LOCK_KEY, EventView, StoredEvent

log = logging.getLogger(__name__)

# A lease renewed while the replay runs: a rebuilder that dies frees it within this time and
# another process takes over (the events API answers 503 meanwhile).
REBUILD_LEASE_SECONDS = 30.0


def _stored(received: Sequence[tuple[Event, bytes | None]]) -> list[StoredEvent]:
    return [StoredEvent(event, raw) for event, raw in received if raw]


async def replay_window(settings: KafkaSettings, topic: str, view: EventView) -> int:
    """Apply every event of ``topic`` created within the retention window, up to the topic's
    current end; returns how many records were read."""

    async def apply(messages: list[ConsumerRecord[bytes, bytes]]) -> None:
        parsed = []
        for m in messages:
            with contextlib.suppress(ValueError):
                if m.value:
                    parsed.append((Event.model_validate_json(m.value), m.value))
        await view.apply(_stored(parsed))

    # Broker timestamps are never earlier than created-at, so this start misses nothing.
    return await replay_topic(
        settings,
        topic,
        "events-view-replay",
        apply,
        since_ms=view.window_start_ms(),
        max_records=2000,
    )


class EventViewGuardian(RebuildGuard):
    """The events view's guard: rebuilt from the kept window of ``connect.events`` by one
    notifier at a time (a renewed lease; a notifier that dies mid-rebuild blocks the others
    for seconds, not minutes)."""

    def __init__(self, settings: KafkaSettings, topic: str, view: EventView) -> None:
        super().__init__(
            "events view",
            lambda: _marked_ready(view),
            lambda: _rebuild_under_lease(settings, topic, view),
        )


async def _marked_ready(view: EventView) -> bool:
    return bool(await view.redis.exists(READY_KEY))


async def _rebuild_under_lease(settings: KafkaSettings, topic: str, view: EventView) -> None:
    redis = view.redis
    lease = Lease(redis, REBUILD_LOCK_KEY, owner_token(), REBUILD_LEASE_SECONDS)
    if not await lease.acquire():
        return  # another process rebuilds; its marker ends the 503s
    try:
        async with lease.kept():
            count = await replay_window(settings, topic, view)
            await redis.set(READY_KEY, "1")
        log.info("events view rebuilt from kafka", extra={"records": count})
    finally:
        await lease.release()


async def follow_events(
    settings: KafkaSettings, topic: str, group: str, view: EventView, guardian: EventViewGuardian
) -> None:
    """Apply every event of ``topic`` to the view as it arrives (consumer group ``group``,
    offsets committed after the batch is stored); runs until cancelled."""

    async def handle(batch: Sequence[Incoming[Event]]) -> None:
        await view.apply(_stored([(i.message, i.received.value) for i in batch]))

    async def before_poll(_: Partitions) -> bool:
        await guardian.ready()  # a missing marker starts the rebuild beside the live feed
        return True

    subscription = Subscription(
        topic,
        group,
        "notifier-events-view",
        model_value(Event),
        retry=Backoff(first=0.5, cap=2.0),
    )
    await Subscriber.batches(settings, subscription, handle, before_poll=before_poll).run()
