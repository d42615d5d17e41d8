"""The asyncio load generator: open loop at a fixed rate (latency) and closed loop with a fixed
number of workers (saturation throughput). One operation is an ``async () -> None`` that raises
on failure; the generator times it and counts outcomes."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench import pacing
from bench.stats import rate, summarize

Operation = Callable[[], Awaitable[None]]


class OperationError(Exception):
    """An operation failed in a way worth counting by name (e.g. ``"http-503"``)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class RunResult:
    """What one load run measured."""

    mode: str  # "open" | "closed"
    offered_rate: float | None
    concurrency: int | None
    duration_s: float
    latencies_s: list[float] = field(default_factory=list)
    completion_times: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    dropped: int = 0  # open loop: not issued because too many were outstanding
    elapsed_s: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies_s)

    @property
    def throughput(self) -> float:
        """Successful operations per second over the run (including its drain)."""
        return rate(self.ok, self.elapsed_s)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "offered-rate": self.offered_rate,
            "concurrency": self.concurrency,
            "duration-s": self.duration_s,
            "elapsed-s": self.elapsed_s,
            "ok": self.ok,
            "errors": dict(self.errors),
            "dropped": self.dropped,
            "throughput": self.throughput,
            "latency": summarize(self.latencies_s).as_dict(),
        }


async def _timed(op: Operation, intended: float, result: RunResult) -> None:
    try:
        await op()
    except asyncio.CancelledError:
        result.errors["cancelled"] += 1
        raise
    except OperationError as exc:
        result.errors[exc.kind] += 1
    except Exception as exc:
        result.errors[type(exc).__name__] += 1
    else:
        done = time.perf_counter()
        result.latencies_s.append(done - intended)
        result.completion_times.append(done)


async def open_loop(
    op: Operation,
    offered_rate: float,
    duration: float,
    *,
    max_outstanding: int = 4000,
    drain_timeout: float = 30.0,
) -> RunResult:
    """Issue ``op`` at ``offered_rate`` per second for ``duration`` seconds, each timed from its
    intended start; then wait up to ``drain_timeout`` for the stragglers."""
    result = RunResult("open", offered_rate, None, duration)
    total = pacing.total_requests(offered_rate, duration)
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    issued = 0
    while issued < total:
        due = pacing.due_count(offered_rate, time.perf_counter() - start, total)
        while issued < due:
            intended = start + pacing.intended_offset(issued, offered_rate)
            if len(tasks) >= max_outstanding:
                result.dropped += 1
            else:
                task = asyncio.create_task(_timed(op, intended, result))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            issued += 1
        if issued < total:
            await asyncio.sleep(
                pacing.next_due_in(offered_rate, issued, time.perf_counter() - start)
            )
    if tasks:
        _, late = await asyncio.wait(set(tasks), timeout=drain_timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)
    result.elapsed_s = time.perf_counter() - start
    return result


async def closed_loop(
    op: Operation,
    concurrency: int,
    duration: float,
    *,
    max_ops: int | None = None,
) -> RunResult:
    """``concurrency`` workers each run ``op`` back to back for ``duration`` seconds (or until
    ``max_ops`` operations were started); latency is per operation."""
    result = RunResult("closed", None, concurrency, duration)
    start = time.perf_counter()
    deadline = start + duration
    started = 0

    async def worker() -> None:
        nonlocal started
        while time.perf_counter() < deadline and (max_ops is None or started < max_ops):
            started += 1
            await _timed(op, time.perf_counter(), result)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed_s = time.perf_counter() - start
    return result
