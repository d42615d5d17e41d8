"""The scenarios of issue 8, each measured beside its baseline in the same run."""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from bench import profiles, stages
from bench.api import Api, Org, create_org
from bench.kafkaio import KeyWatcher
from bench.loadgen import Operation, OperationError, RunResult, closed_loop, open_loop
from bench.stack import (
    BENCH_TOPICS,
    Endpoints,
    RssSampler,
    Stack,
    ensure_bench_topics,
    wait_caught_up,
)
from bench.stats import steady_rate, summarize
from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.events import build_event
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer, OutgoingMessage

ALL_SCENARIOS = (
    "create",
    "redeem",
    "fanout",
    "isolation",
    "stats",
    "scaling",
    "data",
    "memory",
)


def _floats(name: str, default: str) -> tuple[float, ...]:
    return tuple(float(x) for x in os.environ.get(name, default).split(",") if x.strip())


@dataclass(frozen=True)
class BenchSettings:
    """Knobs, from ``BENCH_*`` env variables."""

    duration: float = 10.0
    scenarios: tuple[str, ...] = ALL_SCENARIOS
    concurrency: int = 64
    create_rates: tuple[float, ...] = (100.0, 250.0, 500.0, 1000.0)
    create_target_rate: float = 500.0
    redeem_rates: tuple[float, ...] = (50.0, 100.0, 200.0, 400.0)
    redeem_target_rate: float = 200.0
    webhooks: int = 100
    fanout_event_rate: float = 10.0
    slow_fraction: float = 0.10
    slow_seconds: float = 5.0

    @classmethod
    def from_env(cls) -> BenchSettings:
        names = os.environ.get("BENCH_SCENARIOS", ",".join(ALL_SCENARIOS))
        scenarios = tuple(s.strip() for s in names.split(",") if s.strip())
        unknown = set(scenarios) - set(ALL_SCENARIOS)
        if unknown:
            raise SystemExit(f"BENCH_SCENARIOS: unknown {sorted(unknown)}; use {ALL_SCENARIOS}")
        return cls(
            duration=float(os.environ.get("BENCH_DURATION", "10")),
            scenarios=scenarios,
            concurrency=int(os.environ.get("BENCH_CONCURRENCY", "64")),
            create_rates=_floats("BENCH_CREATE_RATES", "100,250,500,1000"),
            redeem_rates=_floats("BENCH_REDEEM_RATES", "50,100,200,400"),
            webhooks=int(os.environ.get("BENCH_WEBHOOKS", "100")),
            fanout_event_rate=float(os.environ.get("BENCH_FANOUT_EVENT_RATE", "10")),
        )

    def step_seconds(self, rate: float, target: float) -> float:
        """Sweep points other than the target rate run for half the duration."""
        return self.duration if rate == target else max(3.0, self.duration / 2)


@dataclass
class Context:
    settings: BenchSettings
    endpoints: Endpoints
    stack: Stack
    session: aiohttp.ClientSession
    sampler: RssSampler
    results: dict[str, Any] = field(default_factory=dict)
    # Tokens left `created` by the create scenario, reused by redeem: (destination, ids).
    spare_tokens: tuple[Org, list[str]] | None = None
    # BENCH_PROFILE=1: py-spy records every service during each saturation phase.
    profile_dir: Path | None = None
    profiles: dict[str, Any] = field(default_factory=dict)


T = TypeVar("T")


async def profiled(ctx: Context, label: str, work: Awaitable[T]) -> T:
    """Run ``work``; the services' stage histograms are read before and after it, and with
    profiling on, py-spy records each service meanwhile."""
    urls = {n: f"http://127.0.0.1:{p}" for n, p in ctx.endpoints.service_ports.items()}
    before = await stages.scrape(ctx.session, urls)
    if ctx.profile_dir is None:
        result = await work
        await _stages_of(ctx, label, urls, before)
        return result
    ctx.profile_dir.mkdir(parents=True, exist_ok=True)
    seconds = max(2.0, ctx.settings.duration - 1.0)
    recorders = {
        name: asyncio.create_task(
            profiles.record(pid, seconds, ctx.profile_dir / f"{label}-{name}.txt")
        )
        for name, pid in ctx.sampler.pids.items()
    }
    result = await work
    await _stages_of(ctx, label, urls, before)
    ctx.profiles[label] = {name: await task for name, task in recorders.items()}
    return result


