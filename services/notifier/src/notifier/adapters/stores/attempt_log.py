"""Reading the attempt log (a capped Redis stream per webhook, newest first)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.redis_replies import as_text
from notifier.adapters.stores.queue import log_key

SCAN_CHUNK = 200
# A cursor is an entry id of the webhook's Redis stream, "<ms>-<seq>", each part 64 bits.
_CURSOR = re.compile(r"([0-9]{1,20})-([0-9]{1,20})")
_U64 = 2**64


def is_cursor(raw: str) -> bool:
    """True when ``raw`` can be a page cursor: a stream entry id Redis accepts as an exclusive
    bound ("(0-0" is none: nothing is older than the first possible entry)."""
    match = _CURSOR.fullmatch(raw)
    if match is None:
        return False
    parts = [int(part) for part in match.groups()]
    return all(part < _U64 for part in parts) and parts != [0, 0]


@dataclass(frozen=True)
class LogPage:
    """One page: ``(cursor, entry)`` pairs and the cursor of the next page, if any."""

    entries: list[tuple[str, dict[str, Any]]]
    next_cursor: str | None


class AttemptLog:
    """Pages through a webhook's attempts, optionally only one event's."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def page(
        self, webhook_id: str, size: int, after: str | None = None, event_id: str | None = None
    ) -> LogPage:
        """Up to ``size`` entries older than cursor ``after``."""
        entries: list[tuple[str, dict[str, Any]]] = []
        upper = f"({after}" if after else "+"
        while True:
            raw: Any = await self._redis.xrevrange(
                log_key(webhook_id), upper, "-", count=SCAN_CHUNK
            )
            rows: list[tuple[Any, dict[Any, Any]]] = list(raw or [])
            for stream_id, fields in rows:
                cursor = as_text(stream_id)
                entry = jsonutil.loads(fields.get(b"e") or fields["e"])
                if event_id is None or entry.get("event-id") == event_id:
                    entries.append((cursor, entry))
                if len(entries) > size:
                    return LogPage(entries[:size], entries[size - 1][0])
            if len(rows) < SCAN_CHUNK:
                return LogPage(entries, None)
            upper = f"({as_text(rows[-1][0])}"
