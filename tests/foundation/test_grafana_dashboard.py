"""deploy/grafana/connect.json charts only what the services expose on /metrics."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from connect_shared.stages import STAGES
from tests.redeemer.e2e.world import connected_pair, create_object, share, wait_finished
from tests.support.services import ServiceProcess

pytestmark = pytest.mark.e2e

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy/grafana/connect.json"
METRIC = re.compile(r"\b((?:connect|notifier|process)_[a-z_]+)\b")
STAGE = re.compile(r'stage="([a-z_]+)"')


def queried_metrics() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    exprs += [v["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return {name for expr in exprs for name in METRIC.findall(expr)}


async def exposed(http: aiohttp.ClientSession, services: dict[str, ServiceProcess]) -> str:
    pages = []
    for service in services.values():
        async with http.get(f"{service.url}/metrics") as response:
            pages.append(await response.text())
    return "\n".join(pages)


def missing(text: str) -> set[str]:
    names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1] != "#"}
    stages = set(STAGE.findall(text))
    return (queried_metrics() - names) | {f"stage {s}" for s in STAGES if s not in stages}


def test_the_dashboard_queries_per_stage_and_consumer_histograms() -> None:
    queried = queried_metrics()
    assert {"connect_stage_duration_seconds_bucket", "connect_consumer_lag_seconds_bucket"} <= (
        queried
    )


async def test_every_metric_the_dashboard_queries_is_on_the_services_metrics(
    services: dict[str, ServiceProcess], http: aiohttp.ClientSession, org_factory: Any, client: Any
) -> None:
    pair = await connected_pair(org_factory, client)
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    accepted = await pair.destination.post(
        f"/connect/share-tokens/{token_id}/redeem", headers={"Idempotency-Key": token_id}
    )
    assert accepted.status == 202, accepted.body
    await wait_finished(pair.destination, token_id)
    camel = await pair.source.get(
        f"/connect/share-tokens/{token_id}", headers={"Key-Inflection": "camel"}
    )
    assert camel.status == 200, camel.body
    deadline = time.monotonic() + 30
    while gaps := missing(await exposed(http, services)):
        assert time.monotonic() < deadline, f"not on /metrics: {sorted(gaps)}"
        await asyncio.sleep(0.2)
