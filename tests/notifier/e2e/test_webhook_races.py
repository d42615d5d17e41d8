"""Concurrent changes of one webhook, deletes as tombstones, and resend only what a webhook
subscribes to (contract "Races" and 2.4; issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web

from tests.notifier.sink import (
    Received,
    Sink,
    create_webhook,
    publish,
    token_event,
    wait_for_log,
)
from tests.support.kafka import read_topic
from tests.support.races import TRIALS, at_once, lost_with_status, won

pytestmark = pytest.mark.e2e

URL = "http://127.0.0.1:9/hook"
OTHER_URL = "http://127.0.0.1:10/other"
STATE_TOPIC = "connect.state"


def _attributes(**values: Any) -> dict[str, Any]:
    return {"data": {"attributes": values}}


async def test_patch_racing_delete_never_resurrects_or_loses_an_acknowledged_change(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-race-delete")["api-key"])
    for _ in range(TRIALS):
        hook = (await create_webhook(api, URL))["id"]
        patch, delete = await at_once(
            lambda h=hook: api.patch(
                f"/webhooks/{h}", _attributes(**{"enabled-events": ["inquiry.completed"]})
            ),
            lambda h=hook: api.delete(f"/webhooks/{h}"),
        )
        final = await api.get(f"/webhooks/{hook}")
        if won(delete):
            assert delete.status == 204 and final.status == 404, final.body
            # A PATCH that lost: 409 (the webhook was being deleted) or 404 (read after it).
            assert (
                won(patch) or patch.status == 404 or lost_with_status(patch, {"enabled", "deleted"})
            ), patch.body
        else:
            assert lost_with_status(delete, {"enabled"}), delete.body
            assert won(patch), patch.body
            assert final.data["attributes"]["enabled-events"] == ["inquiry.completed"]
            assert (await api.delete(f"/webhooks/{hook}")).status == 204


async def test_two_patches_at_once_keep_both_changes_or_refuse_one_with_409(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-race-patch")["api-key"])
    for _ in range(TRIALS):
        hook = (await create_webhook(api, URL))["id"]
        url_change, events_change = await at_once(
            lambda h=hook: api.patch(f"/webhooks/{h}", _attributes(url=OTHER_URL)),
            lambda h=hook: api.patch(
                f"/webhooks/{h}", _attributes(**{"enabled-events": ["inquiry.completed"]})
            ),
        )
        assert won(url_change) or won(events_change)
        final = (await api.get(f"/webhooks/{hook}")).data["attributes"]
        assert final["url"] == (OTHER_URL if won(url_change) else URL)
        assert final["enabled-events"] == (["inquiry.completed"] if won(events_change) else ["*"])
        for reply in (url_change, events_change):
            if not won(reply):
                assert lost_with_status(reply, {"enabled"}), reply.body
        await api.delete(f"/webhooks/{hook}")


async def test_rotating_the_secret_racing_a_disable_keeps_both_or_refuses_one(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-race-rotate")["api-key"])
    for _ in range(TRIALS // 2):
        hook = (await create_webhook(api, URL))["id"]
        rotate, disable = await at_once(
            lambda h=hook: api.post(f"/webhooks/{h}/rotate-secret"),
            lambda h=hook: api.patch(f"/webhooks/{h}", _attributes(status="disabled")),
        )
        assert won(rotate) or won(disable)
        final = (await api.get(f"/webhooks/{hook}")).data["attributes"]
        assert final["status"] == ("disabled" if won(disable) else "enabled")
        for reply in (rotate, disable):
            if not won(reply):
                assert lost_with_status(reply, {"enabled", "disabled"}), reply.body
        await api.delete(f"/webhooks/{hook}")


async def test_delete_writes_a_tombstone_without_url_or_secret(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-tombstone")["api-key"])
    secret_url = "http://127.0.0.1:9/tombstone-marker-hook"
    created = await create_webhook(api, secret_url)
    hook, secret = created["id"], created["attributes"]["secret"]
    assert (await api.delete(f"/webhooks/{hook}")).status == 204
    written = [value for key, value in await read_topic(STATE_TOPIC) if key == hook]
    assert len(written) >= 2 and written[-1] is None
    assert all(secret.encode() not in (v or b"") for v in written)
    assert (await api.get(f"/webhooks/{hook}")).status == 404
    assert (await api.delete(f"/webhooks/{hook}")).status == 404


async def test_resend_of_an_event_the_webhook_is_not_subscribed_to_is_422(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("resend-422")
    api = client(org["api-key"])
    everything = (await create_webhook(api, URL))["id"]
    narrow = (await create_webhook(api, URL, **{"enabled-events": ["inquiry.completed"]}))["id"]
    (event_id,) = await publish(token_event(org["id"]))
    await wait_for_log(api, everything, event_id, lambda entries: len(entries) > 0)

    refused = await api.post(f"/webhooks/{narrow}/events/{event_id}/resend")
    assert refused.status == 422, refused.body
    assert "connect/share-token.outbound-created" in refused.body["errors"][0]["details"]
    assert await wait_for_log(api, narrow, event_id, lambda entries: True) == []
    accepted = await api.post(f"/webhooks/{everything}/events/{event_id}/resend")
    assert accepted.status == 202, accepted.body
    patched = await api.patch(f"/webhooks/{narrow}", _attributes(**{"enabled-events": ["*"]}))
    assert patched.status == 200
    assert (await api.post(f"/webhooks/{narrow}/events/{event_id}/resend")).status == 202


async def test_auto_disable_after_410_spares_a_webhook_repointed_meanwhile(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("wh-race-disable")
    api = client(org["api-key"])
    healthy = await Sink().start()
    hooks: dict[str, str] = {}

    async def gone_after_repoint(received: Received) -> web.StreamResponse:
        # The user points the webhook at a working endpoint while the old one answers 410.
        reply = await api.patch(f"/webhooks/{hooks['repointed']}", _attributes(url=healthy.url))
        assert reply.status == 200, reply.body
        return web.Response(status=410)

    gone = await Sink(gone_after_repoint).start()
    try:
        hooks["repointed"] = (await create_webhook(api, gone.url))["id"]
        (first,) = await publish(token_event(org["id"]))
        await wait_for_log(api, hooks["repointed"], first, lambda entries: len(entries) > 0)
        (second,) = await publish(token_event(org["id"]))
        await healthy.wait_for(lambda got: any(r.event_id == second for r in got), timeout=15)
        await wait_for_log(api, hooks["repointed"], second, lambda entries: len(entries) > 0)
        final = (await api.get(f"/webhooks/{hooks['repointed']}")).data["attributes"]
        assert final["status"] == "enabled" and final["url"] == healthy.url
    finally:
        await gone.stop()
        await healthy.stop()
