"""The crash-recovery check reads back exactly the events a key already has on Kafka."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer, OutgoingMessage
from redeemer.adapters.stores.event_log import EventLog
from tests.support.ports import KAFKA_BOOTSTRAP

pytestmark = pytest.mark.integration


@pytest.fixture
async def scratch_topic(infrastructure: None) -> AsyncIterator[str]:
    name = f"test.redeemer.{new_id('')}"
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
    await admin.start()
    await admin.create_topics([NewTopic(name, num_partitions=6, replication_factor=1)])
    try:
        yield name
    finally:
        await admin.delete_topics([name])
        await admin.close()


def event(event_id: str) -> bytes:
    return jsonutil.dumps({"data": {"type": "event", "id": event_id}})


async def test_ids_since_finds_the_keys_events_and_nothing_else(scratch_topic: str) -> None:
    settings = KafkaSettings(kafka_bootstrap_servers=KAFKA_BOOTSTRAP)
    producer = DurableProducer(settings, "redeemer-tests")
    await producer.start()
    try:
        started_ms = int(time.time() * 1000)
        messages = [
            OutgoingMessage(scratch_topic, "cnst_a", event("evt_1")),
            OutgoingMessage(scratch_topic, "cnst_b", event("evt_2")),
            OutgoingMessage(scratch_topic, "cnst_a", event("evt_3")),
        ]
        messages += [OutgoingMessage(scratch_topic, f"cnst_{i}", event(f"x{i}")) for i in range(30)]
        await producer.send_all(messages)
        log = EventLog(settings, producer, scratch_topic)
        assert await log.ids_since("cnst_a", started_ms) == {"evt_1", "evt_3"}
        assert await log.ids_since("cnst_b", started_ms) == {"evt_2"}
        assert await log.ids_since("cnst_none", started_ms) == set()
        assert await log.ids_since("cnst_a", started_ms + 60_000) == set()
    finally:
        await producer.stop()
