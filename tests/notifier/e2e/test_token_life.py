"""End to end through the issuer and the redeemer: a token's life reaches both organizations'
webhooks."""

from __future__ import annotations

from typing import Any

import pytest
from standardwebhooks import Webhook

from tests.notifier.sink import Sink, create_webhook, persona_verifies

pytestmark = pytest.mark.e2e


def _names(sink: Sink) -> list[str]:
    return [r.event_name for r in sink.received]


async def test_a_tokens_life_created_and_redeemed_reaches_a_webhook_of_each_organization(
    org_factory: Any, client: Any
) -> None:
    source_org, destination_org = org_factory("life-source"), org_factory("life-destination")
    source, destination = client(source_org["api-key"]), client(destination_org["api-key"])
    source_sink, destination_sink = await Sink().start(), await Sink().start()
    try:
        source_hook = await create_webhook(source, source_sink.url)
        destination_hook = await create_webhook(
            destination, destination_sink.url, **{"signature-format": "standard-webhooks"}
        )
        connection = await source.post(
            "/connect/connections",
            {"data": {"attributes": {"destination-organization-id": destination_org["id"]}}},
        )
        assert connection.status == 201, connection.body
        connection_id = connection.data["id"]
        accepted = await destination.post(f"/connect/connections/{connection_id}/accept")
        assert accepted.status == 200, accepted.body
        inquiry = await source.post(
            "/inquiries", {"data": {"attributes": {"fields": {"name-first": "Ada"}}}}
        )
        assert inquiry.status == 201, inquiry.body
        token = await source.post(
            "/connect/share-tokens",
            {
                "data": {
                    "attributes": {"connection-id": connection_id, "source-id": inquiry.data["id"]}
                }
            },
        )
        assert token.status == 201, token.body
        token_id = token.data["id"]
        redeem = await destination.post(f"/connect/share-tokens/{token_id}/redeem")
        assert redeem.status == 202, redeem.body

        await source_sink.wait_for(
            lambda r: "connect/share-token.outbound-redeemed" in [x.event_name for x in r]
        )
        await destination_sink.wait_for(
            lambda r: "connect/share-token.inbound-redeemed" in [x.event_name for x in r]
        )
        assert "connect/share-token.outbound-created" in _names(source_sink)
        assert "connect/share-token.inbound-created" in _names(destination_sink)
        for got in source_sink.received:
            assert got.organization_id == source_org["id"]
            assert persona_verifies(
                got.headers["Persona-Signature"], source_hook["attributes"]["secret"], got.body
            )
        for got in destination_sink.received:
            assert got.organization_id == destination_org["id"]
            Webhook(destination_hook["attributes"]["secret"]).verify(got.body, got.headers)
        token_events = [
            r for r in source_sink.received + destination_sink.received if r.object_id == token_id
        ]
        assert len(token_events) >= 4
    finally:
        await source_sink.stop()
        await destination_sink.stop()
