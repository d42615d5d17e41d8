"""The workflow-definition use cases over fakes."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import InvalidValue, NotVisible
from connect_shared.pagination import PageRequest
from connect_shared.records import connection_state
from connect_shared.state_record import StateRecord
from connect_shared.versioned import LostRace
from connect_shared.workflows import WorkflowAction, WorkflowTrigger
from issuer.usecases.workflows import WorkflowChanges
from tests.issuer.unit.builders import World

pytestmark = pytest.mark.unit

TRIGGER = WorkflowTrigger(event="inquiry.completed")


def share_action(connection_id: str) -> WorkflowAction:
    return WorkflowAction(type="create-share-token", connection_id=connection_id)


async def test_create_stores_a_definition_on_the_callers_active_connection() -> None:
    world = World()
    source = world.organization()
    connection = world.connection(source, world.organization())
    workflow = await world.workflows.create(source, "w", True, TRIGGER, share_action(connection.id))
    assert await world.workflows.get(source, workflow.id) == workflow


async def test_an_action_on_someone_elses_connection_points_into_the_action() -> None:
    world = World()
    connection = world.connection(world.organization(), world.organization())
    with pytest.raises(InvalidValue) as refused:
        await world.workflows.create(
            world.organization(), "w", True, TRIGGER, share_action(connection.id)
        )
    assert refused.value.field == "action/connection-id"


async def test_a_trigger_the_action_cannot_act_on_is_invalid() -> None:
    world = World()
    source = world.organization()
    connection = world.connection(source, world.organization())
    wrong = WorkflowTrigger(event="connect/share-token.inbound-created")
    with pytest.raises(InvalidValue) as refused:
        await world.workflows.create(source, "w", True, wrong, share_action(connection.id))
    assert refused.value.field == "trigger/event"


async def test_a_rename_does_not_recheck_a_connection_that_ended() -> None:
    world = World()
    source = world.organization()
    connection = world.connection(source, world.organization())
    workflow = await world.workflows.create(source, "w", True, TRIGGER, share_action(connection.id))
    ended = connection.model_copy(update={"status": "inactive"})
    world.entities.apply(connection_state(ended))
    renamed = await world.workflows.update(source, workflow.id, WorkflowChanges(name="x"))
    assert renamed.name == "x"


async def test_delete_hides_the_workflow_and_a_stale_delete_loses() -> None:
    world = World()
    source = world.organization()
    connection = world.connection(source, world.organization())
    workflow = await world.workflows.create(source, "w", True, TRIGGER, share_action(connection.id))
    read = await world.entities.read(type(workflow), workflow.id, "wfl_")
    assert read is not None
    await world.workflows.delete(source, workflow.id)
    with pytest.raises(NotVisible):
        await world.workflows.get(source, workflow.id)
    with pytest.raises(LostRace) as lost:
        await world.entities.put_if(StateRecord.tombstone(workflow.id), read.version, noun="w")
    assert lost.value.meta == {"status": "deleted"}


async def test_listing_shows_only_the_callers_workflows() -> None:
    world = World()
    source, other = world.organization(), world.organization()
    connection = world.connection(source, world.organization())
    mine = await world.workflows.create(source, "w", True, TRIGGER, share_action(connection.id))
    assert (await world.workflows.listing(source, PageRequest())).ids == [mine.id]
    assert (await world.workflows.listing(other, PageRequest())).ids == []
