"""The durable entity store: every write goes to the compacted Kafka topic ``connect.state``
(acks=all, in a transaction with the write's other messages) first and then into a Redis view,
so Redis can always be rebuilt from Kafka.

Redis layout (one Redis per deployment; keys are not cluster-slotted on purpose, the view is
small and rebuilt as a whole):

* ``rec:{id}`` hash: ``offset`` (Kafka offset of the write), ``body`` (JSON), ``indexes`` and
  ``lookups`` (JSON maps, so a later write or a delete can undo them).
* index sorted sets named by the record (e.g. ``idx:connection:org_1``), scored by time.
* lookup strings named by the record (e.g. ``lk:api-key:<sha256>``) for unique secondary keys.
* ``guard:write:{id}`` strings: the compare-and-set guard of :mod:`connect_shared.versioned`.

A write is applied to Redis only when its Kafka offset is newer than the stored one, so the
direct write and a replay can race in any order and the view still ends on the newest state.
The offset is therefore also the record's version. A delete is a Kafka tombstone (null value,
keyed by id): compaction drops the record's earlier bodies, and applying it empties the view's
record but keeps its offset, so an older write replayed later cannot bring it back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from connect_shared import jsonutil
from connect_shared.backoff import Backoff, retry
from connect_shared.kafka import Delivered, DurableProducer, OutgoingMessage
from connect_shared.redis_replies import as_text, as_texts
from connect_shared.stages import stage

# Re-exported: the records used to live here, and the store is where callers look for them.
from connect_shared.state_record import StateRecord as StateRecord
from connect_shared.state_record import Versioned as Versioned

log = logging.getLogger(__name__)

VIEW_READY_KEY = "connect:view-ready"
APPLY_BACKOFF = Backoff(first=0.05, cap=0.8, attempts=5)

# KEYS: the record hash, its write guard. ARGV: offset, body, deleted, indexes, lookups, id,
# the claim of the write guard this write was made under ('' for none).
_APPLY_SCRIPT = """
local function release()
  -- The write (or a newer one) is in the view now, so its guard may go: a writer that read the
  -- older version can no longer win. A delete frees any guard, as nothing can follow it.
  if ARGV[3] == '1' then
    redis.call('DEL', KEYS[2])
  elseif ARGV[7] ~= '' and redis.call('GET', KEYS[2]) == ARGV[7] then
    redis.call('DEL', KEYS[2])
  end
end
local current = redis.call('HGET', KEYS[1], 'offset')
if current and tonumber(current) >= tonumber(ARGV[1]) then
  release()
  return 0
end
local old_indexes = redis.call('HGET', KEYS[1], 'indexes')
if old_indexes then
  for name, _ in pairs(cjson.decode(old_indexes)) do redis.call('ZREM', name, ARGV[6]) end
end
local old_lookups = redis.call('HGET', KEYS[1], 'lookups')
if old_lookups then
  for name, _ in pairs(cjson.decode(old_lookups)) do redis.call('DEL', name) end
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'offset', ARGV[1], 'body', '', 'indexes', '{}', 'lookups', '{}')
  release()
  return 1
end
redis.call('HSET', KEYS[1], 'offset', ARGV[1], 'body', ARGV[2], 'indexes', ARGV[4],
           'lookups', ARGV[5])
