"""The events view (contract 2.6): every organization's events of the retention window, in
Redis, for ``GET /api/v1/events``.

Layout: ``ev:{event id}`` (the exact event bytes as on ``connect.events``, expiring when the
event leaves the window), ``ev:org:{org}`` (sorted set of the organization's event ids scored
by ``created-at`` in ms), ``ev:org:{org}:name:{name}`` and ``ev:org:{org}:obj:{object id}``
(the same, narrowed for the two filters). An index expires with its newest event and is
trimmed of older ones on every write, so nothing outlives the window. Applying an event is one
Lua script and idempotent, so the live consumer and a rebuild can apply the same event in
any order.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from connect_shared.clock import parse_epoch_ms
from connect_shared.events import Event
from connect_shared.pagination import Page, PageRequest, paginate

READY_KEY = "ev:view-ready"
REBUILD_LOCK_KEY = "ev:rebuild-lock"

# KEYS: event key, then the indexes. ARGV: body, score (ms), id, expires-at (ms), cutoff (ms).
_APPLY = """
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[4])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[2], ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
  local current = redis.call('PEXPIRETIME', KEYS[i])
  if current < tonumber(ARGV[4]) then
    redis.call('PEXPIREAT', KEYS[i], ARGV[4])
  end
end
return 1
"""


def event_key(event_id: str) -> str:
    """The key holding one event's exact bytes."""
    return f"ev:{event_id}"


def org_index(org_id: str) -> str:
    """Every event of one organization, by creation time."""
    return f"ev:org:{org_id}"


def name_index(org_id: str, name: str) -> str:
    """One organization's events of one name."""
    return f"ev:org:{org_id}:name:{name}"


def object_index(org_id: str, object_id: str) -> str:
    """One organization's events about one object (``payload.data.id``)."""
    return f"ev:org:{org_id}:obj:{object_id}"


@dataclass(frozen=True)
class StoredEvent:
    """An event of the view: parsed, and the exact bytes it arrived as."""

    event: Event
    raw: bytes


class EventView:
    """Writes and reads the events view."""

    def __init__(self, redis: Redis, *, retention_seconds: int) -> None:
        self._redis = redis
        self._retention_ms = retention_seconds * 1000
        self._apply = redis.register_script(_APPLY)

    @property
    def redis(self) -> Redis:
        """The Redis client (the rebuild takes its lock and marker there)."""
        return self._redis

    def window_start_ms(self) -> int:
        """Events created before this moment (unix ms) are no longer kept."""
        return int(time.time() * 1000) - self._retention_ms

    async def apply(self, events: Sequence[StoredEvent]) -> int:
        """Store ``events`` (one pipelined round trip); those already past the retention window
        are skipped. Returns how many were stored."""
        cutoff = self.window_start_ms()
        stored = 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for item in events:
                event = item.event
                created = _created_ms(event)
                if created is None or created < cutoff:
                    continue
                org = event.organization_id
                keys = [event_key(event.id), org_index(org), name_index(org, event.name)]
                object_id = event.payload_object.get("id")
                if isinstance(object_id, str) and object_id:
                    keys.append(object_index(org, object_id))
                args: list[bytes | int | str] = [
                    item.raw,
                    created,
                    event.id,
                    created + self._retention_ms,
                    cutoff,
                ]
                await self._apply(keys=keys, args=args, client=pipe)
                stored += 1
            await pipe.execute()
        return stored

    async def get(self, org_id: str, event_id: str) -> StoredEvent | None:
        """The organization's event ``event_id`` (None when unknown, expired or another's)."""
        raw = await self._redis.get(event_key(event_id))
        found = _parse(raw)
        if found is None or found.event.organization_id != org_id:
            return None
        return found

    async def page(
        self,
        org_id: str,
        request: PageRequest,
        *,
        names: Sequence[str] = (),
        object_ids: Sequence[str] = (),
        ids: Sequence[str] = (),
    ) -> Page[StoredEvent]:
        """One page of the organization's events, newest first, narrowed to any of ``names``,
        of ``object_ids`` and of ``ids`` (an empty sequence does not narrow)."""
        if object_ids:
            indexes = [object_index(org_id, o) for o in object_ids]
        elif names:
            indexes = [name_index(org_id, n) for n in names]
        else:
            indexes = [org_index(org_id)]
        cutoff = self.window_start_ms()
        wanted_names, wanted_ids = set(names), set(ids)

        def keep(found: StoredEvent | None) -> bool:
            if found is None or found.event.organization_id != org_id:
                return False
            if wanted_names and found.event.name not in wanted_names:
                return False
            if wanted_ids and found.event.id not in wanted_ids:
                return False
            return (_created_ms(found.event) or 0) >= cutoff

        async def load(chunk: list[str]) -> list[StoredEvent | None]:
            raws = await self._redis.mget([event_key(i) for i in chunk])
            return [found if keep(found) else None for found in map(_parse, raws)]

        return await paginate(self._redis, indexes, request, load)


def _created_ms(event: Event) -> int | None:
    try:
        return parse_epoch_ms(event.data.attributes.created_at)
    except ValueError:
        return None


def _parse(raw: bytes | str | None) -> StoredEvent | None:
    if raw is None:
        return None
    data = raw if isinstance(raw, bytes) else raw.encode()
    try:
        return StoredEvent(Event.model_validate_json(data), data)
    except ValueError:
        return None
