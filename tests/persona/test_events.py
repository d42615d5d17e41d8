"""``GET /events`` and ``GET /events/{id}`` in Persona mode: Persona's event object."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.persona.conftest import Connected
from tests.persona.spec import LIST_DOCUMENT, ONE_DOCUMENT, assert_event, assert_share_token
from tests.support.api import ApiClient

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


async def _events_of(api: ApiClient, params: dict[str, str], count: int) -> list[Any]:
    """The listed events once ``count`` of them are there (the view is filled asynchronously)."""
    async with asyncio.timeout(30):
        while True:
            listed = await api.get("/events", params=params)
            assert listed.status == 200, listed.body
            if len(listed.data) >= count:
                return list(listed.data)
            await asyncio.sleep(0.2)


async def test_persona_mode_filters_take_comma_separated_names_object_ids_and_ids(
    connected: Connected,
) -> None:
    first = (await connected.issue()).data["id"]
    second = (await connected.issue()).data["id"]
    api = connected.source.persona
    both = await _events_of(api, {"filter[object-id]": f"{first},{second}"}, 2)
    event_of = {e["attributes"]["payload"]["data"]["id"]: e["id"] for e in both}
    assert set(event_of) == {first, second}
    names = "connect/share-token.outbound-created,connect/connection.created"
    named = await _events_of(api, {"filter[name]": names, "page[size]": "100"}, 3)
    assert {e["attributes"]["name"] for e in named} == set(names.split(","))
    by_id = await api.get("/events", params={"filter[id]": ",".join(event_of.values())})
    assert by_id.status == 200
    assert {e["id"] for e in by_id.data} == set(event_of.values())
    crossed = {"filter[id]": event_of[first], "filter[object-id]": second}
    assert (await api.get("/events", params=crossed)).data == []
    matched = {"filter[id]": event_of[second], "filter[object-id]": second}
    assert [e["id"] for e in (await api.get("/events", params=matched)).data] == [event_of[second]]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("filter[name]", "connect/share-token.outbound-created,no.such-event"),
        ("filter[object-id]", "cnst_ok,not an id"),
        ("filter[id]", "cnst_notanevent"),
        ("filter[id]", ",,"),
    ],
)
async def test_persona_mode_refuses_a_bad_list_value_naming_the_filter(
    connected: Connected, parameter: str, value: str
) -> None:
    answer = await connected.source.persona.get("/events", params={parameter: value})
    assert answer.status == 400, answer.body
    assert answer.body["errors"][0]["meta"]["parameter"] == parameter


async def test_connect_mode_keeps_single_valued_filters_and_no_filter_id(
    connected: Connected,
) -> None:
    token_id = (await connected.issue()).data["id"]
    api = connected.source.connect
    listed = await api.get("/events", params={"filter[object-id]": f"{token_id},{token_id}"})
    assert listed.status == 400
    unknown = await api.get("/events", params={"filter[id]": "evt_abc"})
    assert unknown.status == 400
