"""A deleted webhook stays deleted when the view is rebuilt from ``connect.state`` (its
tombstone is applied by the replay), while the others come back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.notifier.sink import create_webhook
from tests.support.ports import redis_url

pytestmark = [pytest.mark.e2e, pytest.mark.disruptive]

URL = "http://127.0.0.1:9/hook"


async def test_after_flushall_and_rebuild_a_deleted_webhook_is_404_and_a_kept_one_is_back(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-rebuild")["api-key"])
    deleted = (await create_webhook(api, URL))["id"]
    kept = (await create_webhook(api, URL))["id"]
    patched = await api.patch(
        f"/webhooks/{deleted}", {"data": {"attributes": {"status": "disabled"}}}
    )
    assert patched.status == 200
    assert (await api.delete(f"/webhooks/{deleted}")).status == 204

    redis = Redis.from_url(redis_url())
    try:
        await redis.flushall()
    finally:
        await redis.aclose()
    async with asyncio.timeout(60):  # the services rebuild the view on their own
        while (reply := await api.get(f"/webhooks/{kept}")).status == 503:
            await asyncio.sleep(0.2)
    assert reply.status == 200, reply.body
    assert (await api.get(f"/webhooks/{deleted}")).status == 404
    assert [w["id"] for w in (await api.get("/webhooks")).data] == [kept]
    # The rebuilt view still guards changes: a change from the rebuilt version succeeds.
    changed = await api.patch(f"/webhooks/{kept}", {"data": {"attributes": {"url": URL + "2"}}})
    assert changed.status == 200, changed.body
