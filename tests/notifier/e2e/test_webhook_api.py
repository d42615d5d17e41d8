"""Managing webhooks through the gateway (contract 2.4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.notifier.sink import create_webhook

pytestmark = pytest.mark.e2e

URL = "http://127.0.0.1:9/hook"


async def test_create_shows_the_secret_once_and_reads_never_do(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-crud")["api-key"])
    created = await create_webhook(api, URL, **{"enabled-events": ["inquiry.completed"]})
    assert created["id"].startswith("wbh_")
    attributes = created["attributes"]
    assert attributes["secret"].startswith("wbhsec_")
    assert attributes["status"] == "enabled"
    assert attributes["signature-format"] == "persona"
    assert attributes["enabled-events"] == ["inquiry.completed"]
    read = await api.get(f"/webhooks/{created['id']}")
    assert read.status == 200 and "secret" not in read.data["attributes"]
    listed = await api.get("/webhooks")
    assert [w["id"] for w in listed.data] == [created["id"]]
    assert all("secret" not in w["attributes"] for w in listed.data)


async def test_standard_webhooks_secrets_are_whsec_base64(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-std")["api-key"])
    created = await create_webhook(api, URL, **{"signature-format": "standard-webhooks"})
    assert created["attributes"]["secret"].startswith("whsec_")


async def test_patch_changes_url_events_and_status(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-patch")["api-key"])
    webhook = await create_webhook(api, URL)
    patch = {"url": "http://127.0.0.1:10/other", "enabled-events": ["*"], "status": "disabled"}
    reply = await api.patch(f"/webhooks/{webhook['id']}", {"data": {"attributes": patch}})
    assert reply.status == 200, reply.body
    attributes = reply.data["attributes"]
    assert attributes["url"] == patch["url"] and attributes["status"] == "disabled"
    assert attributes["disabled-at"] is not None
    reply = await api.patch(
        f"/webhooks/{webhook['id']}", {"data": {"attributes": {"status": "enabled"}}}
    )
    assert reply.data["attributes"]["status"] == "enabled"


async def test_delete_removes_the_webhook(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-delete")["api-key"])
    webhook = await create_webhook(api, URL)
    assert (await api.delete(f"/webhooks/{webhook['id']}")).status == 204
    assert (await api.get(f"/webhooks/{webhook['id']}")).status == 404
    assert (await api.get("/webhooks")).data == []


async def test_other_organizations_webhooks_are_404(org_factory: Any, client: Any) -> None:
    owner = client(org_factory("wh-owner")["api-key"])
    other = client(org_factory("wh-other")["api-key"])
    webhook = await create_webhook(owner, URL)
    path = f"/webhooks/{webhook['id']}"
    assert (await other.get(path)).status == 404
    patch = {"data": {"attributes": {"status": "disabled"}}}
    assert (await other.patch(path, patch)).status == 404
    assert (await other.delete(path)).status == 404
    assert (await other.post(path + "/rotate-secret", {"meta": {}})).status == 404
    assert (await other.get(path + "/deliveries")).status == 404
    assert (await other.post(path + "/events/evt_abcdefghijklmnopqrstuvwx/resend")).status == 404
    assert (await other.get("/webhooks")).data == []
    assert (await owner.get(path)).status == 200


@pytest.mark.parametrize(
    ("attributes", "status", "pointer"),
    [
        ({"url": "ftp://example.com/x"}, 422, "/data/attributes/url"),
        ({"url": "http://user:pw@example.com/x"}, 422, "/data/attributes/url"),
        ({"url": URL, "enabled-events": ["no.such-event"]}, 422, "/data/attributes/enabled-events"),
        ({"url": URL, "enabled-events": []}, 422, "/data/attributes/enabled-events"),
        ({"url": URL, "signature-format": "other"}, 422, "/data/attributes/signature-format"),
        ({"url": URL, "colour": "red"}, 400, "/data/attributes/colour"),
        ({}, 422, "/data/attributes/url"),
    ],
)
async def test_invalid_webhooks_are_refused_with_a_pointer(
    org_factory: Any, client: Any, attributes: dict[str, Any], status: int, pointer: str
) -> None:
    api = client(org_factory("wh-invalid")["api-key"])
    reply = await api.post("/webhooks", {"data": {"attributes": attributes}})
    assert reply.status == status, reply.body
    assert reply.error_pointer == pointer
    assert (await api.get("/webhooks")).data == []


async def test_rotation_returns_a_new_secret(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-rotate")["api-key"])
    webhook = await create_webhook(api, URL)
    reply = await api.post(
        f"/webhooks/{webhook['id']}/rotate-secret", {"meta": {"expires-in-seconds": 7200}}
    )
    assert reply.status == 200, reply.body
    secret = reply.data["attributes"]["secret"]
    assert secret.startswith("wbhsec_") and secret != webhook["attributes"]["secret"]
    assert reply.body["meta"]["previous-secret-expires-at"] is not None
    bad = await api.post(
        f"/webhooks/{webhook['id']}/rotate-secret", {"meta": {"expires-in-seconds": -1}}
    )
    assert bad.status == 422 and bad.error_pointer == "/meta/expires-in-seconds"


async def test_webhook_routes_need_an_api_key(client: Any) -> None:
    assert (await client(None).get("/webhooks")).status == 401