async def _stages_of(ctx: Context, label: str, urls: dict[str, str], before: Any) -> None:
    after = await stages.scrape(ctx.session, urls)
    ctx.results.setdefault("stages", {})[label] = {
        name: stages.stage_deltas(before.get(name, ""), page) for name, page in after.items()
    }


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _describe(run: RunResult) -> str:
    lat = summarize(run.latencies_s)
    what = f"rate {run.offered_rate:g}/s" if run.mode == "open" else f"C={run.concurrency}"
    errors = f" errors={dict(run.errors)}" if run.errors else ""
    dropped = f" dropped={run.dropped}" if run.dropped else ""
    return (
        f"{run.mode} {what}: {run.ok} ok, {run.throughput:.0f}/s, "
        f"p50 {lat.p50_ms:.1f} ms p99 {lat.p99_ms:.1f} ms{errors}{dropped}"
    )


def _ratio(value: float, floor: float) -> float | None:
    return value / floor if floor > 0 else None


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: Any, want: int
) -> bytes:
    async with session.post(url, data=body, headers=headers) as response:
        raw = await response.read()
        if response.status != want:
            raise OperationError(f"http-{response.status}")
        return raw


# --------------------------------------------------------------------------------- create


async def create(ctx: Context) -> dict[str, Any]:
    """Share-token creations through the gateway vs. one acks=all produce behind aiohttp."""
    s, e, http = ctx.settings, ctx.endpoints, ctx.session
    api = Api(http, e)
    source, destination = await asyncio.gather(
        create_org(e, "bench-create-src"), create_org(e, "bench-create-dst")
    )
    cxn = await api.active_connection(source, destination)
    inquiry = await api.inquiry(source, {"name-first": "Bench", "name-last": "Mark"})
    url = f"{e.gateway}/api/v1/connect/share-tokens"
    body = jsonutil.dumps({"data": {"attributes": {"connection-id": cxn, "source-id": inquiry}}})
    created: list[str] = []
    sample = await _post(http, url, body, source.headers, 201)
    event_size = len(sample) + 250  # the event envelope around the token document

    async def create_op() -> None:
        raw = await _post(http, url, body, source.headers, 201)
        created.append(str(jsonutil.loads(raw)["data"]["id"]))

    port = e.helper_base_port
    await ensure_bench_topics(e.bootstrap)
    floor = ctx.stack.start_helper(
        "baseline-produce",
        "produce",
        "--port", str(port),
        "--bootstrap", e.bootstrap,
        "--topic", BENCH_TOPICS[0],
        "--size", str(event_size),
    )  # fmt: skip
    ctx.sampler.others["baseline-server"] = floor.pid
    floor_url = f"http://127.0.0.1:{port}/produce"

    async def floor_op() -> None:
        await _post(http, floor_url, body, {"Content-Type": "application/json"}, 201)

    try:
        out = await _service_vs_baseline(
            ctx, "create", create_op, floor_op, s.create_rates, s.create_target_rate
        )
    finally:
        floor.stop()
    out["event-size-bytes"] = event_size
    ctx.spare_tokens = (destination, created)
    return out


async def _service_vs_baseline(
    ctx: Context,
    label: str,
    service_op: Operation,
    baseline_op: Operation,
    rates: tuple[float, ...],
    target_rate: float,
) -> dict[str, Any]:
    """Warm-up, an open-loop sweep of both (interleaved), then closed-loop saturation of both."""
    s = ctx.settings
    ctx.sampler.label = label
    await closed_loop(service_op, 8, 2.0)
    await closed_loop(baseline_op, 8, 2.0)
    sweep: list[dict[str, Any]] = []
    for offered in rates:
        step = s.step_seconds(offered, target_rate)
        for who, op in (("service", service_op), ("baseline", baseline_op)):
            run = await open_loop(op, offered, step)
            log(f"{label} {who} {_describe(run)}")
            sweep.append({"who": who, **run.as_dict()})
            await asyncio.sleep(1.0)
    ctx.sampler.label = f"{label}-saturation"
    service_sat = await profiled(
        ctx, f"{label}-saturation", closed_loop(service_op, s.concurrency, s.duration)
    )
    log(f"{label} service saturation {_describe(service_sat)}")
    ctx.sampler.label = label
    await asyncio.sleep(1.0)
    baseline_sat = await closed_loop(baseline_op, s.concurrency, s.duration)
    log(f"{label} baseline saturation {_describe(baseline_sat)}")
    at_target = next(
        (p for p in sweep if p["who"] == "service" and p["offered-rate"] == target_rate), None
    )
    return {
        "saturation": {
            "service": service_sat.as_dict(),
            "baseline": baseline_sat.as_dict(),
            "ratio": _ratio(service_sat.throughput, baseline_sat.throughput),
        },
        "target-rate": target_rate,
        "at-target-rate": at_target,
        "sweep": sweep,
    }


