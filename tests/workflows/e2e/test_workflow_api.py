"""Workflow definitions over the API: CRUD, enable/disable, refusals with pointers, 404s."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Org
from tests.workflows.world import (
    INBOUND_CREATED,
    Connected,
    create_workflow,
    share_action,
    workflow_doc,
)

pytestmark = pytest.mark.e2e

REDEEM = {"type": "redeem-share-token"}


async def test_workflow_is_created_listed_changed_disabled_and_deleted(
    connected: Connected,
) -> None:
    api = connected.source.api
    doc = workflow_doc(
        "inquiry.completed",
        share_action(connected.connection_id),
        name="share on completion",
        filter={"status": "completed"},
    )
    created = await create_workflow(api, doc)
    assert created["id"].startswith("wfl_")
    attributes = created["attributes"]
    assert attributes["enabled"] is True
    assert attributes["trigger"] == {
        "event": "inquiry.completed",
        "filter": {"status": "completed"},
    }
    assert attributes["action"] == {
        "type": "create-share-token",
        "connection-id": connected.connection_id,
        "expires-in-seconds": 3600,
    }
    second = await create_workflow(
        api, workflow_doc("account.approved", share_action(connected.connection_id))
    )

    page = await api.get("/workflows", params={"page[size]": "1"})
    assert page.status == 200
    assert [w["id"] for w in page.data] == [second["id"]]
    rest = await api.get(page.body["links"]["next"].removeprefix("/api/v1"))
    assert [w["id"] for w in rest.data] == [created["id"]]

    disabled = await api.patch(
        f"/workflows/{created['id']}", {"data": {"attributes": {"enabled": False, "name": "off"}}}
    )
    assert disabled.status == 200, disabled.body
    assert disabled.data["attributes"]["enabled"] is False
    assert disabled.data["attributes"]["name"] == "off"
    assert disabled.data["attributes"]["trigger"] == attributes["trigger"]
    fetched = await api.get(f"/workflows/{created['id']}")
    assert fetched.data["attributes"]["enabled"] is False

    runs = await api.get(f"/workflows/{created['id']}/runs")
    assert runs.status == 200 and runs.data == []

    assert (await api.delete(f"/workflows/{created['id']}")).status == 204
    assert (await api.get(f"/workflows/{created['id']}")).status == 404
    assert [w["id"] for w in (await api.get("/workflows")).data] == [second["id"]]


async def test_redeem_workflow_keeps_hydrate_target_and_field_mappings(
    connected: Connected,
) -> None:
    action = {
        "type": "redeem-share-token",
        "destination-id": "inq_target1",
        "field-mappings": [
            {"source-field-name": "name-first", "destination-field-name": "given-name"}
        ],
    }
    created = await create_workflow(
        connected.destination.api,
        workflow_doc(INBOUND_CREATED, action, filter={"connection-id": connected.connection_id}),
    )
    assert created["attributes"]["action"] == action


def _share(**changes: Any) -> Any:
    """The share action on the test's connection, with ``changes`` (None removes a member)."""

    def make(connection_id: str) -> dict[str, Any]:
        action = {**share_action(connection_id), **changes}
        return {k: v for k, v in action.items() if v is not None}

    return make


def _fixed(action: dict[str, Any]) -> Any:
    return lambda _: action


INVALID = [
    ("inquiry.finished", _share(), "/data/attributes/trigger/event"),
    (INBOUND_CREATED, _share(), "/data/attributes/trigger/event"),
    ("inquiry.completed", _fixed(REDEEM), "/data/attributes/trigger/event"),
    ("inquiry.completed", _fixed({"type": "delete-all"}), "/data/attributes/action/type"),
    ("inquiry.completed", _fixed({}), "/data/attributes/action/type"),
    (
        "inquiry.completed",
        _share(**{"expires-in-seconds": 59}),
        "/data/attributes/action/expires-in-seconds",
    ),
    (
        "inquiry.completed",
        _share(**{"expires-in-seconds": 1_814_401}),
        "/data/attributes/action/expires-in-seconds",
    ),
    (
        "inquiry.completed",
        _share(**{"connection-id": "org_1"}),
        "/data/attributes/action/connection-id",
    ),
    (
        "inquiry.completed",
        _share(**{"connection-id": "cxn_doesnotexist"}),
        "/data/attributes/action/connection-id",
    ),
    (
        "inquiry.completed",
        _share(**{"connection-id": None}),
        "/data/attributes/action/connection-id",
    ),
    (
        INBOUND_CREATED,
        _fixed({**REDEEM, "destination-id": "wbh_123"}),
        "/data/attributes/action/destination-id",
    ),
]