for name, score in pairs(cjson.decode(ARGV[4])) do redis.call('ZADD', name, score, ARGV[6]) end
for name, value in pairs(cjson.decode(ARGV[5])) do redis.call('SET', name, value) end
release()
return 1
"""


def _apply_args(record: StateRecord, where: Delivered) -> list[Any]:
    return [
        where.offset,
        jsonutil.dumps(record.body),
        "1" if record.deleted else "0",
        jsonutil.dumps(record.indexes),
        jsonutil.dumps(record.lookups),
        record.id,
        record.claim or "",
    ]


def record_key(record_id: str) -> str:
    """The Redis hash holding one record."""
    return f"rec:{record_id}"


def write_guard_key(record_id: str) -> str:
    """The compare-and-set guard of one record (see :mod:`connect_shared.versioned`)."""
    return f"guard:write:{record_id}"


def _keys(record_id: str) -> list[str]:
    return [record_key(record_id), write_guard_key(record_id)]


class StateStore:
    """Writes records durably and reads them back from the Redis view."""

    def __init__(self, producer: DurableProducer, redis: Redis, topic: str) -> None:
        self._producer = producer
        self._redis = redis
        self._topic = topic
        self._apply = redis.register_script(_APPLY_SCRIPT)

    @property
    def redis(self) -> Redis:
        """The Redis client the view lives in."""
        return self._redis

    @property
    def produce_timeout_seconds(self) -> float:
        """How long a write waits for Kafka's acknowledgement before it answers 503."""
        return self._producer.timeout_seconds

    async def put(self, *records: StateRecord, also: Sequence[OutgoingMessage] = ()) -> None:
        """Write ``records`` and ``also`` (e.g. events) to Kafka in one transaction, then apply
        the records to Redis (only after the commit). Raises ``Unavailable`` (503) when the
        transaction did not commit: then none of it is ever visible."""
        messages = [self.message(record) for record in records]
        delivered = await self._producer.send_all([*messages, *also])
        await self._apply_acknowledged(list(zip(records, delivered, strict=False)))

    async def _apply_acknowledged(self, writes: list[tuple[StateRecord, Delivered]]) -> None:
        # Once Kafka acknowledged, the write has happened and the caller must hear success:
        # Redis gets it as soon as it answers, and the state follower re-applies it anyway.
        try:
            await retry(lambda: self.apply_many(writes), APPLY_BACKOFF, on=RedisError)
        except RedisError as exc:
            log.warning(
                "durable write not yet in the view; the follower will apply it",
                extra={"ids": [r.id for r, _ in writes], "error": repr(exc)},
            )

    async def apply_many(self, writes: Sequence[tuple[StateRecord, Delivered]]) -> None:
        """Apply several durable writes in one round trip (each unless a newer one is there)."""
        if not writes:
            return
        with stage("view_apply"):
            await self._apply_many(writes)

    async def _apply_many(self, writes: Sequence[tuple[StateRecord, Delivered]]) -> None:
        if len(writes) == 1:
            await self.apply(*writes[0])
            return
        try:
            await self._apply_pipelined(writes)
        except NoScriptError:
            # The script cache went with a Redis restart: load it once and go again.
            await self._redis.script_load(_APPLY_SCRIPT)
            await self._apply_pipelined(writes)

    async def _apply_pipelined(self, writes: Sequence[tuple[StateRecord, Delivered]]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for record, where in writes:
                pipe.evalsha(self._apply.sha, 2, *_keys(record.id), *_apply_args(record, where))
            await pipe.execute()

    def message(self, record: StateRecord) -> OutgoingMessage:
        """The Kafka message for ``record`` (keyed by id, so compaction keeps the newest); a
        delete is a tombstone, so no copy of the deleted body stays on the topic."""
        if record.deleted:
            return OutgoingMessage(self._topic, record.id, None)
        return OutgoingMessage(self._topic, record.id, jsonutil.dumps(record.model_dump()))

    async def apply(self, record: StateRecord, where: Delivered) -> bool:
        """Apply one durable write to Redis unless a newer one is already there."""
        applied = await self._apply(keys=_keys(record.id), args=_apply_args(record, where))
        return bool(applied)

    async def read(self, record_id: str) -> Versioned[dict[str, Any]] | None:
        """The stored body of ``record_id`` with its version, or None if absent or deleted."""
        with stage("store_read"):
            offset, raw = await self._redis.hmget(record_key(record_id), ["offset", "body"])
        if not raw or offset is None:
            return None
        return Versioned(jsonutil.loads(raw), int(offset))

    async def get(self, record_id: str) -> dict[str, Any] | None:
        """The stored body of ``record_id``, or None if absent or deleted."""
        with stage("store_read"):
            raw = await self._redis.hget(record_key(record_id), "body")
        return jsonutil.loads(raw) if raw else None

    async def get_many(self, record_ids: Sequence[str]) -> list[dict[str, Any] | None]:
        """Bodies of several records in one round trip (None where absent)."""
        if not record_ids:
            return []
        with stage("store_read"):
            async with self._redis.pipeline(transaction=False) as pipe:
                for record_id in record_ids:
                    pipe.hget(record_key(record_id), "body")
                raws = await pipe.execute()
        return [jsonutil.loads(raw) if raw else None for raw in raws]

    async def lookup(self, name: str) -> str | None:
        """The value of a unique secondary key, e.g. an API key's owner."""
        with stage("store_read"):
            raw = await self._redis.get(name)
        return None if raw is None else as_text(raw)

    async def index_ids(self, index: str, *, newest_first: bool = True) -> list[str]:
        """Every id in ``index``, newest first by default."""
        with stage("store_read"):
            raw = await self._redis.zrange(index, 0, -1, desc=newest_first)
        return as_texts(raw)


async def view_is_ready(redis: Redis) -> bool:
    """True when the Redis view holds state (it vanishes with FLUSHALL or a lost Redis)."""
    return bool(await redis.exists(VIEW_READY_KEY))