# --------------------------------------------------------------------------------- redeem


def _redeemed(value: bytes) -> str | None:
    if b"share-token.inbound-redeemed" in value:
        return "done"
    if b"share-token.inbound-failed" in value:
        return "failed"
    return None


async def redeem(ctx: Context) -> dict[str, Any]:
    """Redemptions end to end (202, then `redeemed` on connect.events) vs. a produce + consume
    round trip through the same Kafka."""
    s, e, http = ctx.settings, ctx.endpoints, ctx.session
    api = Api(http, e)
    needed = int(sum(r * s.step_seconds(r, s.redeem_target_rate) for r in s.redeem_rates))
    needed += int(1200 * s.duration) + 16 * 2
    if ctx.spare_tokens is not None and len(ctx.spare_tokens[1]) >= needed:
        destination, pool = ctx.spare_tokens[0], list(ctx.spare_tokens[1])
        ctx.spare_tokens = None
        log(f"redeem: reusing {len(pool)} tokens left by create")
    else:
        source, destination = await asyncio.gather(
            create_org(e, "bench-redeem-src"), create_org(e, "bench-redeem-dst")
        )
        cxn = await api.active_connection(source, destination)
        inquiry = await api.inquiry(source, {"name-first": "Bench", "name-last": "Mark"})
        url = f"{e.gateway}/api/v1/connect/share-tokens"
        body = jsonutil.dumps(
            {"data": {"attributes": {"connection-id": cxn, "source-id": inquiry}}}
        )
        pool = []

        async def make() -> None:
            raw = await _post(http, url, body, source.headers, 201)
            pool.append(str(jsonutil.loads(raw)["data"]["id"]))

        log(f"redeem: creating {needed} tokens")
        ctx.sampler.label = "redeem-setup"
        await closed_loop(make, s.concurrency, 600.0, max_ops=needed)
    # Let the create load drain out of the services' consumers before measuring.
    await wait_caught_up(e.bootstrap, "notifier-fanout", "connect.events", 60, slack=100)

    watcher = KeyWatcher(e.bootstrap, "connect.events", _redeemed)
    await watcher.start()
    redeem_url = f"{e.gateway}/api/v1/connect/share-tokens/{{}}/redeem"
    redeemed: list[str] = []

    async def redeem_op() -> None:
        if not pool:
            raise OperationError("no-tokens")
        token = pool.pop()
        done = watcher.expect(token)
        try:
            await _post(http, redeem_url.format(token), b"", destination.headers, 202)
        except BaseException:
            watcher.forget(token)
            raise
        await watcher.wait(token, done, 30.0)
        redeemed.append(token)

    await ensure_bench_topics(e.bootstrap)
    producer = DurableProducer(
        KafkaSettings(kafka_bootstrap_servers=e.bootstrap), "bench", atomic=False
    )
    await producer.start()
    echo = KeyWatcher(e.bootstrap, BENCH_TOPICS[1], lambda _: "done")
    await echo.start()
    payload = b"x" * 1024

    async def roundtrip_op() -> None:
        key = new_id("evt_")
        done = echo.expect(key)
        try:
            await producer.send(OutgoingMessage(BENCH_TOPICS[1], key, payload))
        except BaseException:
            echo.forget(key)
            raise
        await echo.wait(key, done, 30.0)

    try:
        out = await _service_vs_baseline(
            ctx, "redeem", redeem_op, roundtrip_op, s.redeem_rates, s.redeem_target_rate
        )
        sample = redeemed[-20:]
        statuses = await asyncio.gather(*(api.token_status(destination, t) for t in sample))
        out["api-check"] = {
            "sampled": len(sample),
            "redeemed": sum(1 for x in statuses if x == "redeemed"),
        }
        out["tokens-left"] = len(pool)
    finally:
        await watcher.stop()
        await echo.stop()
        await producer.stop()
    return out


