"""An organization may have at most ``NOTIFIER_MAX_WEBHOOKS_PER_ORGANIZATION`` webhooks (100 by
default): one more is 422 and writes nothing; deleting one makes room again."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from notifier.config import NotifierSettings
from tests.notifier.sink import create_webhook

pytestmark = pytest.mark.e2e

URL = "http://127.0.0.1:9/hook"


async def test_one_webhook_past_the_cap_is_422_and_deleting_one_makes_room(
    org_factory: Any, client: Any
) -> None:
    cap = NotifierSettings.model_fields["max_webhooks_per_organization"].default
    assert cap == 100
    api = client((await asyncio.to_thread(org_factory, "webhook-cap"))["api-key"])
    body = {"data": {"attributes": {"url": URL}}}
    # All at once: concurrent creations must not take the organization past the cap.
    replies = await asyncio.gather(*(api.post("/webhooks", body) for _ in range(cap + 10)))
    assert Counter(r.status for r in replies) == {201: cap, 422: 10}
    refused = next(r for r in replies if r.status == 422)
    (error,) = refused.body["errors"]
    assert error["meta"] == {"max-webhooks": cap}
    assert refused.error_pointer == "/data"
    listed = await api.get("/webhooks")
    assert len(listed.data) == cap
    made = next(r for r in replies if r.status == 201)
    assert (await api.delete(f"/webhooks/{made.data['id']}")).status == 204
    await create_webhook(api, URL)
    assert (await api.post("/webhooks", body)).status == 422
