"""Counting a batch of facts: each changed tally is written and published once, with every
fact of the batch in it, and a redelivered message still counts once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from stats.adapters.consumers.stream import SourcePartitionTable, create_stream_app
from stats.config import StatsSettings
from stats.domain.facts import Fact
from stats.domain.tallies import Tally
from stats.domain.windows import Interval, window_start
from stats.ports import Slot
from stats.usecases.recording import Counted, record_batch

pytestmark = pytest.mark.unit

TEN_AM = 1_772_359_200.0  # 2026-03-01T10:00:00Z


class _Tables:
    def __init__(self) -> None:
        self.held: dict[tuple[Interval, str, int], Tally] = {}
        self.writes: list[tuple[Interval, str, int]] = []

    def read(self, interval: Interval, key: str, at: float) -> Tally:
        return self.held.get((interval, key, window_start(at, interval)), Tally())

    def write(self, interval: Interval, key: str, at: float, tally: Tally) -> None:
        self.writes.append((interval, key, window_start(at, interval)))
        self.held[(interval, key, window_start(at, interval))] = tally


class _View:
    def __init__(self) -> None:
        self.published: list[Sequence[tuple[Slot, Tally]]] = []

    async def publish(self, updates: Sequence[tuple[Slot, Tally]]) -> None:
        self.published.append(list(updates))

    async def read(self, *args: Any) -> Mapping[int, Sequence[tuple[Slot, Tally]]]:
        return {}


def _fact(kind: str, connection: str = "cxn_1", at: float = TEN_AM) -> Fact:
    return Fact("evt", "org_a", "outbound", connection, kind, at, None)  # type: ignore[arg-type]


async def test_a_batch_writes_each_changed_tally_once_with_every_fact_in_it() -> None:
    tables, view = _Tables(), _View()
    batch = [Counted(_fact("created"), 2, offset) for offset in range(10, 20)]
    batch.append(Counted(_fact("expired"), 2, 20))
    batch.append(Counted(_fact("created", connection="cxn_2"), 2, 21))
    changed = await record_batch(batch, tables, view)
    assert changed == 4  # two keys, each in its hour and its day
    assert len(tables.writes) == 4
    assert len(view.published) == 1 and len(view.published[0]) == 4
    hour = tables.read("hour", _fact("created").table_key(2), TEN_AM)
    assert (hour.created, hour.expired, hour.offset) == (10, 1, 20)


async def test_messages_redelivered_in_a_later_batch_are_not_counted_again() -> None:
    tables, view = _Tables(), _View()
    first = [Counted(_fact("created"), 0, offset) for offset in range(5)]
    await record_batch(first, tables, view)
    again = [*first[2:], Counted(_fact("created"), 0, 5)]
    await record_batch(again, tables, view)
    day = tables.read("day", _fact("created").table_key(0), TEN_AM)
    assert (day.created, day.offset) == (6, 5)


async def test_a_batch_of_redeliveries_only_writes_and_publishes_nothing() -> None:
    tables, view = _Tables(), _View()
    first = [Counted(_fact("created"), 0, offset) for offset in range(3)]
    await record_batch(first, tables, view)
    tables.writes.clear()
    assert await record_batch(first, tables, view) == 0
    assert tables.writes == [] and len(view.published) == 1


def test_changelog_partition_of_a_tally_is_the_source_partition_its_key_names() -> None:
    class _NoView(_View):
        pass

    app = create_stream_app(StatsSettings(profile="development"), _NoView())
    tables = [t for t in app.tables.values() if isinstance(t, SourcePartitionTable)]
    assert len(tables) == 2
    key = (_fact("created").table_key(4), (TEN_AM, TEN_AM + 3599.9))
    assert all(table.partition_for_key(key) == 4 for table in tables)
