"""Throwaway topics for tests that produce onto topics of their own, and a reader of their
records (the real Kafka; every name is fresh, so tests never see each other's records)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiokafka.admin import NewTopic

from connect_shared.config import KafkaSettings
from connect_shared.ids import new_id
from connect_shared.kafka import make_admin, make_consumer
from connect_shared.subscriber import Received


@contextlib.asynccontextmanager
async def fresh_topic(
    settings: KafkaSettings, prefix: str, *, partitions: int = 1
) -> AsyncIterator[str]:
    """A new topic named ``<prefix>.<random>``, deleted when the block ends."""
    name = f"{prefix}.{new_id('')}"
    admin = make_admin(settings, "tests-scratch-topics")
    await admin.start()
    await admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    try:
        yield name
    finally:
        await admin.delete_topics([name])
        await admin.close()


async def read_received(
    settings: KafkaSettings, topic: str, count: int, *, timeout: float = 30.0
) -> list[Received]:
    """The first ``count`` records of ``topic`` (read_committed), waiting up to ``timeout``."""
    consumer = make_consumer(settings, topic, group_id=None, client_id="tests-scratch-reader")
    await consumer.start()
    found: list[Received] = []
    try:
        async with asyncio.timeout(timeout):
            while len(found) < count:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    found += [Received.of(r) for r in records]
    finally:
        await consumer.stop()
    return found
