"""The admission script against a real Redis (a scratch database): view marker, key lookup and
the per-key GCRA budget in one call."""

from __future__ import annotations

import asyncio
import math
import time

import pytest
from redis.asyncio import Redis

from connect_shared.auth import Principal
from connect_shared.http.rate_limit import Admission, Verdict, admit
from connect_shared.records import rate_limit_lookup
from connect_shared.state import VIEW_READY_KEY

pytestmark = pytest.mark.integration

LOOKUP = "lk:api-key:abc"


async def _ready_with_key(redis: Redis, rate_limit: int | None) -> None:
    await redis.set(VIEW_READY_KEY, "1")
    await redis.set(LOOKUP, "api_one org_one")
    if rate_limit is not None:
        await redis.set(rate_limit_lookup("org_one"), str(rate_limit))


async def test_a_missing_view_is_reported_before_the_key_is_looked_at(
    scratch_redis: Redis,
) -> None:
    await scratch_redis.set(LOOKUP, "api_one org_one")
    assert (await admit(scratch_redis, LOOKUP)).verdict is Verdict.VIEW_MISSING


async def test_an_unknown_key_is_reported_and_charges_nothing(scratch_redis: Redis) -> None:
    await _ready_with_key(scratch_redis, None)
    assert (await admit(scratch_redis, "lk:api-key:other")).verdict is Verdict.UNKNOWN_KEY
    assert await scratch_redis.keys("rl:*") == []


@pytest.mark.parametrize(("stored", "rate"), [(10, 10), (None, 100), (1000, 1000)])
async def test_a_key_gets_a_burst_of_twice_its_rate_then_waits_about_one_interval(
    scratch_redis: Redis, stored: int | None, rate: int
) -> None:
    await _ready_with_key(scratch_redis, stored)
    started = time.monotonic()
    # Many at a time, so the calls outpace the refill; bounded, so that a loaded machine does
    # not wait longer for a pooled connection than the pool allows.
    in_flight = asyncio.Semaphore(64)

    async def one() -> Admission:
        async with in_flight:
            return await admit(scratch_redis, LOOKUP)

    results = await asyncio.gather(*(one() for _ in range(4 * rate)))
    elapsed = time.monotonic() - started
    admitted = sum(a.verdict is Verdict.ADMITTED for a in results)
    # A burst of 2r at once, plus whatever the budget refilled while the calls ran.
    assert 2 * rate <= admitted <= 2 * rate + math.ceil(elapsed * rate) + 1
    refused = next(a for a in results if a.verdict is Verdict.OVER_BUDGET)
    assert refused.principal == Principal("api_one", "org_one")
    assert refused.rate_limit == rate
    assert 0 < refused.wait_micros <= 1_000_000 / rate
    assert refused.retry_after_seconds == 1


async def test_a_refused_request_consumes_nothing(scratch_redis: Redis) -> None:
    await _ready_with_key(scratch_redis, 1)
    assert [(await admit(scratch_redis, LOOKUP)).verdict for _ in range(2)] == [
        Verdict.ADMITTED
    ] * 2
    waits = [(await admit(scratch_redis, LOOKUP)).wait_micros for _ in range(5)]
    # Each refusal reports the same (shrinking) wait: refusals do not push the bucket back.
    assert all(0 < w <= 1_000_000 for w in waits)
    assert waits == sorted(waits, reverse=True)


async def test_the_script_is_sent_again_after_redis_forgot_it(scratch_redis: Redis) -> None:
    await _ready_with_key(scratch_redis, None)
    assert (await admit(scratch_redis, LOOKUP)).verdict is Verdict.ADMITTED
    await scratch_redis.script_flush()
    assert (await admit(scratch_redis, LOOKUP)).verdict is Verdict.ADMITTED