@pytest.mark.parametrize(("trigger", "make_action", "pointer"), INVALID)
async def test_invalid_definition_is_422_with_a_pointer(
    connected: Connected, trigger: Any, make_action: Any, pointer: str
) -> None:
    action = make_action(connected.connection_id)
    reply = await connected.source.api.post("/workflows", workflow_doc(trigger, action))
    assert reply.status == 422, (trigger, action, reply.body)
    assert reply.error_pointer == pointer, (trigger, action, reply.body)
    assert (await connected.source.api.get("/workflows")).data == []


async def test_connection_must_be_the_callers_active_source_side(
    connected: Connected, new_org: Any
) -> None:
    outsider: Org = new_org("outsider")
    pointer = "/data/attributes/action/connection-id"
    doc = workflow_doc("inquiry.completed", share_action(connected.connection_id))
    for org in (outsider, connected.destination):
        reply = await org.api.post("/workflows", doc)
        assert reply.status == 422, reply.body
        assert reply.error_pointer == pointer
    deactivated = await connected.source.api.post(
        f"/connect/connections/{connected.connection_id}/deactivate"
    )
    assert deactivated.status == 200
    reply = await connected.source.api.post("/workflows", doc)
    assert reply.status == 422 and reply.error_pointer == pointer


async def test_unknown_attributes_are_400(connected: Connected) -> None:
    api = connected.source.api
    doc = workflow_doc("inquiry.completed", share_action(connected.connection_id))
    doc["data"]["attributes"]["colour"] = "red"
    reply = await api.post("/workflows", doc)
    assert reply.status == 400 and reply.error_pointer == "/data/attributes/colour"
    doc = workflow_doc("inquiry.completed", {**share_action(connected.connection_id), "x": 1})
    reply = await api.post("/workflows", doc)
    assert reply.status == 400 and reply.error_pointer == "/data/attributes/action/x"


async def test_update_is_checked_like_a_definition(connected: Connected) -> None:
    api = connected.source.api
    created = await create_workflow(
        api, workflow_doc("inquiry.completed", share_action(connected.connection_id))
    )
    reply = await api.patch(
        f"/workflows/{created['id']}",
        {"data": {"attributes": {"action": share_action(connected.connection_id, ttl=10)}}},
    )
    assert reply.status == 422
    assert reply.error_pointer == "/data/attributes/action/expires-in-seconds"
    reply = await api.patch(
        f"/workflows/{created['id']}", {"data": {"attributes": {"trigger": {"event": "nope"}}}}
    )
    assert reply.status == 422 and reply.error_pointer == "/data/attributes/trigger/event"


async def test_other_organizations_workflows_are_404(connected: Connected, new_org: Any) -> None:
    created = await create_workflow(
        connected.source.api,
        workflow_doc("inquiry.completed", share_action(connected.connection_id)),
    )
    path = f"/workflows/{created['id']}"
    for api in (new_org("outsider").api, connected.destination.api):
        assert (await api.get(path)).status == 404
        assert (await api.get(path + "/runs")).status == 404
        patched = await api.patch(path, {"data": {"attributes": {"enabled": False}}})
        assert patched.status == 404
        assert (await api.delete(path)).status == 404
        assert (await api.get("/workflows")).data == []
    assert (await connected.source.api.get(path)).data["attributes"]["enabled"] is True
