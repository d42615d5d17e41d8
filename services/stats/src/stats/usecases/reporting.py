"""The buckets of ``GET /connect/share-token-stats``: an organization's tallies per window,
merged across partitions and (unless filtered) connections and directions."""

from __future__ import annotations

from dataclasses import dataclass

from stats.domain.facts import Direction
from stats.domain.tallies import Totals
from stats.domain.windows import Interval, window_starts
from stats.ports import TallyView


@dataclass(frozen=True)
class StatsQuery:
    """One organization's question; ``first``/``last`` are epoch seconds (inclusive)."""

    organization_id: str
    interval: Interval
    first: float
    last: float
    direction: Direction | None = None
    connection_id: str | None = None


@dataclass(frozen=True)
class Bucket:
    """The totals of one window (zeros when nothing happened in it)."""

    interval: Interval
    start: int
    totals: Totals


async def share_token_stats(view: TallyView, query: StatsQuery) -> list[Bucket]:
    """Every window of the range, oldest first, counting only the caller's own tallies."""
    starts = window_starts(query.first, query.last, query.interval)
    stored = await view.read(query.interval, query.organization_id, starts[0], starts[-1])
    buckets = []
    for start in starts:
        tallies = [
            tally
            for slot, tally in stored.get(start, ())
            if slot.organization_id == query.organization_id
            and (query.direction is None or slot.direction == query.direction)
            and (query.connection_id is None or slot.connection_id == query.connection_id)
        ]
        buckets.append(Bucket(query.interval, start, Totals.of(tallies)))
    return buckets
