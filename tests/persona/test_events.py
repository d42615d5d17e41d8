"""``GET /events`` and ``GET /events/{id}`` in Persona mode: Persona's event object."""

from __future__ import annotations

import asyncio

import pytest

from tests.persona.conftest import Connected
from tests.persona.spec import LIST_DOCUMENT, ONE_DOCUMENT, assert_event, assert_share_token

pytestmark = pytest.mark.e2e


async def test_events_answer_persona_event_objects(connected: Connected) -> None:
    token_id = (await connected.issue()).data["id"]
    api = connected.source.persona
    params = {"filter[object-id]": token_id}
    async with asyncio.timeout(30):
        while True:
            listed = await api.get("/events", params=params)
            assert listed.status == 200, listed.body
            if listed.data:
                break
            await asyncio.sleep(0.2)
    assert set(listed.body) == LIST_DOCUMENT
    (event,) = listed.data
    assert_event(event)
    assert event["attributes"]["name"] == "connect/share-token.outbound-created"
    payload_object = event["attributes"]["payload"]["data"]
    assert_share_token(payload_object)
    assert payload_object["attributes"]["source-id"] == connected.inquiry_id

    one = await api.get(f"/events/{event['id']}")
    assert one.status == 200
    assert set(one.body) <= ONE_DOCUMENT
    assert_event(one.data)
    connect_view = await connected.source.connect.get(f"/events/{event['id']}")
    assert connect_view.data["attributes"]["organization-id"] == connected.source.id
    other = await connected.destination.persona.get(f"/events/{event['id']}")
    assert other.status == 404
