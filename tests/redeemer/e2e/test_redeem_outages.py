"""Outages: a killed redemption worker and a lost Redis lose nothing a client was told."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections import Counter, defaultdict
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.redeemer.e2e.world import (
    Pair,
    all_objects,
    copies_of,
    create_object,
    share,
    token_status,
    wait_finished,
)
from tests.support.admin import set_rate_limit
from tests.support.kafka import TopicRecorder
from tests.support.ports import redis_url, service_env
from tests.support.services import ROOT, ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.disruptive]

REDEEM = "/connect/share-tokens/{}/redeem"


def _redeemed_token(message: dict[str, Any]) -> str | None:
    """The token a ``-redeemed`` event is about (None for any other event)."""
    attributes = message["data"]["attributes"]
    if not attributes["name"].endswith("-redeemed"):
        return None
    token_id = attributes["payload"]["data"].get("id")
    return token_id if isinstance(token_id, str) else None


async def test_kill_9_of_the_worker_mid_flight_loses_and_duplicates_nothing(
    pair: Pair, events: TopicRecorder, services: dict[str, ServiceProcess]
) -> None:
    # 60 tokens polled at once until they finish outrun the default budget of one key; this
    # test is about the crash, not the budget.
    await asyncio.to_thread(set_rate_limit, pair.destination_org, 5000)
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    tokens = [await share(pair, inquiry["id"]) for _ in range(60)]
    replies = await asyncio.gather(
        *(pair.destination.post(REDEEM.format(token_id)) for token_id in tokens)
    )
    accepted = [t for t, r in zip(tokens, replies, strict=True) if r.status == 202]
    assert len(accepted) == len(tokens)
    # Mid-flight: the kill lands once the first redemption has finished, and the test proves
    # that others had not yet (otherwise it would test a restart, not a crash).
    await events.wait_for(lambda m: _redeemed_token(m) in accepted, timeout=30)
    services["redeemer"].kill()
    done_before_kill = {_redeemed_token(m) for m in events.messages} & set(accepted)
    assert 0 < len(done_before_kill) < len(accepted), "the kill did not land mid-flight"
    services["redeemer"].start()

    finished = await asyncio.gather(
        *(wait_finished(pair.destination, t, timeout=90) for t in accepted)
    )
    assert {t["attributes"]["status"] for t in finished} == {"redeemed"}
    # A copy written by the killed process reaches the view through the state follower (or
    # the redelivered request), possibly a moment after its token: wait for it, bounded.
    copies = await all_objects(pair.destination, "inquiries")
    async with asyncio.timeout(30):
        while not all(copies_of(copies, t) for t in accepted):
            await asyncio.sleep(0.5)
            copies = await all_objects(pair.destination, "inquiries")
    for token_id in accepted:
        assert len(copies_of(copies, token_id)) == 1
    await events.caught_up()
    ids_by_token: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for message in events.messages:
        data = message["data"]
        token_id = data["attributes"]["payload"]["data"].get("id")
        if token_id in accepted and data["attributes"]["name"].endswith("-redeemed"):
            ids_by_token[token_id].add(data["id"])
            counts[data["id"]] += 1
    assert all(len(ids_by_token[t]) == 2 for t in accepted)
    assert max(counts.values()) == 1, "an event id was produced twice"


async def test_flushall_gives_503_until_rebuilt_then_every_status_is_back(
    pair: Pair, services: dict[str, ServiceProcess]
) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    redeemed, created, expired = [await share(pair, inquiry["id"]) for _ in range(3)]
    assert (await pair.destination.post(REDEEM.format(redeemed))).status == 202
    await wait_finished(pair.destination, redeemed)
    assert (await pair.source.post(f"/connect/share-tokens/{expired}/expire")).status == 200
    before = {t: await token_status(pair.source, t) for t in (redeemed, created, expired)}
    assert before == {redeemed: "redeemed", created: "created", expired: "expired"}

    redis = Redis.from_url(redis_url())
    try:
        await redis.flushall()
    finally:
        await redis.aclose()
    refused = await pair.destination.post(REDEEM.format(created))
    assert refused.status == 503, refused.body

    rebuilt = await asyncio.to_thread(
        subprocess.run,
        [str(ROOT / ".venv/bin/connect-redeemer-rebuild")],
        cwd=ROOT,
        env={**os.environ, **service_env("redeemer")},
        capture_output=True,
        timeout=120,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr.decode()
    after = {t: await token_status(pair.source, t) for t in before}
    assert after == before
    assert (await pair.destination.post(REDEEM.format(redeemed))).status == 409
    accepted = await pair.destination.post(REDEEM.format(created))
    assert accepted.status == 202, accepted.body
    assert (await wait_finished(pair.destination, created))["attributes"]["status"] == "redeemed"
