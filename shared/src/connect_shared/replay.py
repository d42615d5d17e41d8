"""Rebuilding and following the Redis view from ``connect.state``.

Redis is a view. When its marker key is missing (first start, FLUSHALL, a lost Redis) the
services answer 503 and one of them replays the compacted state topic from the beginning;
a follower in a consumer group also re-applies every write so a process that died between
its Kafka write and its Redis write leaves no gap. Both apply tombstones (null values) as
deletes, and applying a write frees the compare-and-set guard it was made under.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.backoff import Backoff
from connect_shared.config import KafkaSettings
from connect_shared.kafka import Delivered, make_consumer, topic_partitions
from connect_shared.leases import Lease, owner_token
from connect_shared.state import VIEW_READY_KEY, StateRecord, StateStore, view_is_ready
from connect_shared.subscriber import Incoming, Received, Subscriber, Subscription

log = logging.getLogger(__name__)

REBUILD_LOCK_KEY = "connect:rebuild-lock"
REBUILD_LEASE_SECONDS = 30.0
RETRY_AFTER_FAILURE_SECONDS = 2.0
FOLLOWER_GROUP = "connect-state-view"


async def replay_topic(
    settings: KafkaSettings,
    topic: str,
    client_id: str,
    apply: Callable[[list[ConsumerRecord[bytes, bytes]]], Awaitable[None]],
    *,
    since_ms: int | None = None,
    max_records: int = 5000,
) -> int:
    """Hand every record of ``topic`` to ``apply``, one fetched batch of one partition at a
    time, from the beginning (or from the first record the broker stamped at or after
    ``since_ms``) up to the end each partition had when the replay started. Returns how many
    records were read. Every Redis-held view is rebuilt this way."""
    partitions = await topic_partitions(settings, topic, client_id)
    if not partitions:
        raise RuntimeError(f"topic {topic} does not exist; create the topics first")
    consumer = make_consumer(settings, group_id=None, client_id=client_id)
    count = 0
    try:
        await consumer.start()
        assigned = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(assigned)
        ends = await consumer.end_offsets(assigned)
        remaining = await _seek_starts(consumer, assigned, ends, since_ms)
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000, max_records=max_records)
            for tp, messages in batches.items():
                await apply(messages)
                count += len(messages)
                if messages and messages[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return count


async def _seek_starts(
    consumer: AIOKafkaConsumer,
    assigned: list[TopicPartition],
    ends: dict[TopicPartition, int],
    since_ms: int | None,
) -> set[TopicPartition]:
    """Position each partition where the replay starts; the partitions with records to read."""
    if since_ms is None:
        await consumer.seek_to_beginning(*assigned)
        return {tp for tp in assigned if ends[tp] > 0}
    starts = await consumer.offsets_for_times({tp: since_ms for tp in assigned})
    remaining = set()
    for tp in assigned:
        found = starts.get(tp)
        if found is None:  # nothing stamped that late: nothing to read
            consumer.seek(tp, ends[tp])
        else:
            consumer.seek(tp, found.offset)
            remaining.add(tp)
    return remaining


async def replay_state(settings: KafkaSettings, topic: str, store: StateStore) -> int:
    """Apply every record of ``topic`` up to its current end; returns how many were read."""

    async def apply(messages: list[ConsumerRecord[bytes, bytes]]) -> None:
        await store.apply_many(_readable(Received.of(m) for m in messages))

    return await replay_topic(settings, topic, "state-replay", apply)


async def redis_identity(redis: Redis) -> str:
    """The run id of the Redis process: it changes with every restart."""
    info = await redis.info("server")
    return str(info.get("run_id", ""))


# Deletes the ready marker only while it still names the Redis process it was set in, so a
# marker a finished rebuild just set is never taken back.
_FORGET_MARKER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


async def rebuild_view(settings: KafkaSettings, topic: str, store: StateStore) -> bool:
    """Rebuild the view unless another process is already doing it; then mark it ready.

    The marker holds the run id of the Redis process the view was built in. A Redis restarted
    in the middle of the rebuild may have lost some of the writes it had acknowledged (the
    append-only file is written once a second), so that rebuild fails and is tried again.

    Returns True when this call did the rebuild.
    """
    redis: Redis = store.redis
    # A lease, renewed while the replay runs: a rebuilder that dies frees it within
    # REBUILD_LEASE_SECONDS and another process takes over (the view answers 503 meanwhile).
    lease = Lease(redis, REBUILD_LOCK_KEY, owner_token(), REBUILD_LEASE_SECONDS)
    if not await lease.acquire():
        return False
    try:
        async with lease.kept():
            built_in = await redis_identity(redis)
            count = await replay_state(settings, topic, store)
            if await redis_identity(redis) != built_in:
                raise RuntimeError("Redis restarted during the rebuild; the view may miss writes")
            await redis.set(VIEW_READY_KEY, built_in)
        log.info("view rebuilt from kafka", extra={"records": count})
        return True
    finally:
        await lease.release()


class RebuildGuard:
    """Answers 'is this view usable?' from its ready marker and, when it is not, starts a
    rebuild in the background: one at a time per process, and not again within
    :data:`RETRY_AFTER_FAILURE_SECONDS` of a failure (Kafka down), so a burst of requests
    against a missing view does not start a rebuild each. Every Redis-held view (the state
    view, the notifier's events view) is guarded this way."""

    def __init__(
        self,
        name: str,
        is_ready: Callable[[], Awaitable[bool]],
        rebuild: Callable[[], Awaitable[object]],
    ) -> None:
        self._name = name
        self._is_ready = is_ready
        self._rebuild = rebuild
        self._task: asyncio.Task[None] | None = None
        self._last_failure = 0.0

    async def ready(self) -> bool:
        """True when the view can be trusted; otherwise a rebuild is (being) started."""
        if await self._is_ready():
            return True
        self.start_rebuild()
        return False

    def start_rebuild(self) -> None:
        """Start a background rebuild unless one runs in this process or one just failed."""
        if self._task is not None and not self._task.done():
            return
        if time.monotonic() - self._last_failure < RETRY_AFTER_FAILURE_SECONDS:
            return
        self._task = asyncio.create_task(self._run_rebuild())

    async def _run_rebuild(self) -> None:
        try:
            await self._rebuild()
        except Exception as exc:
            self._last_failure = time.monotonic()
            log.warning("%s rebuild failed; will retry", self._name, extra={"error": repr(exc)})

    async def wait_ready(self, limit_seconds: float) -> bool:
        """Wait (bounded) until the view is ready; used at start-up and by the rebuild CLI."""
        async with asyncio.timeout(limit_seconds):
            # Polling on purpose: the rebuild may run in another process.
            while not await self.ready():  # noqa: ASYNC110
                await asyncio.sleep(0.2)
        return True

    async def close(self) -> None:
        """Cancel a running rebuild."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task


class ViewGuardian(RebuildGuard):
    """The state view's guard: rebuilt from ``connect.state`` (:func:`rebuild_view`)."""

    def __init__(self, settings: KafkaSettings, topic: str, store: StateStore) -> None:
        super().__init__(
            "view",
            lambda: view_is_ready(store.redis),
            lambda: rebuild_view(settings, topic, store),
        )
        self._store = store

    async def verify(self) -> None:
        """Distrust a view marked ready in an earlier Redis process: a restarted Redis may have
        lost the last writes it acknowledged (the followers committed past them, so nothing
        would bring them back), so its view is rebuilt from Kafka."""
        redis: Redis = self._store.redis
        marker = await redis.get(VIEW_READY_KEY)
        if marker is None:
            return
        built_in = marker.decode() if isinstance(marker, bytes) else str(marker)
        if built_in != await redis_identity(redis):
            log.warning("redis restarted since the view was built; rebuilding it")
            await redis.eval(_FORGET_MARKER, 1, VIEW_READY_KEY, built_in)
            self.start_rebuild()


def parse_state_message(received: Received) -> StateRecord:
    """The state write carried by one ``connect.state`` record: a null value is a tombstone
    (the delete of the record named by the key). Raises ``ValueError`` for a record that names
    no record or does not parse."""
    if received.value is None:
        if not received.key:
            raise ValueError("tombstone without a key")
        return StateRecord.tombstone(received.key.decode())
    return StateRecord.model_validate(jsonutil.loads(received.value))


def _readable(records: Iterable[Received]) -> list[tuple[StateRecord, Delivered]]:
    writes = []
    for received in records:
        try:
            writes.append((parse_state_message(received), received.delivered))
        except ValueError:
            log.error("unreadable state record skipped", extra={"offset": received.offset})
    return writes


def state_follower(
    settings: KafkaSettings, topic: str, store: StateStore
) -> Subscriber[StateRecord]:
    """A consumer-group subscriber re-applying every state write of a fetched batch in one
    Redis round trip.

    Nearly every write was applied already by the process that made it (the offset check makes
    that a no-op), so this costs one pipeline per batch, not one call per record.
    """

    async def apply(batch: Sequence[Incoming[StateRecord]]) -> None:
        await store.apply_many([(item.message, item.received.delivered) for item in batch])

    subscription = Subscription(
        topic,
        FOLLOWER_GROUP,
        "state-follower",
        parse_state_message,
        retry=Backoff(first=0.2, cap=5.0),
    )
    return Subscriber.batches(settings, subscription, apply)
