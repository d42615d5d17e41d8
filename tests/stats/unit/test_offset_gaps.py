"""The stats consumer records the offset gaps of commit markers (one after nearly every
transaction) without rebuilding its interval tree per gap, and still merges overlaps."""

from __future__ import annotations

from collections import defaultdict

import pytest
from aiokafka import TopicPartition
from intervaltree import Interval, IntervalTree

from stats.adapters.consumers.faust_app import ReadCommittedConsumer

pytestmark = pytest.mark.unit

TP = TopicPartition("connect.events", 0)


def _consumer(committed: int | None = None) -> ReadCommittedConsumer:
    # Only the two attributes gap bookkeeping reads; no app, transport or broker.
    consumer = ReadCommittedConsumer.__new__(ReadCommittedConsumer)
    consumer._committed_offset = defaultdict(lambda: committed)
    consumer._gap = defaultdict(IntervalTree)
    return consumer


async def test_gaps_arriving_in_offset_order_are_each_recorded() -> None:
    consumer = _consumer()
    for marker in range(10, 10_000, 3):  # one commit marker after every two records
        await consumer._add_gap(TP, marker, marker)
    gaps = consumer._gap[TP]
    assert len(gaps) == len(range(10, 10_000, 3))
    assert Interval(10, 11) in gaps and Interval(9997, 9998) in gaps


async def test_a_gap_at_or_below_the_committed_offset_is_ignored() -> None:
    consumer = _consumer(committed=50)
    await consumer._add_gap(TP, 40, 45)
    await consumer._add_gap(TP, 48, 55)
    assert sorted(consumer._gap[TP]) == [Interval(51, 56)]


async def test_an_overlapping_gap_is_merged_as_faust_does() -> None:
    consumer = _consumer()
    await consumer._add_gap(TP, 10, 20)
    await consumer._add_gap(TP, 15, 25)
    assert sorted(consumer._gap[TP]) == [Interval(10, 26)]
