"""User data is data (contract section 2): keys and values inside ``fields``, sharing settings,
workflow filters and peeks are stored and returned exactly as sent, in every Key-Inflection, on
both ingest paths (HTTP and ``connect.source-events``) and in copies; integers of any size
round-trip exactly; documents nested deeper than 32 levels are refused, never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from connect_shared import jsonutil
from tests.issuer.helpers import Org, Pair, RawRecorder, produce
from tests.redeemer.e2e.world import connected_pair, share, verify_copy, wait_finished
from tests.redeemer.e2e.world import jwks as fetch_jwks
from tests.support.ingest import ingest_key_for, produce_raw, signed_headers
from tests.support.kafka import TopicRecorder, event_named
from tests.support.ports import GATEWAY_URL

pytestmark = pytest.mark.e2e

SOURCE_EVENTS = "connect.source-events"
DLQ = "connect.source-events.dlq"
BIG = 123456789012345678901234567890
# Keys a kebab-casing or inflecting layer would rewrite, merge or drop.
AWKWARD_FIELDS: dict[str, Any] = {
    "name_first": "Ada",
    "name-first": "Augusta",
    "nameFirst": "A.",
    "DOB": "1815-12-10",
    "Address_Street-1": {"Line_One": "12 St James's Sq", "postCode": "SW1"},
    "big": BIG,
    "negative-big": -BIG,
    "list": [BIG, {"Inner_Key": 2**70}],
}


def unique_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def nested(depth: int) -> Any:
    """A value of exactly ``depth`` nested objects."""
    value: Any = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def inquiry_body(fields: Any) -> dict[str, Any]:
    """A ``POST /inquiries`` body: 3 levels (body, data, attributes) around ``fields``."""
    return {"data": {"attributes": {"fields": fields}}}


async def post_raw(org: Org, path: str, body: bytes, **headers: str) -> tuple[int, Any]:
    """POST exact bytes (no client-side JSON encoding in the way)."""
    reply = await org.api.post(
        path, data=body, headers={"Content-Type": "application/json", **headers}
    )
    return reply.status, reply.body


@pytest.fixture
async def dead_letters() -> AsyncIterator[RawRecorder]:
    recorder = RawRecorder(DLQ)
    await recorder.start()
    yield recorder
    await recorder.stop()


# --- HTTP ------------------------------------------------------------------------------------


async def test_fields_keys_and_big_integers_are_kept_exactly_on_create_and_read(
    new_org: Any,
) -> None:
    owner: Org = new_org("verbatim")
    created = await owner.api.post("/inquiries", json=inquiry_body(AWKWARD_FIELDS))
    assert created.status == 201, created.body
    assert created.data["attributes"]["fields"] == AWKWARD_FIELDS
    read = await owner.api.get(f"/inquiries/{created.data['id']}")
    assert read.data["attributes"]["fields"] == AWKWARD_FIELDS
    listed = await owner.api.get("/inquiries")
    assert listed.data[0]["attributes"]["fields"] == AWKWARD_FIELDS


async def test_a_30_digit_integer_is_written_as_the_same_digits(new_org: Any) -> None:
    owner: Org = new_org("digits")
    status, body = await post_raw(
        owner,
        "/inquiries",
        b'{"data":{"attributes":{"fields":{"n":123456789012345678901234567890}}}}',
    )
    assert status == 201, body
    reply = await owner.api.session.get(
        f"{GATEWAY_URL}/api/v1/inquiries/{body['data']['id']}",
        headers={"Authorization": f"Bearer {owner.key}"},
    )
    assert b'"n":123456789012345678901234567890' in await reply.read()


@pytest.mark.parametrize(
    ("style", "reference"), [("camel", "referenceId"), ("snake", "reference_id")]
)
async def test_key_inflection_renames_attributes_but_never_fields_keys(
    new_org: Any, style: str, reference: str
) -> None:
    owner: Org = new_org("inflect")
    body = {"data": {"attributes": {"reference-id": "r1", "fields": AWKWARD_FIELDS}}}
    created = await owner.api.post("/inquiries", json=body, headers={"Key-Inflection": style})
    assert created.status == 201, created.body
    read = await owner.api.get(
        f"/inquiries/{created.data['id']}", headers={"Key-Inflection": style}
    )
    for reply in (created, read):
        attributes = reply.data["attributes"]
        assert attributes[reference] == "r1"
        assert attributes["fields"] == AWKWARD_FIELDS


async def test_camel_case_request_member_names_are_accepted_with_fields_kept(
    new_org: Any,
) -> None:
    owner: Org = new_org("camel-in")
    body = {"data": {"attributes": {"referenceId": "r2", "fields": {"name_first": "Ada"}}}}
    created = await owner.api.post("/inquiries", json=body)
    assert created.status == 201, created.body
    assert created.data["attributes"]["reference-id"] == "r2"
    assert created.data["attributes"]["fields"] == {"name_first": "Ada"}


async def test_one_member_in_two_inflections_is_400_not_a_silent_pick(new_org: Any) -> None:
    owner: Org = new_org("twice")
    body = {"data": {"attributes": {"reference_id": "a", "reference-id": "b"}}}
    reply = await owner.api.post("/inquiries", json=body)
    assert reply.status == 400
    assert reply.error_pointer == "/data/attributes/reference-id"
    assert (await owner.api.get("/inquiries")).data == []


@pytest.mark.parametrize("style", ["kebab", "camel", "snake"])
async def test_sharing_settings_keys_are_kept_exactly(pair: Pair, style: str) -> None:
    settings = {"name_first": "none", "DOB": "presence", "Address-Line_1": "full"}
    reply = await pair.source.api.patch(
        f"/connect/connections/{pair.connection_id}",
        json={"data": {"attributes": {"sharing-settings": settings}}},
        headers={"Key-Inflection": style},
    )
    assert reply.status == 200, reply.body
    name = {"kebab": "sharing-settings", "camel": "sharingSettings", "snake": "sharing_settings"}
    assert reply.data["attributes"][name[style]] == settings
    read = await pair.destination.api.get(
        f"/connect/connections/{pair.connection_id}", headers={"Key-Inflection": style}
    )
    assert read.data["attributes"][name[style]] == settings


@pytest.mark.parametrize("style", ["camel", "snake"])
async def test_peeked_source_data_keys_are_kept_exactly(
    org_factory: Any, client: Any, style: str
) -> None:
    world = await connected_pair(org_factory, client)
    created = await world.source.post("/inquiries", inquiry_body(AWKWARD_FIELDS))
    token_id = await share(world, created.data["id"])
    peek = await world.destination.get(
        f"/connect/share-tokens/{token_id}?peek-source-data=true",
        headers={"Key-Inflection": style},
    )
    assert peek.status == 200, peek.body
    name = "sourceData" if style == "camel" else "source_data"
    assert peek.data["attributes"][name] == AWKWARD_FIELDS


async def test_workflow_filters_are_kept_exactly(pair: Pair) -> None:
    trigger = {"event": "inquiry.completed", "filter": {"Status": "completed", "big": BIG}}
    action = {"type": "create-share-token", "connection-id": pair.connection_id}
    body = {"data": {"attributes": {"name": "w", "trigger": trigger, "action": action}}}
    created = await pair.source.api.post("/workflows", json=body)
    assert created.status == 201, created.body
    read = await pair.source.api.get(
        f"/workflows/{created.data['id']}", headers={"Key-Inflection": "snake"}
    )
    assert read.data["attributes"]["trigger"] == trigger
    assert read.data["attributes"]["action"]["connection_id"] == pair.connection_id


async def test_a_clone_copies_fields_keys_and_big_integers_exactly(
    org_factory: Any, client: Any
) -> None:
    world = await connected_pair(org_factory, client)
    created = await world.source.post("/inquiries", inquiry_body(AWKWARD_FIELDS))
    token_id = await share(world, created.data["id"])
    redeemed = await world.destination.post(f"/connect/share-tokens/{token_id}/redeem")
    assert redeemed.status == 202, redeemed.body
    token = await wait_finished(world.destination, token_id)
    assert token["attributes"]["status"] == "redeemed", token
    copy_id = token["relationships"]["destination"]["data"]["id"]
    copy = await world.destination.get(f"/inquiries/{copy_id}")
    assert copy.data["attributes"]["fields"] == AWKWARD_FIELDS
    verify_copy(copy.data, await fetch_jwks(world.destination))


async def test_events_carry_fields_exactly(new_org: Any, events: TopicRecorder) -> None:
    owner: Org = new_org("event-fields")
    body = {"data": {"attributes": {"status": "completed", "fields": AWKWARD_FIELDS}}}
    created = await owner.api.post("/inquiries", json=body)
    assert created.status == 201, created.body

    def about_it(message: dict[str, Any]) -> bool:
        payload = message.get("data", {}).get("attributes", {}).get("payload") or {}
        return bool((payload.get("data") or {}).get("id") == created.data["id"])

    found = await events.wait_for(about_it)
    payload = found[0]["data"]["attributes"]["payload"]
    assert payload["data"]["attributes"]["fields"] == AWKWARD_FIELDS


async def test_a_body_32_levels_deep_is_accepted_and_33_is_422(new_org: Any) -> None:
    owner: Org = new_org("depth")
    accepted = await owner.api.post("/inquiries", json=inquiry_body(nested(29)))
    assert accepted.status == 201, accepted.body
    assert accepted.data["attributes"]["fields"] == nested(29)
    refused = await owner.api.post("/inquiries", json=inquiry_body(nested(30)))
    assert refused.status == 422, refused.body
    assert refused.error_pointer == "/data/attributes/fields" + "/a" * 29
    assert [o["id"] for o in (await owner.api.get("/inquiries")).data] == [accepted.data["id"]]


@pytest.mark.parametrize("depth", [500, 5000])
async def test_a_hostile_deep_body_is_422_not_500(new_org: Any, depth: int) -> None:
    owner: Org = new_org("deeper")
    body = b'{"data":{"attributes":{"fields":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}}}"
    status, reply = await post_raw(owner, "/inquiries", body)
    assert status == 422, reply
    assert "deeper than 32" in reply["errors"][0]["details"]


async def test_an_integer_too_long_to_keep_is_422_naming_the_field(new_org: Any) -> None:
    owner: Org = new_org("long-int")
    body = b'{"data":{"attributes":{"fields":{"huge":' + b"9" * 5000 + b"}}}}"
    status, reply = await post_raw(owner, "/inquiries", body)
    assert status == 422, reply
    assert reply["errors"][0]["source"]["pointer"] == "/data/attributes/fields/huge"


async def test_an_integer_out_of_an_attributes_range_is_422_naming_it(pair: Pair) -> None:
    reply = await pair.issue(expires_in_seconds=BIG)
    assert reply.status == 422, reply.body
    assert reply.error_pointer == "/data/attributes/expires-in-seconds"


# --- connect.source-events -------------------------------------------------------------------


def source_event(org_id: str, inquiry_id: str, fields: Any) -> dict[str, Any]:
    return {
        "name": "inquiry.completed",
        "organization-id": org_id,
        "created-at": "2026-01-02T03:04:05.000Z",
        "payload": {
            "data": {
                "type": "inquiry",
                "id": inquiry_id,
                "attributes": {"status": "completed", "fields": fields},
            },
            "included": [],
        },
    }


async def test_kafka_ingested_fields_are_kept_exactly(new_org: Any, events: TopicRecorder) -> None:
    owner: Org = new_org("kafka-verbatim")
    inq = unique_id("inq_")
    await produce(SOURCE_EVENTS, inq, jsonutil.dumps(source_event(owner.id, inq, AWKWARD_FIELDS)))
    await events.wait_for(event_named("inquiry.completed", **{"organization-id": owner.id}))
    for style in ("kebab", "camel", "snake"):
        read = await owner.api.get(f"/inquiries/{inq}", headers={"Key-Inflection": style})
        assert read.status == 200, read.body
        assert read.data["attributes"]["fields"] == AWKWARD_FIELDS


@pytest.mark.parametrize(
    ("fields_json", "reason_part"),
    [
        (json.dumps(nested(30)).encode(), "deeper than 32"),
        # Deep enough that storing it would fail (orjson writes at most 254 levels): before the
        # limit this message was retried forever and blocked its partition.
        (b'{"a":' * 1000 + b"1" + b"}" * 1000, "deeper than 32"),
        (b'{"huge":' + b"9" * 5000 + b"}", "/payload/data/attributes/fields/huge"),
    ],
    ids=["33-deep", "1000-deep", "5000-digit-integer"],
)
async def test_hostile_source_events_go_to_the_dlq_and_the_partition_moves_on(
    new_org: Any,
    events: TopicRecorder,
    dead_letters: RawRecorder,
    fields_json: bytes,
    reason_part: str,
) -> None:
    owner: Org = new_org("kafka-hostile")
    bad, good = unique_id("inq_"), unique_id("inq_")
    template = jsonutil.dumps(source_event(owner.id, bad, "FIELDS"))
    poisoned = template.replace(b'"FIELDS"', fields_json)
    # Signed by the owner's key explicitly: the helper cannot read the organization out of a
    # message it cannot parse, and an unsigned one would be refused for the wrong reason.
    await produce_raw(
        SOURCE_EVENTS, bad, poisoned, signed_headers(poisoned, ingest_key_for(owner.id))
    )
    await produce(SOURCE_EVENTS, bad, jsonutil.dumps(source_event(owner.id, good, {"a": 1})))
    headers = await dead_letters.wait_for_value(poisoned)
    assert reason_part in headers["connect-dlq-reason"].decode()
    await events.wait_for(event_named("inquiry.completed", **{"organization-id": owner.id}))
    assert (await owner.api.get(f"/inquiries/{good}")).status == 200
    assert (await owner.api.get(f"/inquiries/{bad}")).status == 404


async def test_a_source_event_whose_fields_nest_as_deep_as_a_request_may_is_accepted(
    new_org: Any, events: TopicRecorder
) -> None:
    owner: Org = new_org("kafka-depth")
    inq = unique_id("inq_")
    # fields at depth 5 of the message (4 of the payload document, as in a request body)
    await produce(SOURCE_EVENTS, inq, jsonutil.dumps(source_event(owner.id, inq, nested(29))))
    await events.wait_for(event_named("inquiry.completed", **{"organization-id": owner.id}))
    read = await owner.api.get(f"/inquiries/{inq}")
    assert read.data["attributes"]["fields"] == nested(29)
