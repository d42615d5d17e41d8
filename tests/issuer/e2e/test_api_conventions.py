"""Conventions every issuer route follows (contract section 2): Request-Id, Key-Inflection,
authentication and the public OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Pair, attrs
from tests.support.ports import GATEWAY_URL

pytestmark = pytest.mark.e2e


async def test_every_answer_carries_a_request_id(pair: Pair) -> None:
    ok = await pair.source.api.get("/connect/share-tokens")
    missing = await pair.source.api.get("/connect/share-tokens/cnst_nope")
    assert ok.headers["Request-Id"].startswith("req_")
    assert missing.headers["Request-Id"].startswith("req_")


@pytest.mark.parametrize(
    ("style", "key"), [("camel", "expiresAt"), ("snake", "expires_at"), ("kebab", "expires-at")]
)
async def test_key_inflection_changes_response_attribute_names(
    pair: Pair, style: str, key: str
) -> None:
    created = await pair.issue()
    read = await pair.source.api.get(
        f"/connect/share-tokens/{created.data['id']}", headers={"Key-Inflection": style}
    )
    assert key in read.data["attributes"]


async def test_camel_case_request_attributes_are_accepted(pair: Pair) -> None:
    body = {
        "data": {
            "attributes": {
                "connectionId": pair.connection_id,
                "sourceId": pair.inquiry_id,
                "expiresInSeconds": 120,
            }
        }
    }
    created = await pair.source.api.post("/connect/share-tokens", json=body)
    assert created.status == 201, created.body


async def test_routes_need_a_valid_api_key(client: Any) -> None:
    anonymous = client(None)
    for path in ("/connect/share-tokens", "/connect/connections", "/inquiries"):
        reply = await anonymous.get(path)
        assert reply.status == 401, path


async def test_openapi_document_is_public_and_describes_the_issuer_routes(client: Any) -> None:
    reply = await client(None).get("/openapi.json")
    assert reply.status == 200
    assert reply.body["openapi"].startswith("3.1")
    paths = reply.body["paths"]
    assert "/api/v1/connect/share-tokens" in paths
    assert "/api/v1/connect/connections/{id}/accept" in paths
    request_schema = reply.body["components"]["schemas"]["CreateShareToken"]
    assert request_schema["properties"]["expires-in-seconds"]["maximum"] == 1_814_400
    assert request_schema["additionalProperties"] is False
    # One document for every service's routes.
    assert "/api/v1/connect/share-tokens/{id}/redeem" in paths
    assert "/api/v1/webhooks/{id}/rotate-secret" in paths
    assert "/api/v1/events" in paths


async def test_the_api_reference_page_is_public_html_rendered_from_the_document(
    http: Any,
) -> None:
    async with http.get(f"{GATEWAY_URL}/docs") as reply:
        assert reply.status == 200
        assert reply.content_type == "text/html"
        page = await reply.text()
    assert "POST</span> <code>/api/v1/connect/share-tokens</code>" in page
    assert "/api/v1/events/{id}" in page
    assert "CreateShareToken" in page
    # Self-contained: nothing is loaded from another origin.
    assert "<script" not in page
    assert "https://" not in page.replace("https://example.com", "")


async def test_post_with_idempotency_key_on_connections_replays(pair: Pair, new_org: Any) -> None:
    other = new_org("other")
    headers = {"Idempotency-Key": "cxn-once"}
    body = attrs(destination_organization_id=other.id)
    first = await pair.source.api.post("/connect/connections", json=body, headers=headers)
    second = await pair.source.api.post("/connect/connections", json=body, headers=headers)
    assert first.status == 201
    assert second.body == first.body