# -------------------------------------------------------------------------- fan-out / isolation


@dataclass
class Fanout:
    """100 signed webhooks of one organization pointing at the sink."""

    org: Org
    hooks: list[tuple[str, str, str]]  # (name, webhook id, secret)
    sink: str
    producer: DurableProducer


async def _sink_call(http: aiohttp.ClientSession, url: str, body: Any = None) -> Any:
    if body is None:
        async with http.get(url) as response:
            return jsonutil.loads(await response.read())
    async with http.post(url, data=jsonutil.dumps(body)) as response:
        return jsonutil.loads(await response.read())


def _event(org_id: str, index: int) -> tuple[str, str, bytes]:
    """(event id, key, wire bytes) of one ``inquiry.completed`` for ``org_id``."""
    inquiry = new_id("inq_")
    obj = {
        "type": "inquiry",
        "id": inquiry,
        "attributes": {
            "status": "completed",
            "reference-id": f"bench-{index}",
            "fields": {"name-first": "Bench", "name-last": "Mark", "birthdate": "1990-01-01"},
        },
    }
    event = build_event("inquiry.completed", org_id, obj)
    return event.id, inquiry, jsonutil.dumps(event.to_wire())


async def _wait_deliveries(
    http: aiohttp.ClientSession, sink: str, expected: int, limit_s: float
) -> int:
    deadline = time.monotonic() + limit_s
    count = 0
    while time.monotonic() < deadline:
        count = int((await _sink_call(http, f"{sink}/_count"))["count"])
        if count >= expected:
            break
        await asyncio.sleep(0.25)
    return count


async def _records(http: aiohttp.ClientSession, sink: str) -> list[list[Any]]:
    return list((await _sink_call(http, f"{sink}/_records"))["records"])


async def _setup_fanout(ctx: Context) -> Fanout:
    e, http, s = ctx.endpoints, ctx.session, ctx.settings
    port = e.helper_base_port + 1
    sink_process = ctx.stack.start_helper("sink", "sink", "--port", str(port))
    ctx.sampler.others["sink"] = sink_process.pid
    sink = f"http://127.0.0.1:{port}"
    org = await create_org(e, "bench-fanout")
    api = Api(http, e)
    hooks: list[tuple[str, str, str]] = []
    for i in range(s.webhooks):
        name = f"h{i:03d}"
        wid, secret = await api.webhook(org, f"{sink}/hook/{name}", ["inquiry.completed"])
        hooks.append((name, wid, secret))
    await _sink_call(http, f"{sink}/_config", {"secrets": {n: sec for n, _, sec in hooks}})
    producer = DurableProducer(
        KafkaSettings(kafka_bootstrap_servers=e.bootstrap), "bench", atomic=False
    )
    await producer.start()
    fan = Fanout(org, hooks, sink, producer)
    await wait_caught_up(e.bootstrap, "notifier-fanout", "connect.events", 120, slack=100)
    # Warm-up: a few events all the way to the sink.
    for i in range(3):
        _, key, value = _event(org.id, i)
        await producer.send(OutgoingMessage("connect.events", key, value))
    got = await _wait_deliveries(http, sink, 3 * s.webhooks, 60)
    log(f"fanout warm-up: {got}/{3 * s.webhooks} deliveries")
    await _sink_call(http, f"{sink}/_reset", {})
    return fan


async def _burst(ctx: Context, fan: Fanout, events: int) -> tuple[list[bytes], float]:
    """Produce ``events`` events as fast as the producer takes them; (bodies, start time)."""
    messages = [_event(fan.org.id, i) for i in range(events)]
    start = time.time()
    await fan.producer.send_all(
        [OutgoingMessage("connect.events", key, value) for _, key, value in messages]
    )
    return [value for _, _, value in messages], start


