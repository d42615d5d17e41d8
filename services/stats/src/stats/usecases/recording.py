"""Count facts into the hourly and daily tables, exactly once per source message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stats.domain.facts import Fact
from stats.domain.tallies import Tally
from stats.domain.windows import INTERVALS, Interval, window_start
from stats.ports import Slot, TallyTables, TallyView


@dataclass(frozen=True)
class Counted:
    """One fact as read from the events topic: its source partition and offset."""

    fact: Fact
    partition: int
    offset: int


async def record_batch(batch: Sequence[Counted], tables: TallyTables, view: TallyView) -> int:
    """Apply a fetched batch of facts, in order, to both windows holding each fact's time, and
    publish what changed. A message already included in a window's tally changes nothing there
    (at-least-once redelivery).

    Each tally the batch changes is written once, with every fact of the batch in it: one
    changelog record and one published row per key and window instead of one per event, which
    is what keeps the worker cheap when events arrive by the thousand. Returns how many
    tallies changed."""
    staged: dict[tuple[Interval, str, int], tuple[Slot, Tally, float]] = {}
    for item in batch:
        fact = item.fact
        key = fact.table_key(item.partition)
        for interval in INTERVALS:
            start = window_start(fact.at, interval)
            held = staged.get((interval, key, start))
            current = held[1] if held else tables.read(interval, key, fact.at)
            tally = current.applied(fact, item.offset)
            if tally is None:
                continue
            slot = held[0] if held else Slot(
                interval, fact.organization_id, start, fact.direction, fact.connection_id,
                item.partition,
            )  # fmt: skip
            staged[(interval, key, start)] = (slot, tally, fact.at)
    for (interval, key, _), (_, tally, at) in staged.items():
        tables.write(interval, key, at, tally)
    if staged:
        await view.publish([(slot, tally) for slot, tally, _ in staged.values()])
    return len(staged)
