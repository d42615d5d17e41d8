"""The source-object use cases over fakes."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import InvalidValue, NotVisible
from connect_shared.pagination import PageRequest
from issuer.domain.source_objects import ACCOUNTS, INQUIRIES
from tests.issuer.unit.builders import World

pytestmark = pytest.mark.unit


async def create_inquiry(world: World, org_id: str, verification_ids: list[str]) -> str:
    obj = await world.objects.create(
        INQUIRIES,
        org_id,
        status="approved",
        reference_id=None,
        fields={"name-first": "Ada"},
        verification_ids=verification_ids,
        kind=None,
    )
    return obj.id


async def test_create_writes_the_object_with_its_created_event() -> None:
    world = World()
    org = world.organization()
    object_id = await create_inquiry(world, org, [])
    assert (await world.objects.get(INQUIRIES, org, object_id)).fields == {"name-first": "Ada"}
    assert [(k, e.name) for k, e in world.entities.events] == [(object_id, "inquiry.created")]


async def test_a_verification_of_another_organization_is_refused_by_position() -> None:
    world = World()
    org = world.organization()
    foreign = world.inquiry(world.organization())
    with pytest.raises(InvalidValue) as refused:
        await create_inquiry(world, org, [foreign.id])
    assert refused.value.field == "verification-ids/0"
    assert world.entities.events == []


async def test_objects_are_invisible_outside_their_organization_and_collection() -> None:
    world = World()
    org = world.organization()
    object_id = await create_inquiry(world, org, [])
    with pytest.raises(NotVisible):
        await world.objects.get(INQUIRIES, world.organization(), object_id)
    with pytest.raises(NotVisible):
        await world.objects.get(ACCOUNTS, org, object_id)


async def test_redact_clears_the_fields_once() -> None:
    world = World()
    org = world.organization()
    object_id = await create_inquiry(world, org, [])
    cleared = await world.objects.redact(INQUIRIES, org, object_id)
    assert cleared.redacted and cleared.fields == {}
    await world.objects.redact(INQUIRIES, org, object_id)
    assert [e.name for _, e in world.entities.events] == ["inquiry.created", "inquiry.redacted"]


async def test_listing_pages_newest_first() -> None:
    world = World()
    org = world.organization()
    ids = []
    for _ in range(3):
        ids.append(await create_inquiry(world, org, []))
        world.clock.advance(1)
    first = await world.objects.listing(INQUIRIES, org, PageRequest(size=2))
    assert first.ids == [ids[2], ids[1]] and first.has_next
    rest = await world.objects.listing(INQUIRIES, org, PageRequest(size=2, after=ids[1]))
    assert rest.ids == [ids[0]] and not rest.has_next and rest.has_prev
