"""Fixtures for exercising the shared plumbing against the real Kafka and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from redis.asyncio import Redis

from connect_shared.config import InfraSettings
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer
from connect_shared.redis_client import make_redis
from tests.support.ports import KAFKA_BOOTSTRAP, redis_url

# A Redis database of its own, so these tests never touch the services' view (db 0).
SCRATCH_REDIS = redis_url(14)


@pytest.fixture
def infra_settings(infrastructure: None) -> InfraSettings:
    return InfraSettings(redis_url=SCRATCH_REDIS, kafka_bootstrap_servers=KAFKA_BOOTSTRAP)


@pytest.fixture
async def scratch_topic(infra_settings: InfraSettings) -> AsyncIterator[str]:
    """A fresh 3-partition topic, deleted afterwards."""
    name = f"test.{new_id('')}"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra_settings.kafka_bootstrap_servers)
    await admin.start()
    await admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
    try:
        yield name
    finally:
        await admin.delete_topics([name])
        await admin.close()


@pytest.fixture
async def producer(infra_settings: InfraSettings) -> AsyncIterator[DurableProducer]:
    durable = DurableProducer(infra_settings, "tests")
    await durable.start()
    yield durable
    await durable.stop()


@pytest.fixture
async def scratch_redis(infra_settings: InfraSettings) -> AsyncIterator[Redis]:
    redis = make_redis(infra_settings)
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()
