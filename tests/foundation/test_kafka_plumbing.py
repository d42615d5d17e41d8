"""The project's own Kafka helpers against the real broker: durable produce, typed subscribers
that commit after the work, retry failures and dead-letter what cannot be parsed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import pytest
from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner
from pydantic import BaseModel

from connect_shared.backoff import Backoff
from connect_shared.config import InfraSettings
from connect_shared.kafka import DurableProducer, OutgoingMessage, make_admin, make_consumer
from connect_shared.subscriber import Incoming, Received, Subscriber, Subscription, model_value

pytestmark = pytest.mark.integration


def test_producer_is_configured_for_durability(producer: DurableProducer) -> None:
    raw = producer.raw
    assert raw._txn_manager is not None  # aiokafka keeps producer ids only when idempotent
    assert raw._sender._acks == -1  # acks=all


def _partition(key: str) -> int:
    partitions = [0, 1, 2]
    return int(DefaultPartitioner()(key.encode(), partitions, partitions))


def _raw_value(received: Received) -> bytes | None:
    return received.value


async def _committed_to_the_end(settings: InfraSettings, topic: str, group: str) -> None:
    """Wait until ``group`` committed every partition of ``topic`` up to its end (the commit of
    the last batch follows its handler)."""
    consumer = make_consumer(settings, group_id=None, client_id="tests-offsets")
    admin = make_admin(settings, "tests-offsets")
    await consumer.start()
    await admin.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(partitions)
        while True:
            committed = await admin.list_consumer_group_offsets(group)
            behind = [
                tp
                for tp in partitions
                if ends[tp] > 0 and (tp not in committed or committed[tp].offset < ends[tp])
            ]
            if not behind:
                return
            await asyncio.sleep(0.05)
    finally:
        await consumer.stop()
        await admin.close()


async def _consume(
    settings: InfraSettings, topic: str, group: str, expected: int, seen: list[str]
) -> None:
    async def handle(incoming: Incoming[bytes]) -> None:
        seen.append(incoming.message.decode())

    subscription = Subscription(topic, group, "tests", _raw_value)
    task = asyncio.create_task(Subscriber.each(settings, subscription, handle).run())
    try:
        async with asyncio.timeout(30):
            while len(seen) < expected:
                await asyncio.sleep(0.05)
            await _committed_to_the_end(settings, topic, group)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_messages_produced_with_acks_are_consumed_and_committed_offsets_are_not_redelivered(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    first_batch = [OutgoingMessage(scratch_topic, f"k{i}", f"v{i}".encode()) for i in range(20)]
    delivered = await producer.send_all(first_batch)
    assert len(delivered) == 20
    assert all(d.offset >= 0 for d in delivered)

    seen: list[str] = []
    await _consume(infra_settings, scratch_topic, "tests-plumbing", 20, seen)
    assert sorted(seen) == sorted(f"v{i}" for i in range(20))

    await producer.send_all([OutgoingMessage(scratch_topic, "k", b"after-restart")])
    resumed: list[str] = []
    await _consume(infra_settings, scratch_topic, "tests-plumbing", 1, resumed)
    assert resumed == ["after-restart"]


async def test_handler_failure_is_retried_and_never_skipped(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    await producer.send(OutgoingMessage(scratch_topic, "same-key", b"flaky"))
    await producer.send(OutgoingMessage(scratch_topic, "same-key", b"next"))
    attempts: list[str] = []

    async def flaky(incoming: Incoming[bytes]) -> None:
        attempts.append(incoming.message.decode())
        if attempts.count("flaky") < 3:
            raise RuntimeError("transient")

    subscription = Subscription(
        scratch_topic, "tests-flaky", "t", _raw_value, retry=Backoff(first=0.05, cap=0.1)
    )
    task = asyncio.create_task(Subscriber.each(infra_settings, subscription, flaky).run())
    try:
        async with asyncio.timeout(30):
            while "next" not in attempts:
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert attempts == ["flaky", "flaky", "flaky", "next"]


class _Greeting(BaseModel):
    text: str


async def test_unparseable_messages_are_dead_lettered_and_do_not_block_their_partition(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "first"}'))
    not_json = await producer.send(OutgoingMessage(scratch_topic, "k", b"not json"))
    wrong = await producer.send(OutgoingMessage(scratch_topic, "k", b'{"wrong": 1}'))
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "after"}'))
    handled: list[str] = []
    dead: list[tuple[int, str]] = []

    async def handle(incoming: Incoming[_Greeting]) -> None:
        handled.append(incoming.message.text)

    async def dead_letter(received: Received, reason: str) -> None:
        dead.append((received.offset, reason))

    subscription = Subscription(
        scratch_topic, "tests-dead", "t", model_value(_Greeting), dead_letter=dead_letter
    )
    task = asyncio.create_task(Subscriber.each(infra_settings, subscription, handle).run())
    try:
        async with asyncio.timeout(30):
            while "after" not in handled:
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert handled == ["first", "after"]
    assert [offset for offset, _ in dead] == [not_json.offset, wrong.offset]
    assert "ValidationError" in dead[1][1]


async def test_same_key_keeps_its_order_while_other_keys_run_alongside(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    # Both keys on one partition, so they arrive in one fetch (the scratch topic has 3).
    fast = next(k for k in (f"fast{i}" for i in range(100)) if _partition(k) == _partition("slow"))
    await producer.send_all(
        [OutgoingMessage(scratch_topic, "slow", f"slow-{i}".encode()) for i in range(3)]
        + [OutgoingMessage(scratch_topic, fast, b"fast-0")]
    )
    order: list[str] = []
    fast_seen = asyncio.Event()

    async def handle(incoming: Incoming[bytes]) -> None:
        value = incoming.message.decode()
        if value == "slow-0":
            # Held until the other key got through: proves keys do not wait for each other.
            async with asyncio.timeout(10):
                await fast_seen.wait()
        order.append(value)
        if value == "fast-0":
            fast_seen.set()

    subscription = Subscription(scratch_topic, "tests-order", "t", _raw_value)
    task = asyncio.create_task(Subscriber.each(infra_settings, subscription, handle).run())
    try:
        async with asyncio.timeout(30):
            while len(order) < 4:
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert order == ["fast-0", "slow-0", "slow-1", "slow-2"]


async def test_batch_subscriber_hands_over_every_parsed_message_of_a_fetch(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    await producer.send_all(
        [OutgoingMessage(scratch_topic, f"k{i}", f"v{i}".encode()) for i in range(10)]
    )
    batches: list[list[str]] = []

    async def handle(batch: Sequence[Incoming[bytes]]) -> None:
        batches.append([incoming.message.decode() for incoming in batch])

    subscription = Subscription(scratch_topic, "tests-batch", "t", _raw_value)
    task = asyncio.create_task(Subscriber.batches(infra_settings, subscription, handle).run())
    try:
        async with asyncio.timeout(30):
            while sum(map(len, batches)) < 10:
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert sorted(v for batch in batches for v in batch) == sorted(f"v{i}" for i in range(10))
    assert all(batch for batch in batches)  # an empty fetch never reaches the handler
