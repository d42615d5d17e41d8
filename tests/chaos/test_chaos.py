"""The short chaos run of ``make test``: every fault once under a steady load on a
three-broker stack of its own, then every invariant (docs/reliability.md)."""

from __future__ import annotations

import pytest

from tests.chaos.run import Plan, run
from tests.support.services import ROOT

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(240)
async def test_every_fault_under_load_keeps_every_invariant() -> None:
    # Bounds sized so the whole run fits the timeout even if every fault hit its limit late.
    plan = Plan(rounds=1, clients=4, retry_budget=45.0, probe_timeout=60.0, settle_timeout=60.0)
    report = await run(plan)
    report.write(ROOT / "test-artifacts" / "chaos" / "test-report.json")
    assert report.passed, report.text()
