"""The single-use token claim is a lease: a winner that died frees the token within the lease,
a live winner keeps it while it writes (real Redis)."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from connect_shared import jsonutil, token_guard
from connect_shared.token_guard import ClaimResult, TokenGuard

pytestmark = pytest.mark.integration

TOKEN = "cnst_leasetest0000000000000"
NOW_MS = 1_700_000_000_000


@pytest.fixture
async def guard(scratch_redis: Redis, monkeypatch: pytest.MonkeyPatch) -> TokenGuard:
    monkeypatch.setattr(token_guard, "CLAIM_SECONDS", 1)
    body = {"status": "created", "expires_at_ms": NOW_MS + 3_600_000}
    await scratch_redis.hset(f"rec:{TOKEN}", mapping={"offset": 1, "body": jsonutil.dumps(body)})
    return TokenGuard(scratch_redis)


async def test_the_claim_of_a_winner_that_died_ends_and_the_token_is_claimable_again(
    guard: TokenGuard, scratch_redis: Redis
) -> None:
    assert await guard.claim(TOKEN, "dead", NOW_MS) is ClaimResult.WON
    assert await guard.claim(TOKEN, "next", NOW_MS) is ClaimResult.NOT_CREATED
    assert 0 < await scratch_redis.pttl(f"guard:token:{TOKEN}") <= 1000
    async with asyncio.timeout(10):  # nobody renews it: it lapses within the lease
        while await guard.claim(TOKEN, "next", NOW_MS) is not ClaimResult.WON:
            await asyncio.sleep(0.1)


async def test_a_live_winner_keeps_its_claim_while_it_writes(
    guard: TokenGuard, scratch_redis: Redis
) -> None:
    assert await guard.claim(TOKEN, "alive", NOW_MS) is ClaimResult.WON
    async with guard.kept(TOKEN, "alive"):
        renewals = 0
        last = await scratch_redis.pttl(f"guard:token:{TOKEN}")
        async with asyncio.timeout(10):
            while renewals < 4:  # four renewals: well past one lease period
                await asyncio.sleep(0.05)
                now = await scratch_redis.pttl(f"guard:token:{TOKEN}")
                assert now > 0, "the claim lapsed while its winner was alive"
                renewals += now > last
                last = now
        assert await guard.claim(TOKEN, "other", NOW_MS) is ClaimResult.NOT_CREATED
