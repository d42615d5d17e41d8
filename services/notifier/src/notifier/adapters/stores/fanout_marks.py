"""What the fan-out has finished, kept so a lost delivery queue can be derived again.

The delivery queue lives in Redis only; a FLUSHALL or a Redis that lost its data takes every
delivery not yet finished with it, while the fan-out's offsets (in Kafka) are already past
their events. So the fan-out keeps, per partition of ``connect.events``, a *mark*: the
offset before which every event's deliveries are finished (delivered or dead). The mark is
committed to Kafka (a consumer group of its own, see
:mod:`notifier.adapters.consumers.fanout_marks`), so it survives Redis; after a loss the
fan-out goes back to it and schedules again (a delivery may then arrive twice, with one
event id: at least once).

Layout: ``ntf:open:{partition}`` (unfinished delivery ids scored by their event's offset;
the delivery hash keeps ``part``), ``ntf:fanned`` (partition -> the offset after the last
event scheduled), ``ntf:intact`` (set once the queue is known whole: after the first start or
after a recovery; a FLUSHALL removes it), ``ntf:refan`` (partition -> the offset the fan-out
must go back to, set by a recovery and taken by the partition's owner).
"""

from __future__ import annotations

from collections.abc import Mapping

from redis.asyncio import Redis

from connect_shared.redis_replies import as_text

INTACT_KEY = "ntf:intact"
FANNED_KEY = "ntf:fanned"
REFAN_KEY = "ntf:refan"
RECOVERY_LOCK_KEY = "ntf:refan-lock"
RECOVERY_LOCK_SECONDS = 60


def open_key(partition: int) -> str:
    """The unfinished deliveries of one partition of ``connect.events``."""
    return f"ntf:open:{partition}"


# ARGV: (partition, next offset)*. Only into a queue known whole, and not for a partition
# that still has to go back (its owner has not taken the recovery's offset yet).
_FANNED = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[3], ARGV[i]) == 0 then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
return 1
"""

# Returns {partition, mark}*: min(first unfinished delivery's offset, next offset fanned).
_MARKS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local out = {}
local fanned = redis.call('HGETALL', KEYS[2])
for i = 1, #fanned, 2 do
  local part, mark = fanned[i], tonumber(fanned[i + 1])
  if redis.call('HEXISTS', KEYS[3], part) == 0 then
    local first = redis.call('ZRANGE', 'ntf:open:' .. part, 0, 0, 'WITHSCORES')
    if first[2] and tonumber(first[2]) < mark then mark = tonumber(first[2]) end
    table.insert(out, part)
    table.insert(out, tostring(mark))
  end
end
return out
"""

# ARGV: partition, its owner's position. Returns the offset to go back to or '' (nothing to
# redo); what is fanned is then the lower of the two.
_TAKE = """
local back = redis.call('HGET', KEYS[1], ARGV[1])
if not back then return '' end
redis.call('HSET', KEYS[2], ARGV[1], math.min(tonumber(back), tonumber(ARGV[2])))
redis.call('HDEL', KEYS[1], ARGV[1])
return back
"""


class FanoutMarks:
    """The Redis half of the marks: what is open and fanned, and the recovery's hand-over."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._fanned = redis.register_script(_FANNED)
        self._marks = redis.register_script(_MARKS)
        self._take = redis.register_script(_TAKE)

    async def intact(self) -> bool:
        """True unless the queue was lost since it was last known whole."""
        return bool(await self._redis.exists(INTACT_KEY))

    async def fanned(self, next_offsets: Mapping[int, int]) -> None:
        """Every event before ``next_offsets[p]`` has its deliveries scheduled."""
        if next_offsets:
            args = [str(v) for pair in next_offsets.items() for v in pair]
            await self._fanned(keys=[INTACT_KEY, FANNED_KEY, REFAN_KEY], args=args)

    async def marks(self) -> dict[int, int]:
        """Partition -> mark, computed in one atomic step (empty while the queue is lost)."""
        raw = await self._marks(keys=[INTACT_KEY, FANNED_KEY, REFAN_KEY])
        values = [as_text(v) for v in raw]
        return {int(p): int(m) for p, m in zip(values[::2], values[1::2], strict=True)}

    async def begin_recovery(self) -> bool:
        """Take the recovery lock (one process re-derives the queue); False if another has it."""
        return bool(
            await self._redis.set(RECOVERY_LOCK_KEY, "1", nx=True, ex=RECOVERY_LOCK_SECONDS)
        )

    async def recovered(self, back_to: Mapping[int, int]) -> None:
        """Hand each partition's offset to its owner and mark the queue whole, atomically."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(REFAN_KEY, FANNED_KEY)
            if back_to:
                pipe.hset(REFAN_KEY, mapping={str(p): str(o) for p, o in back_to.items()})
            pipe.set(INTACT_KEY, "1")
            pipe.delete(RECOVERY_LOCK_KEY)
            await pipe.execute()

    async def take_refan(self, partition: int, position: int) -> int | None:
        """The offset ``partition`` (read from ``position`` on) must go back to after a
        recovery (once), or None."""
        args = [str(partition), str(position)]
        back = as_text(await self._take(keys=[REFAN_KEY, FANNED_KEY], args=args))
        return int(back) if back else None
