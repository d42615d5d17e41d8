"""The durable entity store: Kafka first, then a Redis view that a replay can rebuild."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from connect_shared.config import InfraSettings
from connect_shared.kafka import Delivered, DurableProducer
from connect_shared.replay import ViewGuardian, rebuild_view, redis_identity
from connect_shared.state import VIEW_READY_KEY, StateRecord, StateStore, view_is_ready

pytestmark = pytest.mark.integration


def _record(record_id: str, value: int, *, deleted: bool = False) -> StateRecord:
    return StateRecord(
        id=record_id,
        kind="sample",
        body={"value": value},
        indexes={"idx:sample": float(value)},
        lookups={f"lk:sample:{value}": record_id},
        deleted=deleted,
    )


async def test_put_is_readable_with_its_index_and_lookup(
    producer: DurableProducer, scratch_redis: Redis, scratch_topic: str
) -> None:
    store = StateStore(producer, scratch_redis, scratch_topic)
    await store.put(_record("smp_a", 1), _record("smp_b", 2))
    assert await store.get("smp_a") == {"value": 1}
    assert await store.get_many(["smp_b", "smp_missing"]) == [{"value": 2}, None]
    assert await store.index_ids("idx:sample") == ["smp_b", "smp_a"]
    assert await store.lookup("lk:sample:2") == "smp_b"


async def test_an_older_write_never_overwrites_a_newer_one(
    producer: DurableProducer, scratch_redis: Redis, scratch_topic: str
) -> None:
    store = StateStore(producer, scratch_redis, scratch_topic)
    assert await store.apply(_record("smp_x", 5), Delivered(scratch_topic, 0, 10))
    assert not await store.apply(_record("smp_x", 4), Delivered(scratch_topic, 0, 9))
    assert await store.get("smp_x") == {"value": 5}
    assert await store.lookup("lk:sample:4") is None


async def test_delete_removes_the_record_from_reads_indexes_and_lookups(
    producer: DurableProducer, scratch_redis: Redis, scratch_topic: str
) -> None:
    store = StateStore(producer, scratch_redis, scratch_topic)
    await store.put(_record("smp_d", 7))
    await store.put(_record("smp_d", 7, deleted=True))
    assert await store.get("smp_d") is None
    assert await store.index_ids("idx:sample") == []
    assert await store.lookup("lk:sample:7") is None


async def test_a_lost_view_is_rebuilt_from_kafka_with_the_newest_state(
    infra_settings: InfraSettings,
    producer: DurableProducer,
    scratch_redis: Redis,
    scratch_topic: str,
) -> None:
    store = StateStore(producer, scratch_redis, scratch_topic)
    await store.put(_record("smp_r", 1))
    await store.put(_record("smp_r", 2))
    await store.put(_record("smp_s", 3))
    await scratch_redis.flushdb()
    assert not await view_is_ready(scratch_redis)

    assert await rebuild_view(infra_settings, scratch_topic, store)

    assert await view_is_ready(scratch_redis)
    assert await store.get("smp_r") == {"value": 2}
    assert await store.get("smp_s") == {"value": 3}
    assert await store.lookup("lk:sample:1") is None


async def test_a_view_built_in_an_earlier_redis_process_is_rebuilt(
    infra_settings: InfraSettings,
    producer: DurableProducer,
    scratch_redis: Redis,
    scratch_topic: str,
) -> None:
    # A Redis restarted from its once-a-second append-only file may have lost writes it had
    # acknowledged: a marker naming another Redis process is not trusted.
    store = StateStore(producer, scratch_redis, scratch_topic)
    await store.put(_record("smp_t", 1))
    assert await rebuild_view(infra_settings, scratch_topic, store)
    assert await scratch_redis.get(VIEW_READY_KEY) == (await redis_identity(scratch_redis)).encode()
    await scratch_redis.set(VIEW_READY_KEY, "run-id-of-a-redis-before-its-restart")
    await scratch_redis.delete("rec:smp_t")  # a write the restart lost
    guardian = ViewGuardian(infra_settings, scratch_topic, store)
    try:
        await guardian.verify()
        assert await guardian.wait_ready(30)
    finally:
        await guardian.close()
    assert await store.get("smp_t") == {"value": 1}


async def test_a_view_built_in_this_redis_process_is_kept(
    infra_settings: InfraSettings,
    producer: DurableProducer,
    scratch_redis: Redis,
    scratch_topic: str,
) -> None:
    store = StateStore(producer, scratch_redis, scratch_topic)
    await store.put(_record("smp_u", 1))
    assert await rebuild_view(infra_settings, scratch_topic, store)
    marker = await scratch_redis.get(VIEW_READY_KEY)
    await scratch_redis.delete("rec:smp_u")  # gone without a restart: nothing to notice
    guardian = ViewGuardian(infra_settings, scratch_topic, store)
    try:
        await guardian.verify()
    finally:
        await guardian.close()
    assert await scratch_redis.get(VIEW_READY_KEY) == marker
    assert await store.get("smp_u") is None
