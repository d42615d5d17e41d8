"""The ``scaling`` scenario: saturation throughput of each service with 1 and with 2
processes (``<SVC>_WORKERS``; the second process also joins the consumer groups, so for the
redeemer and the notifier it is a second replica in the group).

The bench restarts only services it started itself; each is left running with one process
afterwards. The measurement is the service's own scenario without its open-loop sweep:
``create`` for the issuer, ``redeem`` (end to end) for the redeemer, ``fanout`` for the
notifier.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bench import scenarios
from bench.scenarios import Context, log
from bench.stack import wait_caught_up

Scenario = Callable[[Context], Awaitable[dict[str, Any]]]


async def fanout_saturation(ctx: Context) -> dict[str, Any]:
    """A burst of events to the fan-out scenario's webhooks (set up when missing)."""
    s, http = ctx.settings, ctx.session
    fan = ctx.results.get("_fanout")
    if not isinstance(fan, scenarios.Fanout):
        fan = await scenarios._setup_fanout(ctx)
        ctx.results["_fanout"] = fan
    await wait_caught_up(
        ctx.endpoints.bootstrap, "notifier-fanout", "connect.events", 120, slack=100
    )
    await scenarios._sink_call(http, f"{fan.sink}/_reset", {})
    events = max(20, math.ceil(4000 * s.duration / len(fan.hooks)))
    await scenarios._burst(ctx, fan, events)
    expected = events * len(fan.hooks)
    await scenarios._wait_deliveries(http, fan.sink, expected, 60 + 4 * s.duration)
    figures = scenarios._throughput(await scenarios._records(http, fan.sink))
    await scenarios._sink_call(http, f"{fan.sink}/_reset", {})
    return {"saturation": figures}


def _throughput(result: dict[str, Any]) -> float:
    saturation = result["saturation"]
    service = saturation.get("service", saturation)
    return float(service["throughput"])


PLAN: tuple[tuple[str, str, Scenario], ...] = (
    ("issuer", "create", scenarios.create),
    ("redeemer", "redeem", scenarios.redeem),
    ("notifier", "fanout", fanout_saturation),
)


async def _with_workers(ctx: Context, service: str, workers: int) -> list[int]:
    pids = await asyncio.to_thread(ctx.stack.restart_service, service, workers)
    for name in [n for n in ctx.sampler.pids if n.startswith(f"{service}-")]:
        del ctx.sampler.pids[name]
    ctx.sampler.pids[service] = pids[0] if pids else ctx.stack.service_pids[service]
    for index, pid in enumerate(p for p in pids if p != ctx.sampler.pids[service]):
        ctx.sampler.pids[f"{service}-{index + 2}"] = pid
    return pids


async def scaling(ctx: Context) -> dict[str, Any]:
    """Throughput with 1 and 2 processes of each service the bench started."""
    quick = replace(ctx.settings, create_rates=(), redeem_rates=())
    saved, ctx.settings = ctx.settings, quick
    out: dict[str, Any] = {}
    try:
        for service, scenario, run in PLAN:
            if scenario not in saved.scenarios:
                continue
            if not ctx.stack.owns(service):
                out[service] = {"skipped": "not started by this bench run"}
                continue
            row: dict[str, Any] = {"scenario": scenario}
            for workers in (1, 2):
                pids = await _with_workers(ctx, service, workers)
                ctx.spare_tokens = None
                result = await run(ctx)
                row[f"{workers}-throughput"] = _throughput(result)
                row[f"{workers}-pids"] = len(pids)
                log(f"scaling {service} x{workers}: {row[f'{workers}-throughput']:.0f}/s")
            row["ratio"] = row["2-throughput"] / max(row["1-throughput"], 1e-9)
            await _with_workers(ctx, service, 1)
            out[service] = row
    finally:
        ctx.settings = saved
    return out
