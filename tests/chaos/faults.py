"""The faults of the chaos suite. Each one breaks something while the load runs, puts it back
the way an operator or a supervisor would, and measures its recovery: the seconds from the
moment it broke until a probe (create, redeem, see it redeemed, see its webhook) went through
again with every replica ready."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.chaos.load import World, probe
from tests.chaos.observers import Sink
from tests.chaos.stack import ChaosStack

STALL_SECONDS = 8.0
BROKER_DOWN_SECONDS = 10.0  # extra bound for the probe while a broker is down


@dataclass
class Outcome:
    """What one fault did: recovery seconds (None: no recovery within the bound), notes."""

    name: str
    description: str
    recovery_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    stack: ChaosStack
    world: World
    sink: Sink
    probe_timeout: float

    async def recovered_since(self, start: float) -> float:
        """Seconds from ``start`` until a probe went through with every replica ready."""
        await asyncio.to_thread(self.stack.wait_ready, self.probe_timeout)
        done = await probe(self.world, self.probe_timeout)
        return done - start


Inject = Callable[[Context, Outcome], Awaitable[float]]
"""Breaks and restores; returns the monotonic time recovery is measured from."""


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    inject: Inject


def _kill_service(name: str) -> Inject:
    async def inject(ctx: Context, outcome: Outcome) -> float:
        replica = ctx.stack.of(name)[0]
        start = time.monotonic()
        await asyncio.to_thread(replica.kill)
        # A supervisor (systemd, k8s) starts it again at once.
        replica.start()
        return start

    return inject


async def _rolling_restart(ctx: Context, outcome: Outcome) -> float:
    start = time.monotonic()
    for replica in ctx.stack.replicas:
        code = await asyncio.to_thread(replica.terminate, 60.0)
        if code != 0:
            outcome.notes.append(f"{replica.label} exited with {code} on SIGTERM (want 0)")
        replica.start()
        await asyncio.to_thread(ctx.stack.wait_ready, ctx.probe_timeout)
    return start


async def _kill_broker(ctx: Context, outcome: Outcome) -> float:
    start = time.monotonic()
    await asyncio.to_thread(ctx.stack.kill_component, "kafka-2")
    # Two of three brokers hold min.insync.replicas: the stack must serve meanwhile, and its
    # recovery is how soon it did.
    try:
        served = await probe(ctx.world, BROKER_DOWN_SECONDS + ctx.probe_timeout)
        outcome.recovery_seconds = round(served - start, 2)
    finally:
        await asyncio.to_thread(ctx.stack.start_missing)
    back = await ctx.recovered_since(start)
    outcome.notes.append(f"the broker back and a probe through after {back:.1f} s")
    return start


async def _restart_broker(ctx: Context, outcome: Outcome) -> float:
    start = time.monotonic()
    await asyncio.to_thread(ctx.stack.terminate_component, "kafka-3")
    await asyncio.to_thread(ctx.stack.start_missing)
    return start


async def _flushall(ctx: Context, outcome: Outcome) -> float:
    start = time.monotonic()
    await asyncio.to_thread(ctx.stack.flushall)
    return start


async def _restart_redis(ctx: Context, outcome: Outcome) -> float:
    start = time.monotonic()
    await asyncio.to_thread(ctx.stack.flushall)
    await asyncio.to_thread(ctx.stack.kill_component, "redis")
    await asyncio.to_thread(ctx.stack.start_missing)
    return start


async def _stall_sink(ctx: Context, outcome: Outcome) -> float:
    ctx.sink.stall()
    await asyncio.sleep(STALL_SECONDS)
    ctx.sink.release()
    return time.monotonic()


FAULTS: tuple[Fault, ...] = (
    Fault("kill-issuer", "kill -9 of the issuer, started again at once", _kill_service("issuer")),
    Fault(
        "kill-redeemer",
        "kill -9 of one redeemer replica (of two), started again at once",
        _kill_service("redeemer"),
    ),
    Fault(
        "kill-notifier",
        "kill -9 of one notifier replica (of two), started again at once",
        _kill_service("notifier"),
    ),
    Fault(
        "rolling-restart",
        "SIGTERM of every replica in turn, each started again once the last is ready",
        _rolling_restart,
    ),
    Fault(
        "kill-broker",
        "kill -9 of one Kafka broker of three (recovery: a probe through without it), then "
        "started again",
        _kill_broker,
    ),
    Fault("restart-broker", "SIGTERM of one broker and start it again", _restart_broker),
    Fault("redis-flushall", "FLUSHALL of Redis (views, guards, queues, caches)", _flushall),
    Fault(
        "redis-restart",
        "FLUSHALL, then kill -9 of Redis and start it again (empty)",
        _restart_redis,
    ),
    Fault(
        "stall-sink",
        f"the webhook sink holds every request for {STALL_SECONDS:.0f} s, then answers again "
        "(recovery measured from the release)",
        _stall_sink,
    ),
)


async def run_fault(fault: Fault, ctx: Context) -> Outcome:
    """Inject ``fault`` and measure its recovery (None when it did not recover in time)."""
    outcome = Outcome(fault.name, fault.description)
    try:
        start = await fault.inject(ctx, outcome)
        if outcome.recovery_seconds is None:
            outcome.recovery_seconds = round(await ctx.recovered_since(start), 2)
    except (TimeoutError, RuntimeError, subprocess.CalledProcessError) as exc:
        outcome.notes.append(f"did not recover: {exc!r}")
    return outcome
