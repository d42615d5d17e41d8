"""kill -9 of the stats worker in the middle of a stream: after the restart every token is
counted exactly once, as in a clean run (at-least-once redelivery is de-duplicated by the
source offsets kept in each tally)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from connect_shared.clock import iso
from stats.domain import histogram
from tests.stats.tokens import Script, days_ago, new_id, produce, stats, wait_for_stats
from tests.support.admin import create_org
from tests.support.api import ApiClient

pytestmark = pytest.mark.e2e

TOKENS = 2400
OUTCOMES = ("redeemed", "expired", "failed", None)
SECONDS_TO_END = 90.0


def _script(source: str, destination: str) -> tuple[Script, dict[str, dict[str, Any]]]:
    """TOKENS tokens over about five hours three days ago, and the hourly buckets a clean
    run counts for the source."""
    day = days_ago(3)
    script = Script(source, destination)
    connections = [new_id("cxn_") for _ in range(3)]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    redeemed_in: dict[str, int] = defaultdict(int)
    for n in range(TOKENS):
        created = day + timedelta(hours=20, seconds=n * 7.3)
        outcome = OUTCOMES[n % len(OUTCOMES)]
        ended = created + timedelta(seconds=SECONDS_TO_END)
        script.token(connections[n % 3], created, outcome, ended)
        counts[_hour_of(created)]["created"] += 1
        if outcome is not None:
            counts[_hour_of(ended)][outcome] += 1
            if outcome == "redeemed":
                redeemed_in[_hour_of(ended)] += 1
    p = histogram.quantile(histogram.add({}, SECONDS_TO_END), 0.5)
    expected = {
        hour: {
            "created": row["created"],
            "redeemed": row["redeemed"],
            "expired": row["expired"],
            "failed": row["failed"],
            "seconds-to-redeem-p50": p if redeemed_in[hour] else None,
            "seconds-to-redeem-p95": p if redeemed_in[hour] else None,
        }
        for hour, row in counts.items()
    }
    return script, expected


def _hour_of(moment: Any) -> str:
    return iso(moment.replace(minute=0, second=0, microsecond=0))


async def _counted(client: ApiClient, params: dict[str, str]) -> int:
    rows = await stats(client, **params)
    return sum(row["created"] for row in rows.values())


@pytest.mark.timeout(240)
async def test_kill_9_mid_stream_then_restart_counts_exactly_like_a_clean_run(
    services: Any, http: aiohttp.ClientSession
) -> None:
    worker = services["stats"]
    source, destination = create_org("crash source"), create_org("crash destination")
    client = ApiClient(http, source["api-key"])
    script, expected = _script(source["id"], destination["id"])
    day = days_ago(3)
    params = {
        "interval": "hour",
        "filter[from]": iso(day),
        "filter[to]": iso(day + timedelta(days=2)),
    }
    # The whole stream waits on the topic while the worker is down, so the kill below lands
    # while it is working through it.
    worker.kill()
    await produce(script.messages)
    worker.start()
    async with asyncio.timeout(60):
        while (counted := await _counted(client, params)) == 0:
            await asyncio.sleep(0.01)
    worker.kill()
    assert counted < TOKENS, "the worker finished before the kill; raise TOKENS"

    worker.start()
    await wait_for_stats(client, expected, timeout=120, **params)
