"""Share tokens through the gateway (contract section 2.3), against real Kafka and Redis."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.issuer.helpers import Org, Pair, all_ids, attrs, events_for
from tests.support.api import Reply
from tests.support.kafka import TopicRecorder, event_named
from tests.support.ports import GATEWAY_URL, redis_url

pytestmark = pytest.mark.e2e

TOKENS = "/connect/share-tokens"


async def test_token_is_seen_outbound_by_source_and_inbound_by_destination(
    pair: Pair, events: TopicRecorder
) -> None:
    created = await pair.issue(expires_in_seconds=3600)
    assert created.status == 201, created.body
    token = created.data
    assert token["type"] == "connect/share-token"
    assert token["id"].startswith("cnst_")
    assert token["attributes"]["status"] == "created"
    assert token["attributes"]["direction"] == "outbound"
    assert token["relationships"]["source"]["data"] == {"type": "inquiry", "id": pair.inquiry_id}
    assert token["relationships"]["connection"]["data"]["id"] == pair.connection_id
    assert token["relationships"]["destination"]["data"] is None

    outbound = await pair.source.api.get(f"{TOKENS}/{token['id']}")
    inbound = await pair.destination.api.get(f"{TOKENS}/{token['id']}")
    assert outbound.data["attributes"]["direction"] == "outbound"
    assert inbound.data["attributes"]["direction"] == "inbound"
    assert token["id"] in await all_ids(pair.source.api, TOKENS)
    assert token["id"] in await all_ids(pair.destination.api, TOKENS)


async def test_creation_emits_one_event_to_each_side_with_distinct_ids(
    pair: Pair, events: TopicRecorder
) -> None:
    created = await pair.issue()
    token_id = created.data["id"]
    outbound = await events.wait_for(
        event_named("connect/share-token.outbound-created", **{"organization-id": pair.source.id})
    )
    inbound = await events.wait_for(
        event_named(
            "connect/share-token.inbound-created", **{"organization-id": pair.destination.id}
        )
    )
    out_payload = outbound[0]["data"]["attributes"]["payload"]["data"]
    in_payload = inbound[0]["data"]["attributes"]["payload"]["data"]
    assert out_payload["id"] == in_payload["id"] == token_id
    assert out_payload["attributes"]["direction"] == "outbound"
    assert in_payload["attributes"]["direction"] == "inbound"
    assert outbound[0]["data"]["id"] != inbound[0]["data"]["id"]
    assert events.keys[events.messages.index(outbound[0])] == token_id


async def test_default_lifetime_is_fourteen_days(pair: Pair) -> None:
    from datetime import datetime, timedelta

    token = (await pair.issue()).data["attributes"]
    created = datetime.fromisoformat(token["created-at"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(token["expires-at"].replace("Z", "+00:00"))
    assert expires - created == timedelta(days=14)


async def test_another_organization_gets_404_on_every_token_route(
    pair: Pair, outsider: Org
) -> None:
    token_id = (await pair.issue()).data["id"]
    assert (await outsider.api.get(f"{TOKENS}/{token_id}")).status == 404
    assert (await outsider.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")).status == 404
    assert (await outsider.api.post(f"{TOKENS}/{token_id}/expire")).status == 404
    assert token_id not in await all_ids(outsider.api, TOKENS)
    still = await pair.source.api.get(f"{TOKENS}/{token_id}")
    assert still.data["attributes"]["status"] == "created"


async def test_source_expires_created_token_once_then_409(
    pair: Pair, events: TopicRecorder
) -> None:
    token_id = (await pair.issue()).data["id"]
    expired = await pair.source.api.post(f"{TOKENS}/{token_id}/expire")
    assert expired.status == 200, expired.body
    assert expired.data["attributes"]["status"] == "expired"
    again = await pair.source.api.post(f"{TOKENS}/{token_id}/expire")
    assert again.status == 409
    inbound = await pair.destination.api.get(f"{TOKENS}/{token_id}")
    assert inbound.data["attributes"]["status"] == "expired"
    found = await events_for(events, {pair.source.id, pair.destination.id})
    names = sorted(m["data"]["attributes"]["name"] for m in found if "expired" in str(m))
    assert names == [
        "connect/share-token.inbound-expired",
        "connect/share-token.outbound-expired",
    ]


async def test_destination_may_not_expire_a_token(pair: Pair) -> None:
    token_id = (await pair.issue()).data["id"]
    refused = await pair.destination.api.post(f"{TOKENS}/{token_id}/expire")
    assert refused.status == 403
    status = (await pair.source.api.get(f"{TOKENS}/{token_id}")).data["attributes"]["status"]
    assert status == "created"


async def test_concurrent_expires_let_exactly_one_win(pair: Pair) -> None:
    token_id = (await pair.issue()).data["id"]
    replies = await asyncio.gather(
        *(pair.source.api.post(f"{TOKENS}/{token_id}/expire") for _ in range(8))
    )
    assert sorted(r.status for r in replies) == [200] + [409] * 7


async def test_peek_filters_source_data_by_sharing_settings(pair: Pair) -> None:
    settings = {"birthdate": "presence", "ssn": "none", "address-street-1": "presence"}
    patched = await pair.source.api.patch(
        f"/connect/connections/{pair.connection_id}", json=attrs(sharing_settings=settings)
    )
    assert patched.status == 200, patched.body
    token_id = (await pair.issue()).data["id"]
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    assert peek.status == 200
    assert peek.data["attributes"]["source-data"] == {
        "name-first": "Ada",
        "birthdate": True,
        "address-street-1": False,
    }
    plain = await pair.destination.api.get(f"{TOKENS}/{token_id}")
    assert "source-data" not in plain.data["attributes"]


async def test_source_may_not_peek(pair: Pair) -> None:
    token_id = (await pair.issue()).data["id"]
    assert (await pair.source.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")).status == 403


async def test_list_pages_newest_first_with_links_both_ways(pair: Pair) -> None:
    issued = [(await pair.issue()).data["id"] for _ in range(5)]
    newest_first = list(reversed(issued))
    first = await pair.source.api.get(TOKENS, params={"page[size]": "2"})
    assert [t["id"] for t in first.data] == newest_first[:2]
    assert first.body["links"]["prev"] is None
    next_link = first.body["links"]["next"]
    assert next_link.startswith("/api/v1/connect/share-tokens?")
    assert f"page[after]={newest_first[1]}" in next_link
    second = await pair.source.api.get(f"{GATEWAY_URL}{next_link}")
    assert [t["id"] for t in second.data] == newest_first[2:4]
    back = await pair.source.api.get(f"{GATEWAY_URL}{second.body['links']['prev']}")
    assert [t["id"] for t in back.data] == newest_first[:2]
    assert all_listed(await all_ids(pair.source.api, TOKENS), newest_first)


def all_listed(listed: list[str], expected_in_order: list[str]) -> bool:
    positions = [listed.index(i) for i in expected_in_order]
    return positions == sorted(positions)


async def test_list_filters_by_status_direction_and_connection(pair: Pair) -> None:
    kept = (await pair.issue()).data["id"]
    gone = (await pair.issue()).data["id"]
    await pair.source.api.post(f"{TOKENS}/{gone}/expire")
    created = await all_ids(pair.source.api, TOKENS, **{"filter[status]": "created"})
    expired = await all_ids(pair.source.api, TOKENS, **{"filter[status]": "expired"})
    assert kept in created and gone not in created
    assert gone in expired and kept not in expired
    outbound = await all_ids(pair.destination.api, TOKENS, **{"filter[direction]": "outbound"})
    inbound = await all_ids(pair.destination.api, TOKENS, **{"filter[direction]": "inbound"})
    assert kept not in outbound and kept in inbound
    by_connection = await all_ids(
        pair.source.api, TOKENS, **{"filter[connection-id]": pair.connection_id}
    )
    assert set(by_connection) >= {kept, gone}
    assert await all_ids(pair.source.api, TOKENS, **{"filter[connection-id]": "cxn_none"}) == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"page[size]": "0"}, "page[size]"),
        ({"page[size]": "101"}, "page[size]"),
        ({"page[size]": "ten"}, "page[size]"),
        ({"filter[status]": "done"}, "filter[status]"),
        ({"filter[direction]": "sideways"}, "filter[direction]"),
        ({"page[after]": "cnst_unknown"}, "page[after]"),
    ],
)
async def test_bad_list_parameters_are_400_naming_the_parameter(
    pair: Pair, query: dict[str, str], parameter: str
) -> None:
    reply = await pair.source.api.get(TOKENS, params=query)
    assert reply.status == 400
    assert reply.body["errors"][0]["meta"]["parameter"] == parameter


async def test_repeat_post_with_same_idempotency_key_replays_and_creates_nothing(
    pair: Pair, events: TopicRecorder
) -> None:
    headers = {"Idempotency-Key": "issue-once-1"}
    body = attrs(connection_id=pair.connection_id, source_id=pair.inquiry_id)
    first = await pair.source.api.post(TOKENS, json=body, headers=headers)
    before = await all_ids(pair.source.api, TOKENS)
    second = await pair.source.api.post(TOKENS, json=body, headers=headers)
    assert first.status == second.status == 201
    assert second.body == first.body
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert await all_ids(pair.source.api, TOKENS) == before
    created = await events_for(events, {pair.source.id})
    assert len([m for m in created if "outbound-created" in str(m)]) == 1


async def test_same_idempotency_key_with_other_parameters_is_409(pair: Pair) -> None:
    headers = {"Idempotency-Key": "issue-once-2"}
    body = attrs(connection_id=pair.connection_id, source_id=pair.inquiry_id)
    assert (await pair.source.api.post(TOKENS, json=body, headers=headers)).status == 201
    other = attrs(
        connection_id=pair.connection_id, source_id=pair.inquiry_id, expires_in_seconds=600
    )
    reused = await pair.source.api.post(TOKENS, json=other, headers=headers)
    assert reused.status == 409


async def test_every_token_that_got_201_survives_an_issuer_kill(
    pair: Pair, services: dict[str, Any]
) -> None:
    issued = [(await pair.issue()).data["id"] for _ in range(3)]
    services["issuer"].kill()
    services["issuer"].start()
    issued.append((await pair.issue()).data["id"])
    services["issuer"].kill()
    services["issuer"].start()
    listed = await all_ids(pair.source.api, TOKENS)
    assert set(issued) <= set(listed)
    inbound = await all_ids(pair.destination.api, TOKENS)
    assert set(issued) <= set(inbound)


SECRET_SSN = "078-05-1120"
SECRET_BIRTHDATE = "1815-12-10"


async def issue_for_secret_inquiry(pair: Pair, sharing: dict[str, str]) -> str:
    """Set the connection's sharing settings, then share an inquiry holding secret values."""
    patched = await pair.source.api.patch(
        f"/connect/connections/{pair.connection_id}", json=attrs(sharing_settings=sharing)
    )
    assert patched.status == 200, patched.body
    inquiry = await pair.source.api.post(
        "/inquiries",
        json=attrs(fields={"name-first": "Ada", "ssn": SECRET_SSN, "birthdate": SECRET_BIRTHDATE}),
    )
    assert inquiry.status == 201, inquiry.body
    body = {"connection_id": pair.connection_id, "source_id": inquiry.data["id"]}
    token = await pair.source.api.post("/connect/share-tokens", json=attrs(**body))
    assert token.status == 201, token.body
    return str(token.data["id"])


