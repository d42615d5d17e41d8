"""The share-token use cases over fakes: issuing, peeking, expiring, listing."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import (
    InvalidValue,
    NotAllowed,
    NotVisible,
    StoreUnavailable,
    WrongState,
)
from connect_shared.pagination import PageRequest
from issuer.usecases.share_tokens import ShareTokenExists, TokenFilter
from tests.issuer.unit.builders import World

pytestmark = pytest.mark.unit


def issuing_world() -> tuple[World, str, str, str, str]:
    world = World()
    source, destination = world.organization(), world.organization()
    connection = world.connection(source, destination)
    obj = world.inquiry(source)
    return world, source, destination, connection.id, obj.id


async def test_create_writes_the_token_with_both_created_events() -> None:
    world, source, destination, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600)
    assert (await world.entities.share_token(token.id)) == token
    assert sorted((e.organization_id, e.name) for _, e in world.entities.events) == sorted(
        [
            (source, "connect/share-token.outbound-created"),
            (destination, "connect/share-token.inbound-created"),
        ]
    )
    assert await world.entities.due(token.expires_at_ms, 10) == [token.id]


async def test_create_names_the_api_key_or_workflow_that_asked() -> None:
    world, source, _, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600, creator_id="wf_1")
    assert token.creator_id == "wf_1"
    assert (await world.entities.share_token(token.id)) == token


async def test_create_with_a_taken_id_is_refused_without_a_second_write() -> None:
    world, source, _, connection_id, object_id = issuing_world()
    first = await world.tokens.create(source, connection_id, object_id, 3600, token_id="cnst_x1")
    with pytest.raises(ShareTokenExists):
        await world.tokens.create(source, connection_id, object_id, 3600, token_id=first.id)
    assert len(world.entities.events) == 2


async def test_create_from_another_organizations_object_is_invalid() -> None:
    world, source, _, connection_id, _ = issuing_world()
    foreign = world.inquiry(world.organization())
    with pytest.raises(InvalidValue):
        await world.tokens.create(source, connection_id, foreign.id, 3600)
    assert world.entities.events == []


async def test_only_the_destination_may_peek() -> None:
    world, source, destination, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600)
    with pytest.raises(NotAllowed):
        await world.tokens.peek(source, token)
    assert await world.tokens.peek(destination, token) == {
        "name-first": "Ada",
        "birthdate": "1815-12-10",
    }


async def test_tokens_are_not_visible_to_third_organizations() -> None:
    world, source, _, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600)
    with pytest.raises(NotVisible):
        await world.tokens.get(world.organization(), token.id)


async def test_expire_writes_expired_once_and_refuses_a_second_time() -> None:
    world, source, _, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600)
    done = await world.tokens.expire(source, token.id)
    assert done.status == "expired"
    with pytest.raises(WrongState) as refused:
        await world.tokens.expire(source, token.id)
    assert refused.value.meta["status"] == "expired"


async def test_expire_that_kafka_refuses_gives_the_claim_back() -> None:
    world, source, _, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600)
    world.entities.unavailable = True
    with pytest.raises(StoreUnavailable):
        await world.tokens.expire(source, token.id)
    assert world.claims.holders == {}
    assert (await world.tokens.get(source, token.id)).status == "created"


async def test_listing_walks_one_direction_when_filtered() -> None:
    world, source, destination, connection_id, object_id = issuing_world()
    token = await world.tokens.create(source, connection_id, object_id, 3600)
    outbound = await world.tokens.listing(
        source, TokenFilter(direction="outbound"), PageRequest(size=5)
    )
    inbound = await world.tokens.listing(
        source, TokenFilter(direction="inbound"), PageRequest(size=5)
    )
    assert outbound.ids == [token.id]
    assert inbound.ids == []
    assert (await world.tokens.listing(destination, TokenFilter(), PageRequest())).ids == [token.id]
