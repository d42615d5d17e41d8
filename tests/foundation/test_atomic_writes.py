"""All or nothing, against the real broker: a write set (a request's or a handled message's
records) becomes visible to read_committed readers whole after success, never after a 503, and
concurrent sets share transactions while each still gets its own outcome."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from connect_shared.config import InfraSettings
from connect_shared.errors import Unavailable
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer, OutgoingMessage, make_consumer
from connect_shared.replay import state_follower
from connect_shared.state import StateRecord, StateStore
from tests.support.ports import DATA_DIR
from tests.support.scratch_topics import fresh_topic

pytestmark = pytest.mark.integration

# Larger than the producer's max_request_size (1 MiB): refused on the spot by the client.
TOO_LARGE = b"x" * (2 * 1024 * 1024)


@pytest.fixture
async def events_topic(infra_settings: InfraSettings) -> AsyncIterator[str]:
    """A second fresh topic (the events beside the state), deleted afterwards."""
    async with fresh_topic(infra_settings, "test.events", partitions=3) as name:
        yield name


@pytest.fixture
async def short_producer(infra_settings: InfraSettings) -> AsyncIterator[DurableProducer]:
    """A producer that gives up quickly (1 s), for writes that cannot be acknowledged."""
    settings = infra_settings.model_copy(update={"kafka_produce_timeout_seconds": 1.0})
    durable = DurableProducer(settings, "tests-atomic")
    await durable.start()
    yield durable
    await durable.stop()


async def committed_values(settings: InfraSettings, topic: str, marker: bytes) -> list[bytes]:
    """Every value a read_committed reader sees on ``topic`` up to and including ``marker``
    (written last, so whatever was going to be visible before it is)."""
    consumer = make_consumer(settings, topic, group_id=None, client_id="tests-atomic-reader")
    await consumer.start()
    seen: list[bytes] = []
    try:
        async with asyncio.timeout(30):
            while marker not in seen:
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    seen += [r.value for r in records if r.value is not None]
    finally:
        await consumer.stop()
    return seen


async def test_a_write_set_lands_whole_on_every_topic(
    infra_settings: InfraSettings,
    producer: DurableProducer,
    scratch_topic: str,
    events_topic: str,
) -> None:
    delivered = await producer.send_all(
        [
            OutgoingMessage(scratch_topic, "k1", b"state-1"),
            OutgoingMessage(events_topic, "k1", b"event-1"),
            OutgoingMessage(events_topic, "k2", b"event-2"),
        ]
    )
    assert [d.topic for d in delivered] == [scratch_topic, events_topic, events_topic]
    await producer.send_all(
        [
            OutgoingMessage(scratch_topic, "k1", b"marker"),
            OutgoingMessage(events_topic, "k1", b"marker"),
        ]
    )
    assert (await committed_values(infra_settings, scratch_topic, b"marker")).count(b"state-1") == 1
    seen = await committed_values(infra_settings, events_topic, b"marker")
    assert seen.count(b"event-1") == 1
    assert seen.count(b"event-2") == 1


async def test_a_refused_write_set_leaves_nothing_visible(
    infra_settings: InfraSettings, short_producer: DurableProducer, scratch_topic: str
) -> None:
    with pytest.raises(Unavailable):
        await short_producer.send_all(
            [
                OutgoingMessage(scratch_topic, "k", b"half-of-a-failed-write"),
                OutgoingMessage(scratch_topic, "k", TOO_LARGE),
            ]
        )
    await short_producer.send(OutgoingMessage(scratch_topic, "k", b"marker"))
    seen = await committed_values(infra_settings, scratch_topic, b"marker")
    assert b"half-of-a-failed-write" not in seen


async def test_a_write_kafka_cannot_acknowledge_in_time_is_503_and_never_lands(
    infra_settings: InfraSettings, short_producer: DurableProducer, scratch_topic: str
) -> None:
    missing = f"test.missing.{new_id('')}"  # topics are never created on demand
    with pytest.raises(Unavailable):
        await short_producer.send_all(
            [
                OutgoingMessage(scratch_topic, "k", b"state-without-its-event"),
                OutgoingMessage(missing, "k", b"event"),
            ]
        )
    await short_producer.send(OutgoingMessage(scratch_topic, "k", b"marker"))
    seen = await committed_values(infra_settings, scratch_topic, b"marker")
    assert b"state-without-its-event" not in seen


async def test_concurrent_write_sets_share_transactions_and_keep_their_own_outcomes(
    infra_settings: InfraSettings, short_producer: DurableProducer, scratch_topic: str
) -> None:
    before = short_producer.transactions

    async def good(i: int) -> None:
        await short_producer.send_all(
            [
                OutgoingMessage(scratch_topic, f"k{i}", f"good-{i}-a".encode()),
                OutgoingMessage(scratch_topic, f"k{i}", f"good-{i}-b".encode()),
            ]
        )

    async def bad() -> None:
        await short_producer.send_all(
            [
                OutgoingMessage(scratch_topic, "bad", b"bad-a"),
                OutgoingMessage(scratch_topic, "bad", TOO_LARGE),
            ]
        )

    outcomes = await asyncio.gather(
        *(good(i) for i in range(20)),
        bad(),
        *(good(i) for i in range(20, 40)),
        return_exceptions=True,
    )
    assert isinstance(outcomes[20], Unavailable)
    assert [o for i, o in enumerate(outcomes) if i != 20] == [None] * 40
    committed = short_producer.transactions - before
    assert 1 <= committed < 40  # 40 good sets, fewer commits: they shared transactions

    await short_producer.send(OutgoingMessage(scratch_topic, "k", b"marker"))
    seen = await committed_values(infra_settings, scratch_topic, b"marker")
    for i in range(40):
        assert seen.count(f"good-{i}-a".encode()) == 1
        assert seen.count(f"good-{i}-b".encode()) == 1
    assert b"bad-a" not in seen


async def test_a_refused_state_write_never_reaches_the_view(
    infra_settings: InfraSettings,
    short_producer: DurableProducer,
    scratch_redis: Redis,
    scratch_topic: str,
) -> None:
    store = StateStore(short_producer, scratch_redis, scratch_topic)
    record = StateRecord(id="smp_refused", kind="sample", body={"value": 1})
    with pytest.raises(Unavailable):
        await store.put(record, also=[OutgoingMessage(scratch_topic, "ev", TOO_LARGE)])
    assert await store.get("smp_refused") is None

    # The follower applies what read_committed shows: the later marker, never the refused one.
    await store.put(StateRecord(id="smp_marker", kind="sample", body={"value": 2}))
    await scratch_redis.delete("rec:smp_marker")  # so its arrival proves the follower ran
    follower = asyncio.create_task(state_follower(infra_settings, scratch_topic, store).run())
    try:
        async with asyncio.timeout(30):
            while await store.get("smp_marker") is None:
                await asyncio.sleep(0.05)
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
    assert await store.get("smp_refused") is None


@contextlib.contextmanager
def broker_stalled() -> Iterator[None]:
    """The stack's broker frozen (SIGSTOP) for the block: requests already sent sit in its
    socket buffers and are handled when it resumes, as after a long GC pause or a stalled
    disk."""
    pid = int((DATA_DIR / "run" / "kafka.pid").read_text().split()[0])
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


async def test_a_write_refused_while_the_broker_stalls_never_lands_after_it_resumes(
    infra_settings: InfraSettings,
    short_producer: DurableProducer,
    scratch_topic: str,
    events_topic: str,
) -> None:
    await short_producer.send(OutgoingMessage(scratch_topic, "k", b"warm-up"))  # partitions known
    with broker_stalled(), pytest.raises(Unavailable):
        await short_producer.send_all(
            [
                OutgoingMessage(scratch_topic, "k", b"stalled-state"),
                OutgoingMessage(events_topic, "k", b"stalled-event"),
            ]
        )
    # The broker now handles what was sent during the stall; none of it may become visible.
    await short_producer.send_all(
        [
            OutgoingMessage(scratch_topic, "k", b"marker"),
            OutgoingMessage(events_topic, "k", b"marker"),
        ]
    )
    assert b"stalled-state" not in await committed_values(infra_settings, scratch_topic, b"marker")
    assert b"stalled-event" not in await committed_values(infra_settings, events_topic, b"marker")
