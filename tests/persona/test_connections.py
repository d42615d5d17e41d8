"""Connections in Persona mode: Persona's example body accepted, every answer in its shape."""

from __future__ import annotations

import pytest

from tests.persona.conftest import Connected
from tests.persona.spec import (
    CONNECTION_ATTRIBUTES,
    CONNECTION_DOCUMENT,
    LIST_DOCUMENT,
    assert_connection,
    assert_error,
    assert_headers,
)

pytestmark = pytest.mark.e2e

CONNECTIONS = "/connect/connections"


async def test_create_with_persona_example_body_answers_persona_connection(side: object) -> None:
    source, destination = side("cxn-source"), side("cxn-destination")  # type: ignore[operator]
    body = {"data": {"attributes": {"destination-organization-id": destination.id}}}
    created = await source.persona.post(CONNECTIONS, body)
    assert created.status == 201, created.body
    assert set(created.body) == CONNECTION_DOCUMENT
    connection = created.data
    assert_connection(connection)
    assert set(connection["attributes"]) == CONNECTION_ATTRIBUTES
    assert connection["attributes"]["status"] == "pending"
    assert connection["attributes"]["source-organization-id"] == source.id
    assert connection["attributes"]["destination-organization-id"] == destination.id
    assert connection["relationships"] == {
        "creator": {"data": {"type": "api-key", "id": source.key_id}}
    }
    assert_headers(created.headers, source.id)


async def test_retrieve_list_actions_and_sharing_answer_persona_connections(
    connected: Connected,
) -> None:
    path = f"{CONNECTIONS}/{connected.connection_id}"
    for side in (connected.source, connected.destination):
        one = await side.persona.get(path)
        assert one.status == 200
        assert set(one.body) == CONNECTION_DOCUMENT
        assert_connection(one.data)
        assert one.data["attributes"]["status"] == "active"
    listed = await connected.destination.persona.get(CONNECTIONS)
    assert set(listed.body) == LIST_DOCUMENT
    assert connected.connection_id in [c["id"] for c in listed.data]
    for connection in listed.data:
        assert_connection(connection)
    sharing = {"data": {"attributes": {"sharing-settings": {"ssn": "none"}}}}
    patched = await connected.source.persona.patch(path, sharing)
    assert patched.status == 200, patched.body
    assert_connection(patched.data)  # sharing-settings is Connect's: not in Persona's object
    deactivated = await connected.destination.persona.post(f"{path}/deactivate")
    assert deactivated.status == 200
    assert_connection(deactivated.data)
    assert deactivated.data["attributes"]["status"] == "inactive"
    stored = await connected.source.connect.get(path)
    assert stored.data["attributes"]["sharing-settings"] == {"ssn": "none"}


async def test_refusals_carry_only_the_members_persona_allows(connected: Connected) -> None:
    path = f"{CONNECTIONS}/{connected.connection_id}"
    forbidden = await connected.destination.persona.post(f"{path}/reactivate")
    assert forbidden.status in (403, 409)
    assert_error(forbidden.body, forbidden.status)
    missing = await connected.source.persona.get(f"{CONNECTIONS}/cxn_doesnotexist000000000000")
    assert missing.status == 404
    assert_error(missing.body, 404)
    invalid = await connected.source.persona.post(
        CONNECTIONS, {"data": {"attributes": {"destination-organization-id": connected.source.id}}}
    )
    assert invalid.status == 422
    item = assert_error(invalid.body, 422)
    assert item["source"] == {"pointer": "/data/attributes/destination-organization-id"}
    unknown = await connected.source.persona.post(
        CONNECTIONS,
        {
            "data": {
                "attributes": {
                    "destination-organization-id": connected.destination.id,
                    "scopes": ["inquiry.read"],
                }
            }
        },
    )
    assert unknown.status == 400
    assert_error(unknown.body, 400)
