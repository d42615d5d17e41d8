"""The Insights page in a real browser: the organization's share-token statistics drawn as
server-rendered SVG charts with the numbers beside them, only its own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from connect_shared.clock import iso
from stats.domain import histogram
from tests.dashboard.conftest import NewContext, screenshot, sign_in
from tests.stats.tokens import Script, new_id, produce, stats
from tests.support.admin import create_org
from tests.support.api import ApiClient

pytestmark = pytest.mark.e2e


def _label(moment: datetime) -> str:
    return moment.strftime("%d %b %H:00")


async def test_insights_page_charts_the_organizations_own_buckets(
    services: Any, http: aiohttp.ClientSession, new_context: NewContext
) -> None:
    source, destination = create_org("insights source"), create_org("insights destination")
    created = datetime.now(UTC).replace(minute=5, second=0, microsecond=0) - timedelta(hours=3)
    redeemed = created + timedelta(minutes=30)
    script = Script(source["id"], destination["id"])
    connection = new_id("cxn_")
    for _ in range(3):
        script.token(connection, created, "redeemed", redeemed)
    script.token(connection, created, "expired", redeemed)
    await produce(script.messages)
    # The page reads what the API reads: wait until the worker counted everything.
    client = ApiClient(http, source["api-key"])
    params = {
        "interval": "hour",
        "filter[from]": iso(created - timedelta(hours=1)),
        "filter[to]": iso(redeemed),
    }
    async with asyncio.timeout(60):
        while sum(r["redeemed"] for r in (await stats(client, **params)).values()) < 3:
            await asyncio.sleep(0.2)

    page = await sign_in(await new_context(), source["api-key"])
    await page.get_by_role("link", name="Insights").click()
    await page.wait_for_url("**/dashboard/insights")
    await page.get_by_role("heading", name="Insights").wait_for()
    counts = page.locator("svg#counts")
    assert (
        await counts.locator("rect.bar title", has_text=f"{_label(created)}: 4 created").count()
        == 1
    )
    assert await counts.locator("title", has_text=f"{_label(redeemed)}: 3 redeemed").count() == 1
    latency = page.locator("svg#latency")
    assert await latency.locator("polyline.series").count() == 2
    p50 = histogram.quantile(histogram.add({}, 1800.0), 0.5)
    assert await latency.locator("circle title", has_text=f"p50 {p50:g} s").count() == 1
    row = page.locator("table tr", has_text=_label(created))
    assert await row.locator("td[data-label='Created']").inner_text() == "4"
    await screenshot(page, "insights")

    # Per day, and only tokens shared with the caller: the source has none of those.
    await page.get_by_label("Bucket size", exact=True).select_option("day")
    await page.get_by_label("Which tokens", exact=True).select_option("inbound")
    await page.get_by_role("button", name="Show").click()
    await page.wait_for_url("**/dashboard/insights?*interval=day*")
    await page.get_by_text("No share tokens in this period yet.").wait_for()

    # The destination sees the same tokens as shared with it, and never the source's side.
    other = await sign_in(await new_context(), destination["api-key"])
    await other.goto("/dashboard/insights?filter[direction]=outbound")
    await other.get_by_text("No share tokens in this period yet.").wait_for()
    await other.goto("/dashboard/insights?filter[direction]=inbound")
    row = other.locator("table tr", has_text=_label(created))
    assert await row.locator("td[data-label='Created']").inner_text() == "4"
