"""Count one fact into the hourly and daily tables, exactly once per source message."""

from __future__ import annotations

from stats.domain.facts import Fact
from stats.domain.tallies import Tally
from stats.domain.windows import INTERVALS, window_start
from stats.ports import Slot, TallyTables, TallyView


async def record(
    fact: Fact, partition: int, offset: int, tables: TallyTables, view: TallyView
) -> int:
    """Apply ``fact`` (read at ``offset`` of source ``partition``) to both windows holding its
    time and publish what changed. A message already included in a window's tally changes
    nothing there (at-least-once redelivery). Returns how many windows changed."""
    key = fact.table_key(partition)
    changed: list[tuple[Slot, Tally]] = []
    for interval in INTERVALS:
        tally = tables.read(interval, key, fact.at).applied(fact, offset)
        if tally is None:
            continue
        tables.write(interval, key, fact.at, tally)
        slot = Slot(
            interval,
            fact.organization_id,
            window_start(fact.at, interval),
            fact.direction,
            fact.connection_id,
            partition,
        )
        changed.append((slot, tally))
    if changed:
        await view.publish(changed)
    return len(changed)