def _throughput(records: list[list[Any]], healthy: set[str] | None = None) -> dict[str, Any]:
    chosen = [r for r in records if healthy is None or r[1] in healthy]
    times = [float(r[0]) for r in chosen]
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    return {
        "deliveries": len(chosen),
        "signed-valid": sum(1 for r in chosen if r[3] == 1),
        "signed-invalid": sum(1 for r in chosen if r[3] == 0),
        "unsigned": sum(1 for r in chosen if r[3] == -1),
        "span-s": span,
        "throughput": steady_rate(times, trim=0.05),
        "throughput-overall": (len(chosen) / span) if span > 0 else 0.0,
    }


async def fanout(ctx: Context) -> dict[str, Any]:
    """Signed deliveries to 100 webhooks vs. a plain aiohttp client posting the same bodies."""
    s, http = ctx.settings, ctx.session
    ctx.sampler.label = "fanout"
    fan = await _setup_fanout(ctx)
    ctx.results["_fanout"] = fan
    n_hooks = len(fan.hooks)

    # 1. Latency at a fixed event rate: event acknowledged by Kafka -> arrival at the sink.
    acked: dict[str, float] = {}

    async def produce_one() -> None:
        event_id, key, value = _event(fan.org.id, 0)
        await fan.producer.send(OutgoingMessage("connect.events", key, value))
        acked[event_id] = time.time()

    run = await open_loop(produce_one, s.fanout_event_rate, s.duration)
    await _wait_deliveries(http, fan.sink, run.ok * n_hooks, 30 + s.duration)
    records = await _records(http, fan.sink)
    latencies = [float(r[0]) - acked[r[2]] for r in records if r[2] in acked]
    fixed = {
        "event-rate": s.fanout_event_rate,
        "offered-deliveries-per-s": s.fanout_event_rate * n_hooks,
        "events": run.ok,
        "expected": run.ok * n_hooks,
        **_throughput(records),
        "latency": summarize(latencies).as_dict(),
    }
    log(
        f"fanout fixed rate: {fixed['deliveries']}/{fixed['expected']} delivered, "
        f"p50 {fixed['latency']['p50-ms']:.0f} ms p99 {fixed['latency']['p99-ms']:.0f} ms"
    )
    await _sink_call(http, f"{fan.sink}/_reset", {})

    # 2. Saturation: a burst of events worth ~2x the target for the duration.
    events = max(20, math.ceil(4000 * s.duration / n_hooks))
    ctx.sampler.label = "fanout-saturation"
    bodies, _ = await _burst(ctx, fan, events)
    await profiled(
        ctx,
        "fanout-saturation",
        _wait_deliveries(http, fan.sink, events * n_hooks, 60 + 4 * s.duration),
    )
    saturation = {"events": events, "expected": events * n_hooks}
    saturation.update(_throughput(await _records(http, fan.sink)))
    log(
        f"fanout saturation: {saturation['deliveries']}/{saturation['expected']} delivered, "
        f"{saturation['throughput']:.0f}/s"
    )
    ctx.sampler.label = "fanout"
    await _sink_call(http, f"{fan.sink}/_reset", {})

    # 3. Baseline: a plain pooled aiohttp client posting the same bodies to the same sink.
    urls = [f"{fan.sink}/hook/{name}" for name, _, _ in fan.hooks]
    work = [(u, b) for b in bodies for u in urls]
    headers = {"Content-Type": "application/json"}

    async def post_next() -> None:
        url, body = work.pop()
        await _post(http, url, body, headers, 200)

    base = await closed_loop(post_next, s.concurrency, 600.0, max_ops=len(work))
    baseline = {"client": base.as_dict(), **_throughput(await _records(http, fan.sink))}
    log(f"fanout baseline: {baseline['deliveries']} delivered, {baseline['throughput']:.0f}/s")
    await _sink_call(http, f"{fan.sink}/_reset", {})

    # 4. Baseline latency at the same event rate (each event posted to every URL at once).
    posted: dict[str, float] = {}

    async def post_event() -> None:
        event_id, _, value = _event(fan.org.id, 0)
        posted[event_id] = time.time()
        await asyncio.gather(*(_post(http, u, value, headers, 200) for u in urls))

    await open_loop(post_event, s.fanout_event_rate, s.duration)
    records = await _records(http, fan.sink)
    base_lat = [float(r[0]) - posted[r[2]] for r in records if r[2] in posted]
    baseline["fixed-rate-latency"] = summarize(base_lat).as_dict()
    await _sink_call(http, f"{fan.sink}/_reset", {})
    return {
        "webhooks": n_hooks,
        "fixed-rate": fixed,
        "saturation": saturation,
        "baseline": baseline,
        "ratio": _ratio(saturation["throughput"], baseline["throughput"]),
    }


