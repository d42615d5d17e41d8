"""A redelivered redemption emits only the outcome events that did not land, checked against
the real ``connect.events``-like topic and a real state store (the unit tests use a fake)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from connect_shared.clock import iso, utcnow
from connect_shared.config import InfraSettings
from connect_shared.events import Event
from connect_shared.ids import new_id
from connect_shared.jsonutil import dumps, loads
from connect_shared.kafka import DurableProducer, OutgoingMessage
from connect_shared.redis_client import make_redis
from connect_shared.state import StateStore
from redeemer.adapters.stores.event_log import EventLog
from redeemer.adapters.stores.redemption_store import RedemptionStore
from redeemer.domain.outcome import Outcome, outcome_events
from redeemer.domain.tokens import mark_redeemed
from tests.redeemer.unit.builders import inquiry, token
from tests.support.kafka import read_topic
from tests.support.ports import KAFKA_BOOTSTRAP, redis_url

pytestmark = pytest.mark.integration

# A Redis database of its own, so the scratch records never reach the services' view (db 0).
SCRATCH_REDIS = redis_url(13)


@dataclass
class World:
    store: RedemptionStore
    producer: DurableProducer
    events_topic: str
    state: StateStore
    redemptions_topic: str


@pytest.fixture
async def world(infrastructure: None) -> AsyncIterator[World]:
    settings = InfraSettings(redis_url=SCRATCH_REDIS, kafka_bootstrap_servers=KAFKA_BOOTSTRAP)
    state_topic, events_topic = f"test.state.{new_id('')}", f"test.events.{new_id('')}"
    redemptions_topic = f"test.redemptions.{new_id('')}"
    topics = (state_topic, events_topic, redemptions_topic)
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
    await admin.start()
    await admin.create_topics([NewTopic(t, num_partitions=6, replication_factor=1) for t in topics])
    producer = DurableProducer(settings, "redeemer-store-tests")
    await producer.start()
    redis = make_redis(settings)
    try:
        state = StateStore(producer, redis, state_topic)
        store = RedemptionStore(
            state, EventLog(settings, producer, events_topic), redemptions_topic, events_topic
        )
        yield World(store, producer, events_topic, state, redemptions_topic)
    finally:
        await redis.aclose()
        await producer.stop()
        await admin.delete_topics(list(topics))
        await admin.close()


def redeemed_outcome() -> tuple[Outcome, list[Event]]:
    now = utcnow()
    pending = token(id=new_id("cnst_"), status="pending", pending_at=iso(now))
    copy = inquiry(id=new_id("inq_"))
    finished = mark_redeemed(pending, copy.id, "inquiry", now)
    return Outcome(finished, [copy]), outcome_events(finished)


async def event_ids(topic: str) -> Counter[str]:
    return Counter(str(loads(value)["data"]["id"]) for _, value in await read_topic(topic) if value)


async def land(world: World, *events: Event) -> None:
    """Events on the topic as the first attempt wrote them (keyed by the token)."""
    await world.producer.send_all(
        [
            OutgoingMessage(world.events_topic, str(e.payload_object["id"]), dumps(e.to_wire()))
            for e in events
        ]
    )


async def test_a_redelivery_after_every_event_landed_emits_none_again(world: World) -> None:
    outcome, events = redeemed_outcome()
    await land(world, *events)
    await world.store.redemption_finished(outcome, events, retried=True)
    assert await event_ids(world.events_topic) == Counter({e.id: 1 for e in events})


async def test_a_redelivery_after_some_events_landed_emits_only_the_rest(world: World) -> None:
    outcome, (first, second) = redeemed_outcome()
    await land(world, first)
    await world.store.redemption_finished(outcome, [first, second], retried=True)
    assert await event_ids(world.events_topic) == Counter({first.id: 1, second.id: 1})


async def test_a_first_attempt_emits_every_event(world: World) -> None:
    outcome, events = redeemed_outcome()
    await world.store.redemption_finished(outcome, events, retried=False)
    assert await event_ids(world.events_topic) == Counter({e.id: 1 for e in events})
