"""Share tokens in Persona mode: every answer exactly as Persona 2025-12-08 declares it."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote

import pytest

from tests.persona.conftest import Connected
from tests.persona.spec import (
    LIST_DOCUMENT,
    ONE_DOCUMENT,
    SHARE_TOKEN_ATTRIBUTES,
    SOURCE_DATA_MEMBERS,
    assert_error,
    assert_headers,
    assert_share_token,
)

pytestmark = pytest.mark.e2e

TOKENS = "/connect/share-tokens"


async def test_created_token_has_exactly_persona_members_and_a_creator(
    connected: Connected,
) -> None:
    created = await connected.issue()
    assert created.status == 201, created.body
    assert set(created.body) <= ONE_DOCUMENT
    token = created.data
    assert_share_token(token)
    attributes = token["attributes"]
    assert set(attributes) == SHARE_TOKEN_ATTRIBUTES
    assert attributes["status"] == "created"
    assert attributes["direction"] == "outbound"
    assert attributes["failed-at"] is None and attributes["failure-reason"] is None
    assert attributes["source-id"] == connected.inquiry_id
    assert attributes["destination-id"] is None
    assert attributes["pending-at"] is None and attributes["redeemed-at"] is None
    assert attributes["expired-at"] is None
    relationships = token["relationships"]
    assert relationships["creator"] == {"data": {"type": "api-key", "id": connected.source.key_id}}
    assert relationships["source"] == {"data": {"type": "inquiry", "id": connected.inquiry_id}}
    assert relationships["connection"] == {
        "data": {"type": "connect/connection", "id": connected.connection_id}
    }
    assert relationships["destination"] == {"data": None}
    assert_headers(created.headers, connected.source.id)


async def test_retrieve_and_list_answer_persona_shapes_with_encoded_links(
    connected: Connected,
) -> None:
    first = (await connected.issue()).data["id"]
    second = (await connected.issue()).data["id"]
    for side in (connected.source, connected.destination):
        one = await side.persona.get(f"{TOKENS}/{first}")
        assert one.status == 200
        assert set(one.body) <= ONE_DOCUMENT
        assert_share_token(one.data)
        assert_headers(one.headers, side.id)
    page = await connected.source.persona.get(TOKENS, params={"page[size]": "1"})
    assert page.status == 200
    assert set(page.body) == LIST_DOCUMENT
    assert set(page.body["links"]) == {"prev", "next"}
    assert [t["id"] for t in page.data] == [second]
    for token in page.data:
        assert_share_token(token)
    next_link = page.body["links"]["next"]
    assert next_link.startswith("/api/v1/connect/share-tokens?")
    assert "page%5Bafter%5D=" in next_link and "[" not in next_link
    assert page.body["links"]["prev"] is None
    following = await connected.source.persona.get(f"http://{_gateway()}{next_link}")
    assert [t["id"] for t in following.data] == [first]
    assert unquote(following.body["links"]["prev"]).endswith(f"page[before]={first}")


def _gateway() -> str:
    from tests.support.ports import GATEWAY_URL

    return GATEWAY_URL.removeprefix("http://")


async def test_peek_is_persona_source_data_with_peekable_attributes(
    connected: Connected,
) -> None:
    settings = {
        "data": {"attributes": {"sharing-settings": {"ssn": "none", "birthdate": "presence"}}}
    }
    patched = await connected.source.connect.patch(
        f"/connect/connections/{connected.connection_id}", settings
    )
    assert patched.status == 200, patched.body
    token_id = (await connected.issue()).data["id"]
    peek = await connected.destination.persona.get(
        f"{TOKENS}/{token_id}", params={"peek-source-data": "true"}
    )
    assert peek.status == 200, peek.body
    assert_share_token(peek.data)
    source_data = peek.data["attributes"]["source-data"]
    assert set(source_data) == SOURCE_DATA_MEMBERS
    assert source_data["type"] == "connect/source-data/inquiry"
    assert source_data["id"] == connected.inquiry_id
    assert source_data["peekable-attributes"] == {
        "fields": {
            "name-first": {"visibility": "full", "value": "Ada"},
            "birthdate": {"visibility": "presence", "value": True},
        }
    }


async def test_expire_answers_persona_token_with_expired_at_and_409_after(
    connected: Connected,
) -> None:
    token_id = (await connected.issue()).data["id"]
    expired = await connected.source.persona.post(f"{TOKENS}/{token_id}/expire")
    assert expired.status == 200, expired.body
    assert_share_token(expired.data)
    attributes = expired.data["attributes"]
    assert attributes["status"] == "expired"
    assert attributes["expired-at"] is not None
    assert attributes["expired-at"] <= attributes["expires-at"]
    again = await connected.source.persona.post(f"{TOKENS}/{token_id}/expire")
    assert again.status == 409
    item = assert_error(again.body, 409)
    assert item["meta"]["status"] == "expired"


async def test_transaction_and_verification_sources_use_persona_relationship_types(
    connected: Connected,
) -> None:
    for collection, kind in (("/transactions", "txn"), ("/verifications", "verification")):
        made = await connected.source.connect.post(
            collection, {"data": {"attributes": {"fields": {"amount": 5}}}}
        )
        assert made.status == 201, made.body
        token = await connected.issue(source_id=made.data["id"])
        assert token.status == 201, token.body
        assert token.data["relationships"]["source"]["data"] == {
            "type": kind,
            "id": made.data["id"],
        }


async def test_connect_meta_carries_connects_additions_on_request(
    connected: Connected,
) -> None:
    token_id = (await connected.issue()).data["id"]
    plain = await connected.source.persona.get(f"{TOKENS}/{token_id}")
    assert "meta" not in plain.body
    extended = await connected.source.persona.get(
        f"{TOKENS}/{token_id}", headers={"Connect-Meta": "true"}
    )
    assert extended.status == 200
    additions = extended.body["meta"]["connect"][token_id]
    assert additions["connection-id"] == connected.connection_id
    assert additions["source-organization-id"] == connected.source.id
    assert additions["destination-organization-id"] == connected.destination.id


async def test_without_the_header_the_connect_shape_stays_and_grows_a_creator(
    connected: Connected,
) -> None:
    created = await connected.issue()
    token_id = created.data["id"]
    plain: Any = await connected.source.connect.get(f"{TOKENS}/{token_id}")
    attributes = plain.data["attributes"]
    assert attributes["direction"] == "outbound"
    assert attributes["connection-id"] == connected.connection_id
    assert "source-id" not in attributes
    assert plain.data["relationships"]["creator"]["data"]["id"] == connected.source.key_id
    assert_headers(plain.headers, connected.source.id)


async def test_include_in_persona_mode_answers_an_empty_included(connected: Connected) -> None:
    token_id = (await connected.issue()).data["id"]
    for include in ("", "connection"):
        reply = await connected.source.persona.get(
            f"{TOKENS}/{token_id}", params={"include": include}
        )
        assert reply.status == 200, reply.body
        assert reply.body["included"] == []
        assert_share_token(reply.data)


async def test_redeem_answers_a_pending_persona_token_then_redeemed_with_destination(
    connected: Connected,
) -> None:
    token_id = (await connected.issue()).data["id"]
    redeemed = await connected.destination.persona.post(f"{TOKENS}/{token_id}/redeem")
    assert redeemed.status == 202, redeemed.body
    assert_share_token(redeemed.data)
    assert redeemed.data["attributes"]["status"] == "pending"
    assert redeemed.data["attributes"]["direction"] == "inbound"
    async with asyncio.timeout(30):
        while True:
            final = await connected.destination.persona.get(f"{TOKENS}/{token_id}")
            if final.data["attributes"]["status"] != "pending":
                break
            await asyncio.sleep(0.2)
    assert_share_token(final.data)
    attributes = final.data["attributes"]
    assert attributes["status"] == "redeemed"
    assert attributes["redeem-mode"] == "clone"
    destination = final.data["relationships"]["destination"]["data"]
    assert destination["type"] == "inquiry"
    assert attributes["destination-id"] == destination["id"]
    assert final.data["relationships"]["creator"]["data"]["id"] == connected.source.key_id


async def test_key_inflection_renames_persona_members_but_never_field_names(
    connected: Connected,
) -> None:
    token_id = (await connected.issue()).data["id"]
    peek = await connected.destination.persona.get(
        f"{TOKENS}/{token_id}",
        params={"peek-source-data": "true"},
        headers={"Key-Inflection": "camel"},
    )
    assert peek.status == 200, peek.body
    attributes = peek.data["attributes"]
    assert attributes["sourceId"] == connected.inquiry_id
    source_data = attributes["sourceData"]
    assert set(source_data) == {"type", "id", "peekableAttributes"}
    fields = source_data["peekableAttributes"]["fields"]
    assert fields["name-first"] == {"visibility": "full", "value": "Ada"}
