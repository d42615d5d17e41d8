"""Setting a scenario up the way a partner would: organizations with ``connect-admin``, then
connections, inquiries and webhooks through the gateway."""

from __future__ import annotations

import asyncio
import os
import subprocess
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.stack import ROOT, Endpoints
from connect_shared import jsonutil
from connect_shared.records import MAX_RATE_LIMIT


class SetupError(RuntimeError):
    """A setup call did not answer as the contract says."""


@dataclass(frozen=True)
class Org:
    id: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"}


# Load generators hammer a few keys far beyond the default budget of 100 requests/s: give
# bench organizations the highest budget, so the figures measure the services, not the limit.
BENCH_RATE_LIMIT = MAX_RATE_LIMIT


async def create_org(endpoints: Endpoints, name: str) -> Org:
    """``connect-admin org create --name NAME --rate-limit N`` against this stack."""

    def run() -> bytes:
        return subprocess.run(  # noqa: S603
            [
                str(ROOT / ".venv/bin/connect-admin"),
                *("org", "create", "--name", name),
                *("--rate-limit", str(BENCH_RATE_LIMIT)),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
            timeout=90,
            env={**os.environ, **endpoints.service_env("issuer")},
        ).stdout

    out = jsonutil.loads(await asyncio.to_thread(run))
    return Org(str(out["id"]), str(out["api-key"]))


class Api:
    """JSON:API calls through the gateway."""

    def __init__(self, session: aiohttp.ClientSession, endpoints: Endpoints) -> None:
        self.session = session
        self.base = f"{endpoints.gateway}/api/v1"

    async def call(
        self, method: str, path: str, org: Org, body: Any = None, expect: int = 200
    ) -> Any:
        data = None if body is None else jsonutil.dumps(body)
        async with self.session.request(
            method, self.base + path, data=data, headers=org.headers
        ) as response:
            raw = await response.read()
            if response.status != expect:
                raise SetupError(f"{method} {path}: {response.status} {raw[:300]!r}")
            return jsonutil.loads(raw) if raw else None

    async def active_connection(self, source: Org, destination: Org) -> str:
        """A connection from ``source`` to ``destination``, accepted."""
        attrs = {"destination-organization-id": destination.id}
        created = await self.call(
            "POST", "/connect/connections", source, {"data": {"attributes": attrs}}, 201
        )
        cxn = str(created["data"]["id"])
        await self.call("POST", f"/connect/connections/{cxn}/accept", destination)
        return cxn

    async def inquiry(self, org: Org, fields: dict[str, Any]) -> str:
        attrs = {"reference-id": "bench", "fields": fields}
        created = await self.call("POST", "/inquiries", org, {"data": {"attributes": attrs}}, 201)
        return str(created["data"]["id"])

    async def webhook(self, org: Org, url: str, events: list[str]) -> tuple[str, str]:
        """A ``persona``-signed webhook; returns its id and secret."""
        attrs = {"url": url, "enabled-events": events, "signature-format": "persona"}
        created = await self.call("POST", "/webhooks", org, {"data": {"attributes": attrs}}, 201)
        return str(created["data"]["id"]), str(created["data"]["attributes"]["secret"])

    async def delete_webhook(self, org: Org, webhook_id: str) -> None:
        async with self.session.delete(
            f"{self.base}/webhooks/{webhook_id}", headers=org.headers
        ) as response:
            await response.read()

    async def token_status(self, org: Org, token_id: str) -> str:
        doc = await self.call("GET", f"/connect/share-tokens/{token_id}", org)
        return str(doc["data"]["attributes"]["status"])
