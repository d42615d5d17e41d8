"""Nothing waits forever: a consumer dead-letters what it cannot handle after a bounded number
of attempts (a dependency being away does not count), with the reason in a header, and its
partition moves on. Real Kafka."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from connect_shared.backoff import Backoff
from connect_shared.config import InfraSettings
from connect_shared.dead_letters import (
    ATTEMPTS_HEADER,
    GROUP_HEADER,
    ORIGIN_HEADER,
    REASON_HEADER,
    REDRIVE_GROUP_HEADER,
    header,
)
from connect_shared.errors import Unavailable
from connect_shared.kafka import DurableProducer, OutgoingMessage
from connect_shared.subscriber import Incoming, Received, Subscriber, Subscription, model_value
from tests.foundation.test_kafka_plumbing import _Greeting
from tests.support.scratch_topics import fresh_topic, read_received

pytestmark = pytest.mark.integration

FAST = Backoff(first=0.01, cap=0.05)


@pytest.fixture
async def dlq_topic(infra_settings: InfraSettings) -> AsyncIterator[str]:
    async with fresh_topic(infra_settings, "test.dlq") as name:
        yield name


async def read_dead_letters(settings: InfraSettings, topic: str, count: int) -> list[Received]:
    return await read_received(settings, topic, count)


async def run_until(subscriber: Subscriber[_Greeting], done: asyncio.Event) -> None:
    task = asyncio.create_task(subscriber.run())
    try:
        async with asyncio.timeout(30):
            await done.wait()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_message_that_keeps_failing_is_dead_lettered_and_the_partition_moves_on(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str, dlq_topic: str
) -> None:
    poison = await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "poison"}'))
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "after"}'))
    attempts: list[str] = []
    after = asyncio.Event()

    async def handle(incoming: Incoming[_Greeting]) -> None:
        attempts.append(incoming.message.text)
        if incoming.message.text == "poison":
            raise ValueError("cannot handle this one")
        after.set()

    subscription = Subscription(
        scratch_topic,
        "tests-give-up",
        "t",
        model_value(_Greeting),
        retry=FAST,
        max_attempts=3,
        dead_letter_topic=dlq_topic,
    )
    await run_until(Subscriber.each(infra_settings, subscription, handle), after)

    assert attempts == ["poison"] * 3 + ["after"]
    (dead,) = await read_dead_letters(infra_settings, dlq_topic, 1)
    assert dead.value == b'{"text": "poison"}'
    assert dead.key == b"k"
    assert "ValueError: cannot handle this one" in (header(dead.headers, REASON_HEADER) or "")
    assert (
        header(dead.headers, ORIGIN_HEADER) == f"{scratch_topic}/{poison.partition}/{poison.offset}"
    )
    assert header(dead.headers, GROUP_HEADER) == "tests-give-up"
    assert header(dead.headers, ATTEMPTS_HEADER) == "3"


async def test_a_dependency_being_away_is_retried_without_counting(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str, dlq_topic: str
) -> None:
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "patient"}'))
    outages = 5
    handled = asyncio.Event()

    async def handle(incoming: Incoming[_Greeting]) -> None:
        nonlocal outages
        if outages:
            outages -= 1
            raise Unavailable("redis is away")
        handled.set()

    subscription = Subscription(
        scratch_topic,
        "tests-transient",
        "t",
        model_value(_Greeting),
        retry=FAST,
        max_attempts=2,
        dead_letter_topic=dlq_topic,
    )
    await run_until(Subscriber.each(infra_settings, subscription, handle), handled)
    # Nothing was dead-lettered: a marker is the first thing on the DLQ topic.
    await producer.send(OutgoingMessage(dlq_topic, "marker", b"marker"))
    (first,) = await read_dead_letters(infra_settings, dlq_topic, 1)
    assert first.value == b"marker"


async def test_unreadable_messages_go_to_the_dead_letter_topic(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str, dlq_topic: str
) -> None:
    await producer.send(OutgoingMessage(scratch_topic, "k", b"not json"))
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "after"}'))
    after = asyncio.Event()

    async def handle(incoming: Incoming[_Greeting]) -> None:
        after.set()

    subscription = Subscription(
        scratch_topic, "tests-unreadable", "t", model_value(_Greeting), dead_letter_topic=dlq_topic
    )
    await run_until(Subscriber.each(infra_settings, subscription, handle), after)
    (dead,) = await read_dead_letters(infra_settings, dlq_topic, 1)
    assert dead.value == b"not json"
    assert (header(dead.headers, REASON_HEADER) or "").startswith("unreadable: ")
    assert header(dead.headers, ATTEMPTS_HEADER) == "0"


async def test_a_batch_with_a_poison_message_dead_letters_only_that_message(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str, dlq_topic: str
) -> None:
    await producer.send_all(
        [
            OutgoingMessage(scratch_topic, "k", b'{"text": "good-1"}'),
            OutgoingMessage(scratch_topic, "k", b'{"text": "poison"}'),
            OutgoingMessage(scratch_topic, "k", b'{"text": "good-2"}'),
        ]
    )
    handled: list[str] = []
    both = asyncio.Event()

    async def handle(batch: object) -> None:
        texts = [incoming.message.text for incoming in batch]  # type: ignore[attr-defined]
        if "poison" in texts:
            raise ValueError("a poison message in the batch")
        handled.extend(texts)
        if {"good-1", "good-2"} <= set(handled):
            both.set()

    subscription = Subscription(
        scratch_topic,
        "tests-batch-poison",
        "t",
        model_value(_Greeting),
        retry=FAST,
        max_attempts=2,
        dead_letter_topic=dlq_topic,
    )
    await run_until(Subscriber.batches(infra_settings, subscription, handle), both)
    (dead,) = await read_dead_letters(infra_settings, dlq_topic, 1)
    assert dead.value == b'{"text": "poison"}'


async def test_a_redriven_dead_letter_is_handled_only_by_the_group_that_gave_up(
    infra_settings: InfraSettings, producer: DurableProducer, scratch_topic: str
) -> None:
    redriven = [(REDRIVE_GROUP_HEADER, b"tests-owner")]
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "redriven"}', redriven))
    await producer.send(OutgoingMessage(scratch_topic, "k", b'{"text": "after"}'))

    async def seen_by(group: str) -> list[str]:
        texts: list[str] = []
        after = asyncio.Event()

        async def handle(incoming: Incoming[_Greeting]) -> None:
            texts.append(incoming.message.text)
            if incoming.message.text == "after":
                after.set()

        subscription = Subscription(scratch_topic, group, "t", model_value(_Greeting))
        await run_until(Subscriber.each(infra_settings, subscription, handle), after)
        return texts

    assert await seen_by("tests-owner") == ["redriven", "after"]
    assert await seen_by("tests-other") == ["after"]