def assert_refused_without_source_data(reply: Reply, status: str, connection_status: str) -> None:
    assert reply.status == 409, reply.body
    assert reply.body["errors"][0]["meta"] == {
        "status": status,
        "connection-status": connection_status,
    }
    assert "data" not in reply.body
    raw = json.dumps(reply.body)
    assert "Ada" not in raw and SECRET_SSN not in raw and SECRET_BIRTHDATE not in raw


async def test_peek_shows_no_value_of_a_field_shared_as_none_or_presence(pair: Pair) -> None:
    token_id = await issue_for_secret_inquiry(pair, {"ssn": "none", "birthdate": "presence"})
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    assert peek.status == 200, peek.body
    assert peek.data["attributes"]["source-data"] == {"name-first": "Ada", "birthdate": True}
    raw = json.dumps(peek.body)
    assert SECRET_SSN not in raw and SECRET_BIRTHDATE not in raw


async def test_peek_with_a_star_default_shows_only_the_fields_named_full(pair: Pair) -> None:
    sharing = {"*": "none", "name-first": "full", "birthdate": "presence"}
    token_id = await issue_for_secret_inquiry(pair, sharing)
    connection = await pair.source.api.get(f"/connect/connections/{pair.connection_id}")
    assert connection.data["attributes"]["sharing-settings"] == sharing
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    assert peek.status == 200, peek.body
    assert peek.data["attributes"]["source-data"] == {"name-first": "Ada", "birthdate": True}
    raw = json.dumps(peek.body)
    assert SECRET_SSN not in raw and SECRET_BIRTHDATE not in raw and '"ssn"' not in raw


