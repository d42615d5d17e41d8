"""One chaos run: start the stack, run the load, inject the faults in turn (``rounds`` times),
stop the load, let everything settle, read the facts and check the invariants.

Bounded: every wait has a limit (the probe bound per fault, the retry budget per call, the
settle bound), so a run that cannot recover ends with a report instead of hanging."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from connect_shared import jsonutil
from tests.chaos.client import Call
from tests.chaos.faults import FAULTS, Context, Outcome, run_fault
from tests.chaos.invariants import Check, Facts, all_checks, copies_by_token
from tests.chaos.load import Load, World, build_world, probe
from tests.chaos.observers import EventLog, Sink
from tests.chaos.stack import ChaosStack


@dataclass(frozen=True)
class Plan:
    """How much chaos: which faults, how often, how many clients, and the bounds."""

    faults: tuple[str, ...] = tuple(f.name for f in FAULTS)
    rounds: int = 1
    clients: int = 6
    retry_budget: float = 60.0
    probe_timeout: float = 120.0
    settle_timeout: float = 120.0
    delivery_timeout: float = 60.0
    load_between_faults: float = 3.0
    # Faults are started only while the run is younger than this; later ones are reported as
    # skipped, so the whole run stays bounded whatever the machine's speed.
    fault_window: float = 3600.0


@dataclass
class Report:
    plan: Plan
    outcomes: list[Outcome] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    start_seconds: float = 0.0  # until the stack was up and every replica ready

    @property
    def passed(self) -> bool:
        recovered = all(o.recovery_seconds is not None for o in self.outcomes)
        return recovered and all(c.holds for c in self.checks)

    def text(self) -> str:
        lines = [
            f"chaos run: {self.seconds:.0f} s (stack ready after {self.start_seconds:.0f} s), "
            f"{self.totals}"
        ]
        lines.append("faults (recovery = seconds until a probe went through again):")
        for o in self.outcomes:
            took = "NOT RECOVERED" if o.recovery_seconds is None else f"{o.recovery_seconds} s"
            lines.append(f"  {o.name:16} {took:>14}  {o.description}")
            lines += [f"  {'':16} {'':>14}  note: {n}" for n in o.notes]
        if self.skipped:
            lines.append(f"  skipped (out of the fault window): {', '.join(self.skipped)}")
        lines.append("invariants:")
        lines += [f"  {c.summary()}" for c in self.checks]
        lines.append("PASSED" if self.passed else "FAILED")
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "passed": self.passed,
            "seconds": round(self.seconds, 1),
            "start_seconds": round(self.start_seconds, 1),
            "plan": self.plan.__dict__,
            "totals": self.totals,
            "faults": [o.__dict__ for o in self.outcomes],
            "skipped": self.skipped,
            "invariants": [
                {"name": c.name, "checked": c.checked, "violations": c.violations}
                for c in self.checks
            ],
        }
        path.write_bytes(jsonutil.dumps(document))


async def retry_given_up(world: World) -> None:
    """Once the faults are over, every call that gave up is retried (all at once) for one more
    budget with its key and body: what still refuses then is refused forever."""
    clients = {"create": world.source, "redeem": world.destination, "setup": world.source}

    async def again(call: Call) -> None:
        body = world.token_body() if call.kind == "create" else None
        await clients.get(call.kind, world.source).post(call.kind, call.path, body, call)
        if call.kind == "create" and call.final == 201:
            world.created[str(call.body["data"]["id"])] = call
        if call.kind == "redeem":
            world.redeems[call.path.split("/")[-2]] = call

    await asyncio.gather(*(again(c) for c in world.traffic.calls if c.gave_up))


async def settle(world: World, timeout: float) -> dict[str, str]:
    """Token statuses once every accepted redemption finished (or the bound passed)."""
    deadline = time.monotonic() + timeout
    while True:
        listed = await world.source.get_all("/connect/share-tokens?page[size]=100")
        statuses = {str(t["id"]): str(t["attributes"]["status"]) for t in listed}
        unfinished = [
            t
            for t, call in world.redeems.items()
            if call.final == 202 and statuses.get(t) != "redeemed"
        ]
        if not unfinished or time.monotonic() >= deadline:
            return statuses
        await asyncio.sleep(1.0)


async def read_facts(world: World, events: EventLog, plan: Plan) -> Facts:
    tokens = await settle(world, plan.settle_timeout)
    copies = copies_by_token(await world.destination.get_all("/inquiries?page[size]=100"))
    await events.caught_up()
    # Deliveries of the last events may still be under way: wait for them, bounded.
    deadline = time.monotonic() + plan.delivery_timeout
    ours = {world.source_org, world.destination_org}
    while time.monotonic() < deadline and any(
        e.id not in world.sink.arrivals for e in events.events if e.organization in ours
    ):
        await asyncio.sleep(0.5)
    return Facts(tokens, copies, list(events.events))


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, flush=True)


async def run(plan: Plan, stack: ChaosStack | None = None, progress: bool = False) -> Report:
    """A whole run on a fresh chaos stack; the stack is stopped at the end. ``progress``
    prints each step as it happens (``make chaos``)."""
    stack = stack or ChaosStack()
    report = Report(plan)
    started = time.monotonic()
    by_name = {f.name: f for f in FAULTS}
    selected = [by_name[name] for name in plan.faults]
    sink = Sink(stack.ports.sink)
    events = EventLog(stack.ports.bootstrap)
    timeout = aiohttp.ClientTimeout(total=30)
    try:
        await asyncio.to_thread(stack.start)
        report.start_seconds = time.monotonic() - started
        await sink.start()
        await events.start()
        async with aiohttp.ClientSession(timeout=timeout) as session:
            world = await build_world(stack, session, sink, plan.retry_budget)
            context = Context(stack, world, sink, plan.probe_timeout)
            load = Load(world, plan.clients)
            load.start()
            await probe(world, plan.probe_timeout)
            _say(progress, f"load running ({plan.clients} clients)")
            for _ in range(plan.rounds):
                for fault in selected:
                    if time.monotonic() - started > plan.fault_window:
                        report.skipped.append(fault.name)
                        continue
                    outcome = await run_fault(fault, context)
                    report.outcomes.append(outcome)
                    _say(progress, f"{fault.name}: {outcome.recovery_seconds} s {outcome.notes}")
                    await asyncio.sleep(plan.load_between_faults)
            await load.stop()
            sink.release()
            _say(progress, "load stopped; retrying what gave up, settling")
            await asyncio.to_thread(stack.wait_ready, plan.probe_timeout)
            await retry_given_up(world)
            facts = await read_facts(world, events, plan)
            report.checks = all_checks(world, facts)
            report.totals = {
                "calls": len(world.traffic.calls),
                "tokens-created": len(world.created),
                "redeems-accepted": sum(c.final == 202 for c in world.redeems.values()),
                "events": len(facts.events),
                "deliveries": sum(len(a) for a in sink.arrivals.values()),
            }
    finally:
        with contextlib.suppress(Exception):
            await events.stop()
        await sink.stop()
        await asyncio.to_thread(stack.stop)
    report.seconds = time.monotonic() - started
    return report
