"""The published tallies in Redis, which the API and the dashboard read.

Layout: ``stats:{interval}:{org}`` is a sorted set of window starts, and
``stats:{interval}:{org}:{start}`` a hash from ``{direction}|{connection}|{partition}`` to the
tally's JSON. The worker rewrites a whole tally on every change, so a replay after a crash
converges on the table's value; each window expires with its retention.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence

from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.redis_replies import as_text
from stats.domain.tallies import Tally
from stats.domain.windows import RETENTION_SECONDS, Interval
from stats.ports import Slot, TallyView

_FIELD_SEPARATOR = "|"


def _starts_key(interval: Interval, organization_id: str) -> str:
    return f"stats:{interval}:{organization_id}"


def _window_key(interval: Interval, organization_id: str, start: int) -> str:
    return f"stats:{interval}:{organization_id}:{start}"


class RedisTallyView:
    """:class:`stats.ports.TallyView` over Redis."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, updates: Sequence[tuple[Slot, Tally]]) -> None:
        """Write the tallies (one pipelined round trip)."""
        now = time.time()
        pipe = self._redis.pipeline(transaction=False)
        for slot, tally in updates:
            retention = RETENTION_SECONDS[slot.interval]
            starts = _starts_key(slot.interval, slot.organization_id)
            window = _window_key(slot.interval, slot.organization_id, slot.start)
            field = _FIELD_SEPARATOR.join((slot.direction, slot.connection_id, str(slot.partition)))
            pipe.hset(window, field, jsonutil.dumps(tally.to_value()))
            pipe.expireat(window, int(slot.start + retention))
            pipe.zadd(starts, {str(slot.start): slot.start})
            pipe.zremrangebyscore(starts, "-inf", f"({int(now - retention)}")
            pipe.expireat(starts, int(max(now, slot.start) + retention))
        await pipe.execute()

    async def read(
        self, interval: Interval, organization_id: str, first: int, last: int
    ) -> Mapping[int, Sequence[tuple[Slot, Tally]]]:
        """The organization's tallies of windows starting in ``[first, last]``."""
        starts = [
            int(as_text(raw))
            for raw in await self._redis.zrangebyscore(
                _starts_key(interval, organization_id), first, last
            )
        ]
        if not starts:
            return {}
        pipe = self._redis.pipeline(transaction=False)
        for start in starts:
            pipe.hgetall(_window_key(interval, organization_id, start))
        found: dict[int, list[tuple[Slot, Tally]]] = defaultdict(list)
        for start, fields in zip(starts, await pipe.execute(), strict=True):
            for raw_field, raw_value in fields.items():
                slot = _slot(interval, organization_id, start, as_text(raw_field))
                if slot is not None:
                    found[start].append((slot, Tally.from_value(jsonutil.loads(raw_value))))
        return found


def _slot(interval: Interval, organization_id: str, start: int, field: str) -> Slot | None:
    direction, _, rest = field.partition(_FIELD_SEPARATOR)
    connection_id, _, partition = rest.rpartition(_FIELD_SEPARATOR)
    if direction not in ("outbound", "inbound") or not partition.isdigit():
        return None
    return Slot(interval, organization_id, start, direction, connection_id, int(partition))  # type: ignore[arg-type]


class BufferedTallyView:
    """Stages the agent's tallies and writes them to Redis in one pipeline per flush (a faust
    timer), so the agent never waits for Redis per message. A tally is a whole value, so only
    the newest of each slot is written. Tallies staged but not yet written when the process
    dies are not lost: every table recovery republishes all tallies."""

    def __init__(self, view: TallyView, max_pending: int = 10_000) -> None:
        self._view = view
        self._max_pending = max_pending
        self._pending: dict[Slot, Tally] = {}

    async def publish(self, updates: Sequence[tuple[Slot, Tally]]) -> None:
        """Stage the tallies; write at once only when too many are waiting."""
        for slot, tally in updates:
            self._pending[slot] = tally
        if len(self._pending) >= self._max_pending:
            await self.flush()

    async def flush(self) -> None:
        """Write everything staged; on failure keep what was not superseded meanwhile."""
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        try:
            await self._view.publish(list(batch.items()))
        except Exception:
            for slot, tally in batch.items():
                self._pending.setdefault(slot, tally)
            raise

    async def read(
        self, interval: Interval, organization_id: str, first: int, last: int
    ) -> Mapping[int, Sequence[tuple[Slot, Tally]]]:
        """What Redis holds (staged tallies become visible with the next flush)."""
        return await self._view.read(interval, organization_id, first, last)