async def test_peek_at_a_token_the_source_expired_is_409_without_source_data(pair: Pair) -> None:
    token_id = await issue_for_secret_inquiry(pair, {})
    expired = await pair.source.api.post(f"{TOKENS}/{token_id}/expire")
    assert expired.status == 200, expired.body
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    assert_refused_without_source_data(peek, "expired", "active")
    plain = await pair.destination.api.get(f"{TOKENS}/{token_id}")
    assert plain.status == 200 and "source-data" not in plain.data["attributes"]


async def test_peek_after_the_connection_was_deactivated_is_409_without_source_data(
    pair: Pair,
) -> None:
    token_id = await issue_for_secret_inquiry(pair, {})
    ended = await pair.destination.api.post(f"/connect/connections/{pair.connection_id}/deactivate")
    assert ended.status == 200, ended.body
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    assert_refused_without_source_data(peek, "created", "inactive")
    # Reactivated but not yet accepted again: still no data.
    reopened = await pair.source.api.post(f"/connect/connections/{pair.connection_id}/reactivate")
    assert reopened.status == 200, reopened.body
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    assert_refused_without_source_data(peek, "created", "pending")


async def test_peek_at_a_token_being_redeemed_or_redeemed_is_409_without_source_data(
    pair: Pair,
) -> None:
    token_id = await issue_for_secret_inquiry(pair, {})
    redeemed = await pair.destination.api.post(f"{TOKENS}/{token_id}/redeem")
    assert redeemed.status == 202, redeemed.body
    peek = await pair.destination.api.get(f"{TOKENS}/{token_id}?peek-source-data=true")
    status = peek.body["errors"][0]["meta"]["status"]
    assert status in ("pending", "redeemed")
    assert_refused_without_source_data(peek, status, "active")


async def test_a_retried_create_whose_first_answer_was_lost_gets_the_same_token(
    pair: Pair, events: TopicRecorder
) -> None:
    # An issuer killed after its write landed never keeps its answer (its slot lapses; a
    # FLUSHALL does the same): the retry must find that token, not issue a second one.
    headers = {"Idempotency-Key": "issue-lost-answer"}
    body = attrs(connection_id=pair.connection_id, source_id=pair.inquiry_id)
    first = await pair.source.api.post(TOKENS, json=body, headers=headers)
    assert first.status == 201, first.body
    before = await all_ids(pair.source.api, TOKENS)
    redis = Redis.from_url(redis_url())
    try:
        async for slot in redis.scan_iter(match=f"idem:{pair.source.id}:*"):
            await redis.delete(slot)
    finally:
        await redis.aclose()
    again = await pair.source.api.post(TOKENS, json=body, headers=headers)
    assert again.status == 201, again.body
    assert again.data["id"] == first.data["id"]
    assert await all_ids(pair.source.api, TOKENS) == before
    created = await events_for(events, {pair.source.id})
    assert len([m for m in created if "outbound-created" in str(m)]) == 1