async def isolation(ctx: Context) -> dict[str, Any]:
    """Healthy endpoints' deliveries/s while 10 % of the endpoints take 5 s to answer."""
    s, http = ctx.settings, ctx.session
    fan = ctx.results.get("_fanout")
    if not isinstance(fan, Fanout):
        ctx.sampler.label = "isolation"
        fan = await _setup_fanout(ctx)
        ctx.results["_fanout"] = fan
    names = [name for name, _, _ in fan.hooks]
    step = max(1, round(1 / s.slow_fraction))
    slow = set(names[::step])
    healthy = set(names) - slow
    secrets = {n: sec for n, _, sec in fan.hooks}
    await _sink_call(
        http,
        f"{fan.sink}/_config",
        {"secrets": secrets, "slow": sorted(slow), "slow-seconds": s.slow_seconds},
    )
    await _sink_call(http, f"{fan.sink}/_reset", {})
    events = max(20, math.ceil(4000 * s.duration / len(names)))
    ctx.sampler.label = "isolation-saturation"
    _, started = await _burst(ctx, fan, events)
    deadline = time.monotonic() + 60 + 4 * s.duration
    count = 0
    while time.monotonic() < deadline:
        records = await _records(http, fan.sink)
        count = sum(1 for r in records if r[1] in healthy)
        if count >= events * len(healthy):
            break
        await asyncio.sleep(0.5)
    records = await _records(http, fan.sink)
    healthy_figures = _throughput(records, healthy)
    healthy_times = [float(r[0]) for r in records if r[1] in healthy]
    result: dict[str, Any] = {
        "events": events,
        "slow-endpoints": len(slow),
        "slow-seconds": s.slow_seconds,
        "expected-healthy": events * len(healthy),
        "healthy": healthy_figures,
        # From the burst to the last healthy delivery: what the functional suite's isolation
        # test once asserted as a fixed bound (tests/notifier/e2e/test_delivery.py).
        "healthy-done-after-s": (max(healthy_times) - started) if healthy_times else None,
        "slow": _throughput(records, slow),
    }
    fan_figure = ctx.results.get("fanout", {}).get("saturation", {}).get("throughput")
    result["fanout-figure"] = fan_figure
    result["ratio"] = _ratio(healthy_figures["throughput"], fan_figure) if fan_figure else None
    log(
        f"isolation: healthy {healthy_figures['deliveries']}/{result['expected-healthy']} "
        f"at {healthy_figures['throughput']:.0f}/s"
    )
    ctx.sampler.label = "isolation"
    await _sink_call(http, f"{fan.sink}/_config", {"secrets": secrets})
    return result


async def teardown_fanout(ctx: Context) -> None:
    fan = ctx.results.pop("_fanout", None)
    if isinstance(fan, Fanout):
        api = Api(ctx.session, ctx.endpoints)
        await asyncio.gather(*(api.delete_webhook(fan.org, wid) for _, wid, _ in fan.hooks))
        await fan.producer.stop()


def memory(ctx: Context, idle: dict[str, int]) -> dict[str, Any]:
    """Each service's RSS idle (before any load) and its peak under each saturation phase."""
    peaks = ctx.sampler.peaks
    services: dict[str, Any] = {}
    for name in ctx.sampler.pids:
        under_load = {
            label: values[name]
            for label, values in peaks.items()
            if label.endswith("saturation") and name in values
        }
        services[name] = {
            "idle-bytes": idle.get(name),
            "saturation-peak-bytes": max(under_load.values()) if under_load else None,
            "peak-by-phase": {k: v.get(name) for k, v in peaks.items() if name in v},
        }
    return {"services": services}
