"""The reaper and the worker never both finish a redemption (in-memory fake of the store)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connect_shared.clock import iso
from redeemer.usecases.processing import RetryLater
from redeemer.usecases.reaping import RedemptionReaper
from tests.redeemer.unit.builders import NOW, connection, inquiry, token
from tests.redeemer.unit.fakes import FakeRecords
from tests.redeemer.unit.test_processing import make, request

pytestmark = pytest.mark.unit

LONG_AGO = iso(NOW - timedelta(minutes=10))


def world() -> FakeRecords:
    pending = token(status="pending", pending_at=LONG_AGO)
    return FakeRecords({r.id: r for r in (pending, inquiry(), connection())})


async def test_a_worker_arriving_after_the_reaper_only_announces_the_failure() -> None:
    records = world()
    reaper = RedemptionReaper(records, timeout_seconds=300, clock=lambda: NOW)
    assert await reaper.reap_once() == 1
    failed = records.records[token().id]
    assert failed.status == "failed"  # type: ignore[union-attr]
    emitted = list(records.emitted)

    await make(records).process(request(pending_at=LONG_AGO))

    assert records.records[token().id] == failed
    assert records.emitted == emitted  # nothing finished twice, no event twice


async def test_the_reaper_leaves_a_redemption_the_worker_is_finishing() -> None:
    records = world()
    records.held.add(token().id)
    reaper = RedemptionReaper(records, timeout_seconds=300, clock=lambda: NOW)
    assert await reaper.reap_once() == 0
    assert records.records[token().id].status == "pending"  # type: ignore[union-attr]


async def test_a_worker_waits_while_the_reaper_holds_the_token() -> None:
    records = world()
    records.held.add(token().id)
    with pytest.raises(RetryLater):
        await make(records).process(request(pending_at=LONG_AGO))


async def test_a_pending_redemption_within_the_timeout_is_left_alone() -> None:
    records = world()
    reaper = RedemptionReaper(records, timeout_seconds=3600, clock=lambda: NOW)
    assert await reaper.reap_once() == 0
