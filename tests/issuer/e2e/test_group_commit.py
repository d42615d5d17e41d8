"""Concurrent requests share Kafka transactions (group commit) and each still gets its own
answer, seen through the issuer's own metrics (docs/decisions/0001-atomic-writes.md)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.issuer.helpers import Pair
from tests.support.kafka import TopicRecorder
from tests.support.ports import SERVICE_PORTS

pytestmark = pytest.mark.e2e

SETS = "connect_kafka_write_sets_per_transaction_sum"
TRANSACTIONS = "connect_kafka_write_sets_per_transaction_count"


async def issuer_metrics() -> dict[str, float]:
    url = f"http://127.0.0.1:{SERVICE_PORTS['issuer']}/metrics"
    async with aiohttp.ClientSession() as session, session.get(url) as reply:
        text = await reply.text()
    values: dict[str, float] = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in (SETS, TRANSACTIONS):
            values[name] = float(value)
    return values


async def test_concurrent_creates_share_transactions_and_each_gets_its_own_token(
    pair: Pair, events: TopicRecorder
) -> None:
    before = await issuer_metrics()
    replies = await asyncio.gather(*(pair.issue() for _ in range(60)))
    after = await issuer_metrics()

    assert [r.status for r in replies] == [201] * 60
    ids = {r.data["id"] for r in replies}
    assert len(ids) == 60
    sets = after[SETS] - before[SETS]
    transactions = after[TRANSACTIONS] - before[TRANSACTIONS]
    assert sets >= 60
    assert transactions < sets  # some requests shared a commit
    # Each request's whole write landed: both creation events of every token.
    for name in ("outbound-created", "inbound-created"):
        found = await events.wait_for(
            lambda m, n=name: (
                m["data"]["attributes"]["name"] == f"connect/share-token.{n}"
                and m["data"]["attributes"]["payload"]["data"]["id"] in ids
            ),
            count=60,
        )
        assert {m["data"]["attributes"]["payload"]["data"]["id"] for m in found} == ids
