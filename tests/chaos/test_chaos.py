"""The short chaos run of ``make test``: every fault once under a steady load on a
three-broker stack of its own, then every invariant (docs/reliability.md)."""

from __future__ import annotations

import logging

import pytest

from tests.chaos.run import Plan, run
from tests.support.services import ROOT

pytestmark = pytest.mark.e2e


# One of each kind, the quick ones first: a service killed (one redeemer replica, the
# issuer), Redis flushed, a stalled sink, a broker killed and brought back. make chaos runs
# all nine, twice.
FAULTS = ("kill-redeemer", "redis-flushall", "stall-sink", "kill-issuer", "kill-broker")


@pytest.mark.timeout(240)
async def test_faults_under_load_keep_every_invariant() -> None:
    # A retry budget beyond the 30 s an Idempotency-Key lease of a dead holder may last; the
    # fault window keeps the run inside the timeout on a slow machine (later faults are
    # skipped and reported, the invariants are still checked).
    plan = Plan(
        faults=FAULTS,
        rounds=1,
        clients=4,
        retry_budget=40.0,
        probe_timeout=45.0,
        settle_timeout=40.0,
        delivery_timeout=30.0,
        load_between_faults=1.0,
        fault_window=130.0,
    )
    # The suite's own Kafka reader reconnects through the broker fault: not news.
    kafka_log = logging.getLogger("aiokafka")
    level = kafka_log.level
    kafka_log.setLevel(logging.CRITICAL)
    try:
        report = await run(plan)
    finally:
        kafka_log.setLevel(level)
    report.write(ROOT / "test-artifacts" / "chaos" / "test-report.json")
    assert report.passed, report.text()
