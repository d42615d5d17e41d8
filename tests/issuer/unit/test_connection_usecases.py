"""The connection use cases over fakes: what they write, which events, who sees what."""

from __future__ import annotations

from typing import Any

import pytest

from connect_shared.domain_errors import InvalidValue, NotVisible, StoreUnavailable
from connect_shared.pagination import PageRequest
from connect_shared.records import connection_state
from connect_shared.versioned import LostRace
from issuer.usecases.connections import ConnectionFilter
from tests.issuer.unit.builders import World

pytestmark = pytest.mark.unit


async def test_create_writes_a_pending_connection_and_tells_both_sides() -> None:
    world = World()
    source, destination = world.organization(), world.organization()
    created = await world.connections.create(source, destination)
    assert created.status == "pending"
    assert (await world.entities.connection(created.id)) == created
    told = {(key, event.name, event.organization_id) for key, event in world.entities.events}
    assert told == {
        (created.id, "connect/connection.created", source),
        (created.id, "connect/connection.created", destination),
    }


async def test_create_names_the_api_key_that_made_the_connection() -> None:
    world = World()
    source, destination = world.organization(), world.organization()
    created = await world.connections.create(source, destination, creator_id="key_unit1")
    assert created.creator_id == "key_unit1"
    assert (await world.entities.connection(created.id)) == created


async def test_create_towards_an_unknown_organization_writes_nothing() -> None:
    world = World()
    with pytest.raises(InvalidValue):
        await world.connections.create(world.organization(), "org_missing0000000000000000")
    assert world.entities.events == []


async def test_a_connection_is_not_visible_outside_its_two_sides() -> None:
    world = World()
    connection = world.connection(world.organization(), world.organization())
    with pytest.raises(NotVisible):
        await world.connections.get(world.organization(), connection.id)


async def test_accept_moves_pending_to_active_with_activated_events() -> None:
    world = World()
    source, destination = world.organization(), world.organization()
    pending = world.connection(source, destination, "pending")
    accepted = await world.connections.accept(destination, pending.id)
    assert accepted.status == "active"
    assert {e.name for _, e in world.entities.events} == {"connect/connection.activated"}


async def test_a_change_that_loses_its_race_is_refused_and_writes_nothing() -> None:
    world = World()
    source, destination = world.organization(), world.organization()
    pending = world.connection(source, destination, "pending")
    read = world.entities.read

    async def read_then_lose(*args: Any) -> Any:
        found = await read(*args)
        world.entities.apply(connection_state(pending.model_copy(update={"status": "inactive"})))
        return found

    world.entities.read = read_then_lose  # type: ignore[method-assign]
    with pytest.raises(LostRace) as lost:
        await world.connections.accept(destination, pending.id)
    assert lost.value.meta == {"status": "inactive"}
    assert world.entities.events == []


async def test_kafka_down_leaves_the_connection_unchanged() -> None:
    world = World()
    source, destination = world.organization(), world.organization()
    pending = world.connection(source, destination, "pending")
    world.entities.unavailable = True
    with pytest.raises(StoreUnavailable):
        await world.connections.accept(destination, pending.id)
    assert (await world.connections.get(source, pending.id)).status == "pending"


async def test_listing_keeps_only_the_filtered_status_newest_first() -> None:
    world = World()
    source = world.organization()
    older = world.connection(source, world.organization(), "active")
    world.clock.advance(1)
    world.connection(source, world.organization(), "inactive")
    world.clock.advance(1)
    newer = world.connection(source, world.organization(), "active")
    page = await world.connections.listing(
        source, ConnectionFilter(status="active"), PageRequest(size=10)
    )
    assert page.ids == [newer.id, older.id]
    assert not page.has_next
