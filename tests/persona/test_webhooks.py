"""Webhooks in Persona mode: Persona's create body, its webhook object, its actions, and
deliveries in Persona's event shape for a webhook whose api-version is 2025-12-08."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from connect_shared import jsonutil
from connect_shared.events import Event
from tests.notifier.sink import EVENTS_TOPIC, Sink, persona_verifies, publish, token_event
from tests.persona.spec import (
    LIST_DOCUMENT,
    ONE_DOCUMENT,
    VERSION,
    assert_error,
    assert_event,
    assert_headers,
    assert_webhook,
)
from tests.support.ports import KAFKA_BOOTSTRAP

pytestmark = pytest.mark.e2e

WEBHOOKS = "/webhooks"


def example_body(url: str) -> dict[str, Any]:
    """components/examples/create-webhook.yaml (its url replaced by a local endpoint: the
    example's public host is not reachable from the test machine)."""
    return {
        "data": {
            "attributes": {
                "name": "Inquiry Webhook",
                "url": url,
                "enabled-events": ["account.created", "verification.created"],
            }
        }
    }


async def test_create_with_persona_example_answers_webhook_with_secret(side: Any) -> None:
    org = side("persona-webhooks")
    created = await org.persona.post(WEBHOOKS, example_body("http://127.0.0.1:9/hook"))
    assert created.status == 201, created.body
    assert set(created.body) <= ONE_DOCUMENT
    webhook = created.data
    assert_webhook(webhook, with_secret=True)
    attributes = webhook["attributes"]
    assert attributes["name"] == "Inquiry Webhook"
    assert attributes["description"] is None
    assert attributes["api-version"] == VERSION  # the version of the request that made it
    assert attributes["api-key-inflection"] == "kebab"
    assert attributes["enabled-events"] == ["account.created", "verification.created"]
    assert attributes["status"] == "enabled"
    assert attributes["secret"].startswith("wbhsec_")
    assert_headers(created.headers, org.id)

    one = await org.persona.get(f"{WEBHOOKS}/{webhook['id']}")
    assert_webhook(one.data)
    assert "secret" not in one.data["attributes"]
    listed = await org.persona.get(WEBHOOKS)
    assert set(listed.body) == LIST_DOCUMENT
    assert listed.body["links"] == {"prev": None, "next": None}
    for item in listed.data:
        assert_webhook(item)


async def test_enable_disable_archive_and_clone(side: Any) -> None:
    org = side("persona-webhook-actions")
    body = example_body("http://127.0.0.1:9/hook")
    body["data"]["attributes"].update(
        {
            "description": "for testing",
            "payload-filter": {"data": {"attributes": {"status": "created"}}},
        }
    )
    webhook_id = (await org.persona.post(WEBHOOKS, body)).data["id"]
    path = f"{WEBHOOKS}/{webhook_id}"

    disabled = await org.persona.post(f"{path}/disable")
    assert disabled.status == 200, disabled.body
    assert_webhook(disabled.data)
    assert disabled.data["attributes"]["status"] == "disabled"
    enabled = await org.persona.post(f"{path}/enable")
    assert enabled.data["attributes"]["status"] == "enabled"

    clone = await org.persona.post(f"{path}/clone")
    assert clone.status == 201, clone.body
    assert_webhook(clone.data, with_secret=True)
    copied = clone.data["attributes"]
    assert clone.data["id"] != webhook_id
    assert copied["name"] == "Inquiry Webhook" and copied["description"] == "for testing"
    assert copied["payload-filter"] == {"data": {"attributes": {"status": "created"}}}

    archived = await org.persona.post(f"{path}/archive")
    assert archived.status == 200
    assert archived.data["attributes"]["status"] == "archived"
    refused = await org.persona.post(f"{path}/enable")
    assert refused.status == 409
    assert assert_error(refused.body, 409)["meta"] == {"status": "archived"}
    missing = await org.persona.post(f"{WEBHOOKS}/wbh_doesnotexist0000000000/enable")
    assert missing.status == 404
    assert_error(missing.body, 404)


async def test_connect_mode_keeps_its_webhook_and_grows_the_new_attributes(side: Any) -> None:
    org = side("connect-webhooks")
    created = await org.connect.post(
        WEBHOOKS, {"data": {"attributes": {"url": "http://127.0.0.1:9/hook", "name": "n"}}}
    )
    assert created.status == 201, created.body
    attributes = created.data["attributes"]
    assert attributes["signature-format"] == "persona"
    assert attributes["organization-id"] == org.id
    assert attributes["api-version"] is None  # Connect's event shape
    assert attributes["name"] == "n"


async def test_persona_version_webhook_receives_persona_events_signed_over_those_bytes(
    side: Any,
) -> None:
    org = side("persona-deliveries")
    persona_sink, connect_sink = await Sink().start(), await Sink().start()
    try:
        persona_hook = await org.persona.post(
            WEBHOOKS,
            {
                "data": {
                    "attributes": {"name": "p", "url": persona_sink.url, "enabled-events": ["*"]}
                }
            },
        )
        connect_hook = await org.connect.post(
            WEBHOOKS, {"data": {"attributes": {"url": connect_sink.url, "enabled-events": ["*"]}}}
        )
        assert persona_hook.status == connect_hook.status == 201
        sent = await publish(token_event(org.id))
        (event_id,) = sent
        await persona_sink.wait_for(lambda r: len(r) >= 1)
        await connect_sink.wait_for(lambda r: len(r) >= 1)
        (persona_got,) = persona_sink.received
        (connect_got,) = connect_sink.received
        assert connect_got.body == sent[event_id]  # Connect's shape, byte for byte
        delivered = jsonutil.loads(persona_got.body)
        assert set(delivered) == {"data"}
        assert_event(delivered["data"])
        assert delivered["data"]["id"] == event_id
        assert "organization-id" not in delivered["data"]["attributes"]
        secret = persona_hook.data["attributes"]["secret"]
        assert persona_verifies(persona_got.headers["Persona-Signature"], secret, persona_got.body)
    finally:
        await persona_sink.stop()
        await connect_sink.stop()


async def test_payload_filter_holds_back_events_that_do_not_match(side: Any) -> None:
    org = side("payload-filter")
    sink = await Sink().start()
    try:
        created = await org.persona.post(
            WEBHOOKS,
            {
                "data": {
                    "attributes": {
                        "name": "only expired",
                        "url": sink.url,
                        "enabled-events": ["*"],
                        "payload-filter": {"data": {"attributes": {"status": "expired"}}},
                    }
                }
            },
        )
        assert created.status == 201, created.body
        held_back = token_event(org.id)  # status created
        matching = token_event(org.id, "connect/share-token.outbound-expired")
        matching.data.attributes.payload["data"]["attributes"]["status"] = "expired"
        await publish_in_order(held_back, matching)
        await sink.wait_for(lambda r: len(r) >= 1)
        # Both on one partition, the held-back one first: once the later one arrived, the
        # held-back one was passed over, not merely late.
        assert [r.event_id for r in sink.received] == [matching.id]
    finally:
        await sink.stop()


async def publish_in_order(*events: Event) -> None:
    """Produce ``events`` onto ``connect.events`` under one key (one partition, in order)."""
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    await producer.start()
    try:
        for event in events:
            raw = jsonutil.dumps(event.to_wire())
            await producer.send_and_wait(EVENTS_TOPIC, raw, key=b"payload-filter-test")
    finally:
        await producer.stop()


async def test_update_rotate_and_delete_in_persona_mode(side: Any) -> None:
    org = side("persona-webhook-update")
    webhook_id = (await org.persona.post(WEBHOOKS, example_body("http://127.0.0.1:9/h"))).data["id"]
    path = f"{WEBHOOKS}/{webhook_id}"
    changes = {"description": "Webhook for testing", "api-key-inflection": "camel"}
    patched = await org.persona.patch(path, {"data": {"attributes": changes}})
    assert patched.status == 200, patched.body
    assert_webhook(patched.data)
    assert patched.data["attributes"]["description"] == "Webhook for testing"
    assert patched.data["attributes"]["api-key-inflection"] == "camel"
    bad = await org.persona.patch(path, {"data": {"attributes": {"api-version": "1999-01-01"}}})
    assert bad.status == 422
    assert assert_error(bad.body, 422)["source"] == {"pointer": "/data/attributes/api-version"}
    rotated = await org.persona.post(path + "/rotate-secret")
    assert rotated.status == 200, rotated.body
    assert set(rotated.body) <= ONE_DOCUMENT  # meta.previous-secret-expires-at is Connect's
    assert_webhook(rotated.data, with_secret=True)
    deleted = await org.persona.delete(path)
    assert deleted.status == 204
    gone = await org.persona.get(path)
    assert gone.status == 404
    assert_error(gone.body, 404)


async def test_persona_mode_requires_a_name_and_writes_nothing_without_one(side: Any) -> None:
    org = side("persona-webhook-name")
    body = example_body("http://127.0.0.1:9/hook")
    del body["data"]["attributes"]["name"]
    refused = await org.persona.post(WEBHOOKS, body)
    assert refused.status == 422
    assert assert_error(refused.body, 422)["source"] == {"pointer": "/data/attributes/name"}
    assert (await org.persona.get(WEBHOOKS)).data == []
    connect = await org.connect.post(WEBHOOKS, body)  # Connect's contract: name is optional
    assert connect.status == 201, connect.body
