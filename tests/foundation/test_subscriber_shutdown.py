"""A subscriber that is shut down (its task cancelled, as aiohttp's cleanup does on SIGTERM)
finishes the batch in hand, commits it and leaves its group; work that cannot finish within
the drain bound is left uncommitted for the next member."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from connect_shared.config import InfraSettings
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer, OutgoingMessage, topic_partitions
from connect_shared.subscriber import Incoming, Received, Subscriber, Subscription

pytestmark = pytest.mark.integration


def _raw_value(received: Received) -> bytes | None:
    return received.value


async def _committed(settings: InfraSettings, group: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(o.offset for tp, o in offsets.items() if tp.topic == topic and o.offset > 0)


async def _end(settings: InfraSettings, topic: str) -> int:
    """Where ``topic``'s partitions end now, summed: past the transaction markers that follow
    each transactional write, which a committed position also counts."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, isolation_level="read_committed"
    )
    await consumer.start()
    try:
        partitions = await topic_partitions(settings, topic, "tests-drain")
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
    finally:
        await consumer.stop()
    return sum(ends.values())


async def _members(settings: InfraSettings, group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        (described,) = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    return len(described.groups[0][5])


async def _run_until_handling(
    settings: InfraSettings,
    producer: DurableProducer,
    topic: str,
    subscription: Subscription[bytes],
    release: asyncio.Event,
) -> tuple[asyncio.Task[None], list[bytes], list[bytes]]:
    """A subscriber whose handler waits for ``release``; returns once it holds a batch (the
    messages it started and, later, those it finished)."""
    await producer.send_all([OutgoingMessage(topic, f"k{n}", f"m{n}".encode()) for n in range(3)])
    started: list[bytes] = []
    done: list[bytes] = []

    async def handle(incoming: Incoming[bytes]) -> None:
        started.append(incoming.message)
        await release.wait()
        done.append(incoming.message)

    task = asyncio.create_task(Subscriber.each(settings, subscription, handle).run())
    async with asyncio.timeout(30):
        while not started:
            await asyncio.sleep(0.02)
    return task, started, done


async def test_a_cancelled_subscriber_finishes_its_batch_commits_and_leaves_the_group(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    group = f"tests-drain-{new_id('')}"
    subscription = Subscription(scratch_topic, group, "t", _raw_value, drain_seconds=30)
    release = asyncio.Event()
    task, started, done = await _run_until_handling(
        infra_settings, producer, scratch_topic, subscription, release
    )

    task.cancel()
    # The shutdown waits for the batch in hand: let it finish now.
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert sorted(done) == sorted(started)
    # A fresh topic holding only this batch: the group committed all of it.
    assert await _committed(infra_settings, group, scratch_topic) == await _end(
        infra_settings, scratch_topic
    )
    assert await _members(infra_settings, group) == 0


async def test_a_batch_that_cannot_finish_within_the_drain_bound_stays_uncommitted(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    group = f"tests-drain-{new_id('')}"
    subscription = Subscription(scratch_topic, group, "t", _raw_value, drain_seconds=0.2)
    never = asyncio.Event()
    task, started, done = await _run_until_handling(
        infra_settings, producer, scratch_topic, subscription, never
    )

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert started
    assert done == []
    assert await _committed(infra_settings, group, scratch_topic) == 0
    assert await _members(infra_settings, group) == 0
