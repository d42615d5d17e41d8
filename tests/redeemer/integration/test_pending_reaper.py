"""Nothing waits forever: a redemption left ``pending`` past the timeout ends ``failed`` with
``unrecoverable_error`` and its events, once, under the lease the worker also takes (real Kafka
and Redis; the scheduling loop is the redeemer app's)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connect_shared.clock import iso, utcnow
from connect_shared.ids import new_id
from connect_shared.records import TOKEN_PENDING_INDEX, share_token_state
from redeemer.usecases.reaping import RedemptionReaper
from tests.redeemer.integration.test_redemption_store import World, event_ids, world
from tests.redeemer.unit.builders import token

pytestmark = pytest.mark.integration

__all__ = ["world"]

TIMEOUT_SECONDS = 300.0


async def pending_since(w: World, minutes: float) -> str:
    """A token the view shows pending since ``minutes`` ago, whose request was lost."""
    stamp = iso(utcnow() - timedelta(minutes=minutes))
    pending = token(id=new_id("cnst_"), status="pending", pending_at=stamp, updated_at=stamp)
    await w.store._store.put(share_token_state(pending))
    return pending.id


async def test_an_overdue_pending_redemption_ends_failed_once_with_its_events(
    world: World,
) -> None:
    await world.store._store.redis.delete(TOKEN_PENDING_INDEX)
    overdue = await pending_since(world, 10)
    recent = await pending_since(world, 1)
    reaper = RedemptionReaper(world.store, timeout_seconds=TIMEOUT_SECONDS)

    assert await reaper.reap_once() == 1
    failed = await world.store.token(overdue)
    assert failed is not None
    assert failed.status == "failed"
    assert failed.failure_reason == "unrecoverable_error"
    still = await world.store.token(recent)
    assert still is not None and still.status == "pending"
    ids = await event_ids(world.events_topic)
    assert len(ids) == 2 and set(ids.values()) == {1}  # outbound and inbound redeem-failed

    assert await reaper.reap_once() == 0  # out of the pending index: nothing more to do
    assert await event_ids(world.events_topic) == ids


async def test_a_redemption_someone_is_finishing_is_left_to_them(world: World) -> None:
    await world.store._store.redis.delete(TOKEN_PENDING_INDEX)
    overdue = await pending_since(world, 10)
    reaper = RedemptionReaper(world.store, timeout_seconds=TIMEOUT_SECONDS)
    async with world.store.finishing(overdue) as held:
        assert held
        assert await reaper.reap_once() == 0
    pending = await world.store.token(overdue)
    assert pending is not None and pending.status == "pending"
    assert await reaper.reap_once() == 1
