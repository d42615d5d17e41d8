"""Compare-and-set writes and tombstones on the real Kafka and Redis (connect_shared.versioned).

The guard must never let two writers that read the same version both win, must free itself
when the winning write reaches the view (whoever applies it: the writer, the follower or a
replay), and must free itself within its lease when its holder died before writing.
"""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import ConsumerRecord
from redis.asyncio import Redis

from connect_shared.config import InfraSettings
from connect_shared.domain_errors import WrongState
from connect_shared.http.error_table import error_table
from connect_shared.kafka import DurableProducer
from connect_shared.replay import parse_state_message, rebuild_view
from connect_shared.state import StateRecord, StateStore, write_guard_key
from connect_shared.subscriber import Received
from connect_shared.versioned import ClaimOutcome, LostRace, VersionedWriter
from tests.support.kafka import read_topic

pytestmark = pytest.mark.integration


def _record(record_id: str, status: str) -> StateRecord:
    return StateRecord(
        id=record_id,
        kind="sample",
        body={"id": record_id, "status": status, "url": "https://secret.example/hook"},
        indexes={"idx:sample": 1.0},
    )


@pytest.fixture
def store(producer: DurableProducer, scratch_redis: Redis, scratch_topic: str) -> StateStore:
    return StateStore(producer, scratch_redis, scratch_topic)


async def _version(store: StateStore, record_id: str) -> int:
    found = await store.read(record_id)
    assert found is not None
    return found.version


async def test_a_change_from_a_stale_version_is_409_with_the_current_status(
    store: StateStore,
) -> None:
    writer = VersionedWriter(store)
    await store.put(_record("smp_a", "pending"))
    read = await _version(store, "smp_a")
    await writer.put(_record("smp_a", "active"), read, noun="sample")
    with pytest.raises(LostRace) as lost:
        await writer.put(_record("smp_a", "inactive"), read, noun="sample")
    assert isinstance(lost.value, WrongState)  # a domain refusal: the error tables answer 409
    assert error_table().api_error(lost.value).status == 409
    assert lost.value.meta == {"status": "active"}
    assert (await store.get("smp_a") or {})["status"] == "active"
    assert not await store.redis.exists(write_guard_key("smp_a"))


async def test_of_many_concurrent_writers_from_one_version_exactly_one_wins(
    store: StateStore,
) -> None:
    writer = VersionedWriter(store)
    await store.put(_record("smp_c", "s0"))
    read = await _version(store, "smp_c")

    async def attempt(n: int) -> str | None:
        try:
            await writer.put(_record("smp_c", f"s{n}"), read, noun="sample")
        except LostRace:
            return None
        return f"s{n}"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(1, 21)))
    winners = [o for o in outcomes if o is not None]
    assert len(winners) == 1
    assert (await store.get("smp_c") or {})["status"] == winners[0]


async def test_a_guard_whose_holder_died_before_writing_is_freed_by_its_lease(
    store: StateStore,
) -> None:
    writer = VersionedWriter(store, lease_seconds=0.5)
    await store.put(_record("smp_d", "pending"))
    read = await _version(store, "smp_d")
    # A writer claims and dies before producing anything.
    assert (await writer.claim("smp_d", read, "dead-writer"))[0] is ClaimOutcome.WON
    with pytest.raises(LostRace) as busy:
        await writer.put(_record("smp_d", "active"), read, noun="sample")
    assert busy.value.meta == {"status": "pending"}
    async with asyncio.timeout(5):
        while await store.redis.exists(write_guard_key("smp_d")):
            await asyncio.sleep(0.05)
    await writer.put(_record("smp_d", "active"), read, noun="sample")
    assert (await store.get("smp_d") or {})["status"] == "active"


async def test_an_acknowledged_write_frees_its_guard_only_when_the_follower_applies_it(
    store: StateStore, producer: DurableProducer
) -> None:
    writer = VersionedWriter(store)
    await store.put(_record("smp_f", "pending"))
    read = await _version(store, "smp_f")
    assert (await writer.claim("smp_f", read, "claim-1"))[0] is ClaimOutcome.WON
    # The winner's write is acknowledged by Kafka, then its process dies before Redis.
    won = _record("smp_f", "active").model_copy(update={"claim": "claim-1"})
    delivered = await producer.send(store.message(won))
    with pytest.raises(LostRace):  # still guarded: the view does not hold the write yet
        await writer.put(_record("smp_f", "inactive"), read, noun="sample")

    assert await store.apply(won, delivered)  # what the state follower does

    assert not await store.redis.exists(write_guard_key("smp_f"))
    with pytest.raises(LostRace) as stale:
        await writer.put(_record("smp_f", "inactive"), read, noun="sample")
    assert stale.value.meta == {"status": "active"}
    await writer.put(_record("smp_f", "inactive"), await _version(store, "smp_f"), noun="sample")


async def test_applying_a_write_frees_only_the_guard_it_was_made_under(store: StateStore) -> None:
    writer = VersionedWriter(store)
    await store.put(_record("smp_r", "pending"))
    read = await _version(store, "smp_r")
    assert (await writer.claim("smp_r", read, "live-claim"))[0] is ClaimOutcome.WON
    # An earlier guarded write replayed now (or any write made under another claim).
    await store.put(_record("smp_r", "pending").model_copy(update={"claim": "old-claim"}))
    assert await store.redis.get(write_guard_key("smp_r")) == b"live-claim"


async def test_a_delete_is_a_tombstone_and_a_rebuild_applies_it(
    store: StateStore, infra_settings: InfraSettings, scratch_topic: str
) -> None:
    writer = VersionedWriter(store)
    await store.put(_record("smp_t", "enabled"), _record("smp_u", "enabled"))
    await writer.put(StateRecord.tombstone("smp_t"), await _version(store, "smp_t"), noun="x")
    assert await store.get("smp_t") is None
    assert await store.index_ids("idx:sample") == ["smp_u"]

    written = [value for key, value in await read_topic(scratch_topic) if key == "smp_t"]
    assert len(written) == 2 and written[0] is not None and written[1] is None
    # A follower and a replay read the tombstone as the delete of the record it is keyed by.
    await store.redis.flushdb()
    assert await rebuild_view(infra_settings, scratch_topic, store)
    assert await store.get("smp_t") is None
    assert await store.get("smp_u") is not None
    assert await store.index_ids("idx:sample") == ["smp_u"]


def test_a_null_valued_state_message_parses_as_the_delete_of_its_key() -> None:
    message: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        "connect.state", 2, 41, 0, 0, b"wbh_1", None, None, 0, 0, []
    )
    received = Received.of(message)
    record = parse_state_message(received)
    assert record.id == "wbh_1" and record.deleted and record.body == {}
    where = received.delivered
    assert (where.partition, where.offset) == (2, 41)
