"""``make chaos`` / ``python -m tests.chaos``: every fault ``CHAOS_ROUNDS`` times (default 2)
under ``CHAOS_CLIENTS`` clients (default 8); ``CHAOS_FAULTS`` picks faults by name (comma
separated). Prints the report, writes it to ``test-artifacts/chaos/report.json`` and exits 1
when an invariant failed or a fault did not recover."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from tests.chaos.faults import FAULTS
from tests.chaos.run import Plan, run
from tests.support.services import ROOT


def plan_from_env() -> Plan:
    names = tuple(n.strip() for n in os.environ.get("CHAOS_FAULTS", "").split(",") if n.strip())
    known = {f.name for f in FAULTS}
    if unknown := set(names) - known:
        raise SystemExit(f"CHAOS_FAULTS: unknown {sorted(unknown)}; known: {sorted(known)}")
    return Plan(
        faults=names or tuple(f.name for f in FAULTS),
        rounds=int(os.environ.get("CHAOS_ROUNDS", "2")),
        clients=int(os.environ.get("CHAOS_CLIENTS", "8")),
    )


def _stop(signum: int, frame: object) -> None:
    # SIGTERM (CI's timeout) ends the run like Ctrl-C: the stack it started is stopped.
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    # The suite's own Kafka reader reconnects through every broker fault: not news.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    report = asyncio.run(run(plan_from_env(), progress=True))
    print(report.text())
    report.write(ROOT / "test-artifacts" / "chaos" / "report.json")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
