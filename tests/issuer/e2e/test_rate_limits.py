"""Rate limits through the gateway (contract, "Rate limits"): each API key draws on its
organization's budget (requests per second, bursts of twice that); over budget is 429 with
``Retry-After`` and a JSON:API error, and nothing is written."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections import Counter
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.support.admin import create_key, run_admin, set_rate_limit
from tests.support.api import ApiClient, Reply
from tests.support.ports import redis_url

pytestmark = pytest.mark.e2e


def _second_key(org_id: str) -> str:
    return str(create_key(org_id)["api-key"])


async def _burst(
    api: ApiClient, count: int, method: str = "GET", path: str = "/inquiries"
) -> list[Reply]:
    return list(await asyncio.gather(*(api.request(method, path) for _ in range(count))))


def _assert_rate_limited(reply: Reply, rate_limit: int) -> None:
    assert reply.status == 429, reply.body
    assert int(reply.headers["Retry-After"]) >= 1
    (error,) = reply.body["errors"]
    assert error["status"] == "429"
    assert error["title"] == "Too many requests"
    assert error["meta"]["rate-limit"] == rate_limit
    assert error["meta"]["burst"] == 2 * rate_limit


async def test_over_budget_is_429_with_retry_after_and_a_jsonapi_error_and_writes_nothing(
    org_factory: Any, client: Any
) -> None:
    org = await asyncio.to_thread(org_factory, "rate-limited", 2)
    assert org["rate-limit"] == 2
    other_key = await asyncio.to_thread(_second_key, org["id"])
    api = client(org["api-key"])
    body = {"data": {"attributes": {"reference-id": "rl", "fields": {"n": 1}}}}
    started = time.monotonic()
    replies = await asyncio.gather(*(api.post("/inquiries", body) for _ in range(12)))
    elapsed = time.monotonic() - started
    statuses = Counter(r.status for r in replies)
    assert set(statuses) == {201, 429}
    # A burst of 4 (twice the rate), plus what refilled while the requests ran.
    assert 4 <= statuses[201] <= 4 + int(elapsed * 2) + 1
    _assert_rate_limited(next(r for r in replies if r.status == 429), 2)
    # The refused ones wrote nothing (read with the organization's other key).
    listed = await client(other_key).get("/inquiries", params={"page[size]": "100"})
    assert listed.status == 200, listed.body
    assert len(listed.data) == statuses[201]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/connect/connections"),  # issuer
        ("POST", "/connect/share-tokens/cnst_00000000000000000000000/redeem"),  # redeemer
        ("GET", "/webhooks"),  # notifier
    ],
)
async def test_every_service_enforces_the_budget(
    org_factory: Any, client: Any, method: str, path: str
) -> None:
    org = await asyncio.to_thread(org_factory, "rate-limited-service", 1)
    replies = await _burst(client(org["api-key"]), 8, method, path)
    refused = [r for r in replies if r.status == 429]
    assert len(refused) >= 5, Counter(r.status for r in replies)
    _assert_rate_limited(refused[0], 1)


async def test_each_api_key_has_its_own_bucket(org_factory: Any, client: Any) -> None:
    org = await asyncio.to_thread(org_factory, "rate-limited-keys", 1)
    other_key = await asyncio.to_thread(_second_key, org["id"])
    first = await _burst(client(org["api-key"]), 8)
    assert sum(r.status == 429 for r in first) >= 5
    second = await _burst(client(other_key), 2)
    assert [r.status for r in second] == [200, 200]


async def test_the_default_budget_admits_a_burst_of_200(org_factory: Any, client: Any) -> None:
    org = await asyncio.to_thread(org_factory, "default-budget")
    assert org["rate-limit"] == 100
    replies = await _burst(client(org["api-key"]), 200)
    assert Counter(r.status for r in replies) == {200: 200}
    # The bucket refills at 100/s while the bursts run (seconds on a busy machine): a second
    # burst as large as the first outruns that refill, where 60 more requests did not always.
    over = await _burst(client(org["api-key"]), 200)
    assert any(r.status == 429 for r in over)


async def test_set_rate_limit_takes_effect_at_once(org_factory: Any, client: Any) -> None:
    org = await asyncio.to_thread(org_factory, "rate-changed")
    api = client(org["api-key"])
    assert (await asyncio.to_thread(set_rate_limit, org["id"], 1)) == {
        "id": org["id"],
        "rate-limit": 1,
    }
    lowered = await _burst(api, 8)
    assert sum(r.status == 429 for r in lowered) >= 5
    _assert_rate_limited(next(r for r in lowered if r.status == 429), 1)
    await asyncio.to_thread(set_rate_limit, org["id"], 1000)
    # The drained bucket now refills at 1,000/s: a burst of 100 is served in full within
    # moments (at the old 1/s it would take 100 s). Bursts a fifth of a second apart, bounded.
    async with asyncio.timeout(10):
        while Counter(r.status for r in await _burst(api, 100)) != {200: 100}:
            await asyncio.sleep(0.2)


@pytest.mark.disruptive
async def test_the_budget_survives_losing_redis_and_the_rebuild(
    org_factory: Any, client: Any
) -> None:
    org = await asyncio.to_thread(org_factory, "rate-rebuilt")
    await asyncio.to_thread(set_rate_limit, org["id"], 1)
    redis = Redis.from_url(redis_url())
    try:
        await redis.flushall()
    finally:
        await redis.aclose()
    api = client(org["api-key"])
    deadline = time.monotonic() + 90
    while (reply := await api.get("/inquiries")).status == 503:
        assert time.monotonic() < deadline, "the view was not rebuilt in time"
        await asyncio.sleep(0.2)
    assert reply.status in (200, 429), reply.body
    replies = await _burst(api, 8)
    assert sum(r.status == 429 for r in replies) >= 5
    _assert_rate_limited(next(r for r in replies if r.status == 429), 1)


@pytest.mark.parametrize(
    "args",
    [
        ("org", "create", "--name", "zero", "--rate-limit", "0"),
        ("org", "create", "--name", "huge", "--rate-limit", "1000001"),
        ("org", "set-rate-limit", "org_doesnotexist0000000000", "10"),
    ],
)
def test_a_bad_rate_limit_or_unknown_org_is_refused_by_the_admin_cli(
    services: Any, args: tuple[str, ...]
) -> None:
    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_admin(*args)
    assert refused.value.returncode == 2
    assert refused.value.stderr.decode().startswith("connect-admin: ")
