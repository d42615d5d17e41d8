"""The expiry sweeper over fakes: each due token is announced once, the rest is left alone."""

from __future__ import annotations

import pytest

from tests.issuer.unit.builders import World

pytestmark = pytest.mark.unit


def world_with_token(ttl: float) -> tuple[World, str]:
    world = World()
    source, destination = world.organization(), world.organization()
    connection = world.connection(source, destination)
    return world, world.token(connection, world.inquiry(source).id, ttl).id


async def test_a_due_token_is_announced_once_with_both_events() -> None:
    world, token_id = world_with_token(60)
    world.clock.advance(61)
    assert await world.sweeper.sweep_once() == 1
    assert await world.sweeper.sweep_once() == 0
    token = await world.entities.share_token(token_id)
    assert token is not None and token.status == "expired" and token.expiry_announced
    names = sorted(e.name for _, e in world.entities.events)
    assert names == ["connect/share-token.inbound-expired", "connect/share-token.outbound-expired"]


async def test_a_token_not_yet_due_stays_queued() -> None:
    world, token_id = world_with_token(60)
    assert await world.sweeper.sweep_once() == 0
    assert await world.entities.due(10**15, 10) == [token_id]


async def test_a_token_a_redemption_holds_is_skipped() -> None:
    world, token_id = world_with_token(60)
    assert (await world.claims.claim(token_id, "rdm_1", 0)).name == "WON"
    world.clock.advance(61)
    assert await world.sweeper.sweep_once() == 0
    assert world.entities.events == []


async def test_an_entry_whose_token_is_gone_is_dropped() -> None:
    world, token_id = world_with_token(60)
    world.entities.bodies[token_id] = None
    world.clock.advance(61)
    assert await world.sweeper.sweep_once() == 0
    assert await world.entities.due(10**15, 10) == []


async def test_kafka_down_keeps_the_token_queued_and_claimable() -> None:
    world, token_id = world_with_token(60)
    world.clock.advance(61)
    world.entities.unavailable = True  # the write fails as Kafka down does (StoreUnavailable)
    assert await world.sweeper.sweep_once() == 0
    assert world.claims.holders == {}
    world.entities.unavailable = False
    assert await world.sweeper.sweep_once() == 1
    assert token_id not in await world.entities.due(10**15, 10)
