"""``include`` and sparse fieldsets on share tokens and connections (both modes)."""

from __future__ import annotations

import pytest

from tests.persona.conftest import Connected
from tests.persona.spec import assert_error, assert_share_token

pytestmark = pytest.mark.e2e

TOKENS = "/connect/share-tokens"


async def test_include_connection_and_source_in_connect_mode(connected: Connected) -> None:
    token_id = (await connected.issue()).data["id"]
    reply = await connected.source.connect.get(
        f"{TOKENS}/{token_id}", params={"include": "connection,source"}
    )
    assert reply.status == 200, reply.body
    included = {(r["type"], r["id"]) for r in reply.body["included"]}
    assert included == {
        ("connect/connection", connected.connection_id),
        ("inquiry", connected.inquiry_id),
    }
    # The destination may not see the source's inquiry: it is simply not included.
    inbound = await connected.destination.connect.get(
        f"{TOKENS}/{token_id}", params={"include": "source"}
    )
    assert inbound.body["included"] == []


async def test_include_of_an_unknown_relationship_is_400_and_writes_nothing(
    connected: Connected,
) -> None:
    before = await connected.source.connect.get(TOKENS)
    refused = await connected.source.persona.post(
        TOKENS,
        {
            "data": {
                "attributes": {
                    "connection-id": connected.connection_id,
                    "source-id": connected.inquiry_id,
                }
            }
        },
        params={"include": "organization"},
    )
    assert refused.status == 400
    assert assert_error(refused.body, 400)["meta"] == {"parameter": "include"}
    after = await connected.source.connect.get(TOKENS)
    assert [t["id"] for t in after.data] == [t["id"] for t in before.data]


async def test_sparse_fieldsets_keep_only_the_named_members_in_both_modes(
    connected: Connected,
) -> None:
    token_id = (await connected.issue()).data["id"]
    fields = {"fields[connect/share-token]": "status,created-at,source"}
    for api in (connected.source.connect, connected.source.persona):
        reply = await api.get(f"{TOKENS}/{token_id}", params=fields)
        assert reply.status == 200, reply.body
        assert set(reply.data["attributes"]) == {"status", "created-at"}
        assert set(reply.data["relationships"]) == {"source"}
    persona_list = await connected.source.persona.get(TOKENS, params={**fields, "page[size]": "1"})
    for token in persona_list.data:
        assert_share_token(token)
        assert set(token["attributes"]) == {"status", "created-at"}


async def test_connection_fieldsets_in_persona_mode(connected: Connected) -> None:
    reply = await connected.source.persona.get(
        f"/connect/connections/{connected.connection_id}",
        params={"fields[connect/connection]": "status"},
    )
    assert reply.data["attributes"] == {"status": "active"}
    assert "relationships" not in reply.data
