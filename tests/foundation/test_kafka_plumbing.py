"""The project's own Kafka helpers against the real broker: durable produce, consume, commit."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiokafka import ConsumerRecord

from connect_shared.config import InfraSettings
from connect_shared.kafka import ConsumerWorker, DurableProducer, OutgoingMessage, make_consumer

pytestmark = pytest.mark.integration


def test_producer_is_configured_for_durability(producer: DurableProducer) -> None:
    raw = producer.raw
    assert raw._txn_manager is not None  # aiokafka keeps producer ids only when idempotent
    assert raw._sender._acks == -1  # acks=all


async def _consume(
    settings: InfraSettings, topic: str, group: str, expected: int, seen: list[str]
) -> None:
    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        seen.append(record.value.decode())

    worker = ConsumerWorker(
        make_consumer(settings, topic, group_id=group, client_id="tests"), handle, name="t"
    )
    task = asyncio.create_task(worker.run())
    try:
        async with asyncio.timeout(30):
            while len(seen) < expected:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # let the commit of the last batch finish
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

    async def flaky(record: ConsumerRecord[bytes, bytes]) -> None:
        attempts.append(record.value.decode())
        if attempts.count("flaky") < 3:
            raise RuntimeError("transient")

    worker = ConsumerWorker(
        make_consumer(infra_settings, scratch_topic, group_id="tests-flaky", client_id="t"),
        flaky,
        name="flaky",
        retry_delay_seconds=0.05,
    )
    task = asyncio.create_task(worker.run())
    try:
        async with asyncio.timeout(30):
            while "next" not in attempts:
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert attempts == ["flaky", "flaky", "flaky", "next"]
