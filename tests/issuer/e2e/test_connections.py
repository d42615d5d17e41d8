"""Connections through the gateway (contract section 2.1)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Org, Pair, all_ids, attrs, events_for
from tests.support.kafka import TopicRecorder

pytestmark = pytest.mark.e2e

CONNECTIONS = "/connect/connections"


async def connect(source: Org, destination: Org) -> dict[str, Any]:
    reply = await source.api.post(
        CONNECTIONS, json=attrs(destination_organization_id=destination.id)
    )
    assert reply.status == 201, reply.body
    return dict(reply.data)


async def test_connection_lifecycle_pending_active_inactive_pending(new_org: Any) -> None:
    source, destination = new_org("src"), new_org("dst")
    created = await connect(source, destination)
    cxn = created["id"]
    assert cxn.startswith("cxn_")
    assert created["attributes"]["status"] == "pending"
    assert created["attributes"]["source-organization-id"] == source.id
    assert created["attributes"]["destination-organization-id"] == destination.id
    assert created["attributes"]["sharing-settings"] == {}
    accepted = await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")
    assert accepted.data["attributes"]["status"] == "active"
    deactivated = await destination.api.post(f"{CONNECTIONS}/{cxn}/deactivate")
    assert deactivated.data["attributes"]["status"] == "inactive"
    reactivated = await source.api.post(f"{CONNECTIONS}/{cxn}/reactivate")
    assert reactivated.data["attributes"]["status"] == "pending"
    assert (await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")).status == 200
    assert (await source.api.post(f"{CONNECTIONS}/{cxn}/deactivate")).status == 200
    seen_by_destination = await destination.api.get(f"{CONNECTIONS}/{cxn}")
    assert seen_by_destination.data["attributes"]["status"] == "inactive"


async def test_wrong_side_actions_are_403_and_wrong_state_409(new_org: Any) -> None:
    source, destination = new_org("src"), new_org("dst")
    cxn = (await connect(source, destination))["id"]
    assert (await source.api.post(f"{CONNECTIONS}/{cxn}/accept")).status == 403
    assert (await source.api.post(f"{CONNECTIONS}/{cxn}/reactivate")).status == 409
    sharing = attrs(sharing_settings={"ssn": "none"})
    assert (await destination.api.patch(f"{CONNECTIONS}/{cxn}", json=sharing)).status == 403
    await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")
    assert (await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")).status == 409
    await source.api.post(f"{CONNECTIONS}/{cxn}/deactivate")
    assert (await destination.api.post(f"{CONNECTIONS}/{cxn}/reactivate")).status == 403
    assert (await source.api.post(f"{CONNECTIONS}/{cxn}/deactivate")).status == 409


async def test_another_organization_gets_404_on_every_connection_route(
    pair: Pair, outsider: Org
) -> None:
    cxn = pair.connection_id
    api = outsider.api
    assert (await api.get(f"{CONNECTIONS}/{cxn}")).status == 404
    patch = attrs(sharing_settings={"ssn": "none"})
    assert (await api.patch(f"{CONNECTIONS}/{cxn}", json=patch)).status == 404
    for action in ("accept", "deactivate", "reactivate"):
        assert (await api.post(f"{CONNECTIONS}/{cxn}/{action}")).status == 404, action
    assert cxn not in await all_ids(api, CONNECTIONS)
    status = (await pair.source.api.get(f"{CONNECTIONS}/{cxn}")).data["attributes"]["status"]
    assert status == "active"


@pytest.mark.parametrize(
    ("destination", "status", "pointer"),
    [
        ("self", 422, "/data/attributes/destination-organization-id"),
        ("org_doesnotexist000", 422, "/data/attributes/destination-organization-id"),
        ("acme", 422, "/data/attributes/destination-organization-id"),
        (None, 400, "/data/attributes/destination-organization-id"),
        (..., 422, "/data/attributes/destination-organization-id"),
    ],
)
async def test_refused_connection_creation_writes_nothing(
    new_org: Any, events: TopicRecorder, destination: Any, status: int, pointer: str
) -> None:
    source = new_org("src")
    before = await all_ids(source.api, CONNECTIONS)
    values = {} if destination is ... else {"destination_organization_id": destination}
    if destination == "self":
        values["destination_organization_id"] = source.id
    reply = await source.api.post(CONNECTIONS, json=attrs(**values))
    assert reply.status == status, reply.body
    assert reply.error_pointer == pointer
    assert await events_for(events, {source.id}) == []
    assert await all_ids(source.api, CONNECTIONS) == before


async def test_lists_show_both_sides_with_filters(new_org: Any) -> None:
    hub, a, b = new_org("hub"), new_org("a"), new_org("b")
    to_a = (await connect(hub, a))["id"]
    to_b = (await connect(hub, b))["id"]
    from_a = (await connect(a, hub))["id"]
    await a.api.post(f"{CONNECTIONS}/{to_a}/accept")
    assert await all_ids(hub.api, CONNECTIONS) == [from_a, to_b, to_a]
    assert await all_ids(a.api, CONNECTIONS) == [from_a, to_a]
    active = await all_ids(hub.api, CONNECTIONS, **{"filter[status]": "active"})
    assert active == [to_a]
    to_b_only = await all_ids(hub.api, CONNECTIONS, **{"filter[destination-organization-id]": b.id})
    assert to_b_only == [to_b]
    page = await hub.api.get(CONNECTIONS, params={"page[size]": "1"})
    assert [c["id"] for c in page.data] == [from_a]
    assert page.body["links"]["next"].endswith(f"page[after]={from_a}")


async def test_sharing_settings_merge_and_refuse_unknown_levels(pair: Pair) -> None:
    path = f"{CONNECTIONS}/{pair.connection_id}"
    first = await pair.source.api.patch(path, json=attrs(sharing_settings={"ssn": "none"}))
    assert first.data["attributes"]["sharing-settings"] == {"ssn": "none"}
    second = await pair.source.api.patch(
        path, json=attrs(sharing_settings={"birthdate": "presence"})
    )
    assert second.data["attributes"]["sharing-settings"] == {
        "ssn": "none",
        "birthdate": "presence",
    }
    bad = await pair.source.api.patch(path, json=attrs(sharing_settings={"ssn": "partly"}))
    assert bad.status == 422
    assert bad.error_pointer == "/data/attributes/sharing-settings/ssn"


async def test_connection_changes_are_announced_to_both_sides(
    new_org: Any, events: TopicRecorder
) -> None:
    source, destination = new_org("src"), new_org("dst")
    cxn = (await connect(source, destination))["id"]
    await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")
    found = await events_for(events, {source.id, destination.id})
    pairs = sorted(
        (m["data"]["attributes"]["name"], m["data"]["attributes"]["organization-id"]) for m in found
    )
    assert pairs == sorted(
        [
            ("connect/connection.created", source.id),
            ("connect/connection.created", destination.id),
            ("connect/connection.activated", source.id),
            ("connect/connection.activated", destination.id),
        ]
    )
