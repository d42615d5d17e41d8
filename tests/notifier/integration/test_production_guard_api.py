"""In the production profile the API refuses webhook URLs aimed at internal addresses.

Runs the real app factory in-process (real Redis and Kafka) with the workers off, so it does
not compete with the notifier under test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from notifier.app import create_app
from notifier.config import NotifierSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def production_api(services: Any) -> AsyncIterator[TestClient[Any, Any]]:
    settings = NotifierSettings(profile="production", ssrf_allow_cidrs="", workers_enabled=False)
    async with TestClient(TestServer(create_app(settings))) as api:
        yield api


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "http://localhost:8080/hook",
        "http://127.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.1.1/hook",
    ],
)
async def test_production_refuses_internal_webhook_urls_with_422(
    production_api: TestClient[Any, Any], org_factory: Any, url: str
) -> None:
    org = org_factory("prod-guard")
    headers = {"Authorization": f"Bearer {org['api-key']}"}
    body = {"data": {"attributes": {"url": url, "enabled-events": ["*"]}}}
    response = await production_api.post("/api/v1/webhooks", json=body, headers=headers)
    document = await response.json()
    assert response.status == 422, document
    assert document["errors"][0]["source"]["pointer"] == "/data/attributes/url"
    listed = await production_api.get("/api/v1/webhooks", headers=headers)
    assert (await listed.json())["data"] == []


async def test_production_accepts_public_webhook_urls(
    production_api: TestClient[Any, Any], org_factory: Any
) -> None:
    org = org_factory("prod-public")
    headers = {"Authorization": f"Bearer {org['api-key']}"}
    body = {"data": {"attributes": {"url": "https://93.184.215.14/hook"}}}
    response = await production_api.post("/api/v1/webhooks", json=body, headers=headers)
    assert response.status == 201, await response.text()
    webhook_id = (await response.json())["data"]["id"]
    await production_api.delete(f"/api/v1/webhooks/{webhook_id}", headers=headers)
