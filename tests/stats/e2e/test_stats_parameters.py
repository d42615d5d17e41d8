"""Bad query parameters of GET /connect/share-token-stats: 400 naming the parameter, and the
route needs an API key like every /api/v1 route."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.support.admin import create_org
from tests.support.api import ApiClient

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "interval"),
        ({"interval": "week"}, "interval"),
        ({"interval": "hour", "filter[direction]": "sideways"}, "filter[direction]"),
        ({"interval": "hour", "filter[connection-id]": "org_1"}, "filter[connection-id]"),
        ({"interval": "hour", "filter[from]": "yesterday"}, "filter[from]"),
        ({"interval": "hour", "filter[to]": "2026-01-02T03:00:00"}, "filter[to]"),
        (
            {
                "interval": "hour",
                "filter[from]": "2026-01-03T00:00:00Z",
                "filter[to]": "2026-01-02T00:00:00Z",
            },
            "filter[from]",
        ),
        (
            {
                "interval": "hour",
                "filter[from]": "2026-01-01T00:00:00Z",
                "filter[to]": "2026-03-01T00:00:00Z",
            },
            "filter[from]",
        ),
        ({"interval": "day", "page[size]": "5"}, "page[size]"),
    ],
)
async def test_bad_parameter_is_400_naming_it(
    services: Any, http: aiohttp.ClientSession, params: dict[str, str], parameter: str
) -> None:
    client = ApiClient(http, create_org("stats parameters")["api-key"])
    reply = await client.get("/connect/share-token-stats", params=params)
    assert reply.status == 400, reply.body
    assert reply.body["errors"][0]["meta"]["parameter"] == parameter


async def test_a_day_range_of_a_year_is_accepted_with_one_bucket_per_day(
    services: Any, http: aiohttp.ClientSession
) -> None:
    client = ApiClient(http, create_org("stats year")["api-key"])
    params = {
        "interval": "day",
        "filter[from]": "2026-01-01T00:00:00Z",
        "filter[to]": "2026-12-31T23:59:59Z",
    }
    reply = await client.get("/connect/share-token-stats", params=params)
    assert reply.status == 200
    assert len(reply.body["data"]) == 365
    first = reply.body["data"][0]
    assert first["type"] == "connect/share-token-stat"
    assert first["attributes"]["start"] == "2026-01-01T00:00:00.000Z"
    assert first["attributes"]["seconds-to-redeem-p50"] is None


async def test_without_an_api_key_the_route_is_401(
    services: Any, http: aiohttp.ClientSession
) -> None:
    reply = await ApiClient(http, None).get(
        "/connect/share-token-stats", params={"interval": "hour"}
    )
    assert reply.status == 401
