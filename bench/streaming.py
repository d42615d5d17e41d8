"""The ``stats`` scenario (docs/decisions/0002-faust-for-statistics.md):

* **consumers**: the same share-token events on one topic, consumed from the start by a faust
  agent and by the project's consumer (``connect_shared.subscriber``), each in its own
  process doing the same work per message (decode into a stats fact, count it): messages/s.
* **freshness**: share-token events produced onto ``connect.events`` at the create
  scenario's target rate (both sides of each token, created now), while the stats API is
  polled (on the service itself; the gateway adds under a millisecond): seconds from each
  event's acknowledgement by Kafka to the first API answer that counts it (target: 10 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from aiokafka import AIOKafkaProducer

from bench.api import create_org
from bench.pacing import next_due_in, total_requests
from bench.stack import ROOT, ensure_bench_topics, wait_caught_up
from bench.stats import summarize
from connect_shared import jsonutil
from connect_shared.clock import iso, utcnow
from connect_shared.events import build_event
from connect_shared.ids import new_id

PROBE_TOPIC = "bench.stats-events"
PROBE_MESSAGES = 20_000
KINDS = ("created", "created", "redeemed", "expired", "failed")


def token_events(source: str, destination: str, kind: str) -> list[tuple[bytes, bytes]]:
    """Both sides' events of one token (keyed by its id, as the services key them)."""
    token_id, now = new_id("stk_"), utcnow()
    messages = []
    for side, org in (("outbound", source), ("inbound", destination)):
        attributes = {
            "status": kind,
            "direction": side,
            "created-at": iso(now),
            "redeemed-at": iso(now) if kind == "redeemed" else None,
            "connection-id": "cxn_bench",
        }
        token = {"type": "connect/share-token", "id": token_id, "attributes": attributes}
        event = build_event(f"connect/share-token.{side}-{kind}", org, token, created_at=now)
        messages.append((token_id.encode(), jsonutil.dumps(event.to_wire())))
    return messages


def _open_log(log_dir: Path, consumer: str) -> BinaryIO:
    log_dir.mkdir(parents=True, exist_ok=True)
    return (log_dir / f"probe-{consumer}.log").open("ab")


async def _probe(consumer: str, bootstrap: str, log_dir: Path) -> dict[str, Any]:
    with await asyncio.to_thread(_open_log, log_dir, consumer) as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.consumer_probe",
            consumer,
            PROBE_TOPIC,
            str(PROBE_MESSAGES),
            bootstrap,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
        )
        out, _ = await asyncio.wait_for(process.communicate(), timeout=300)
    # faust's worker may write terminal control sequences before the result line.
    text = out.decode(errors="replace")
    start = text.rfind('{"consumer"')
    if start < 0:
        raise RuntimeError(f"{consumer} probe printed no result (see {log_dir})")
    line = jsonutil.loads(text[start:].strip())
    seconds = float(line["seconds"])
    return {
        "messages": line["messages"],
        "seconds": seconds,
        "throughput": PROBE_MESSAGES / seconds,
    }


async def consumers(bootstrap: str, log_dir: Path) -> dict[str, Any]:
    """faust agent vs. the project's consumer on the same PROBE_MESSAGES events."""
    await ensure_bench_topics(bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=20)
    await producer.start()
    try:
        sent = []
        for n in range(PROBE_MESSAGES // 2):
            for key, value in token_events("org_bench_a", "org_bench_b", KINDS[n % len(KINDS)]):
                sent.append(await producer.send(PROBE_TOPIC, value, key=key))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    subscriber = await _probe("subscriber", bootstrap, log_dir)
    faust = await _probe("faust", bootstrap, log_dir)
    return {
        "messages": PROBE_MESSAGES,
        "subscriber": subscriber,
        "faust": faust,
        "ratio": faust["throughput"] / subscriber["throughput"],
    }


async def _created(session: Any, base: str, api_key: str) -> int:
    params = {"interval": "hour", "filter[from]": iso(utcnow().replace(minute=0, second=0))}
    async with session.get(
        f"{base}/api/v1/connect/share-token-stats",
        params={**params, "filter[direction]": "outbound"},
        headers={"Authorization": f"Bearer {api_key}"},
    ) as response:
        body = await response.json(content_type=None)
    if response.status != 200:
        return -1
    return sum(int(b["attributes"]["created"]) for b in body["data"])


async def freshness(ctx: Any) -> dict[str, Any]:
    """Seconds from an event's acknowledgement to the stats API counting it, at the create
    scenario's target rate of tokens (two events each)."""
    e, s = ctx.endpoints, ctx.settings
    # A backlog on connect.events (earlier scenarios, a first start) would be measured as lag.
    waited = await wait_caught_up(e.bootstrap, "connect-stats", "connect.events", 180, slack=50)
    source = await create_org(e, "bench-stats")
    rate, duration = s.create_target_rate, s.duration
    total = total_requests(rate, duration)
    acked: list[float] = [0.0] * total
    producer = AIOKafkaProducer(bootstrap_servers=e.bootstrap, acks="all", linger_ms=2)
    polls: list[tuple[float, int]] = []
    stop, all_counted = asyncio.Event(), asyncio.Event()

    async def poll() -> None:
        while not stop.is_set():
            counted = await _created(ctx.session, e.service_url("stats"), source.api_key)
            polls.append((time.monotonic(), counted))
            if counted >= total:
                all_counted.set()
            await asyncio.sleep(0.1)

    def ack(index: int) -> Any:
        return lambda _future: acked.__setitem__(index, time.monotonic())

    await producer.start()
    poller = asyncio.create_task(poll())
    try:
        start = time.monotonic()
        pending = []
        for i in range(total):
            await asyncio.sleep(next_due_in(rate, i, time.monotonic() - start))
            outbound, inbound = token_events(source.id, "org_bench_dst", "created")
            future = await producer.send("connect.events", outbound[1], key=outbound[0])
            future.add_done_callback(ack(i))
            pending += [future, await producer.send("connect.events", inbound[1], key=inbound[0])]
        await asyncio.gather(*pending)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_counted.wait(), 60)
    finally:
        stop.set()
        await poller
        await producer.stop()
    lags = []
    for index, acked_at in enumerate(acked):
        seen = next((t for t, count in polls if count >= index + 1 and t >= acked_at), None)
        if seen is not None:
            lags.append(seen - acked_at)
    summary = summarize(lags)
    return {
        "backlog-wait-s": waited,
        "tokens-per-s": rate,
        "events-per-s": 2 * rate,
        "tokens": total,
        "counted": polls[-1][1] if polls else 0,
        "lag-s": {"p50": summary.p50_ms / 1000, "p99": summary.p99_ms / 1000,
                  "max": max(lags, default=float("nan"))},
    }  # fmt: skip


async def stats(ctx: Any) -> dict[str, Any]:
    """Both parts of the scenario."""
    return {
        "consumers": await consumers(ctx.endpoints.bootstrap, ctx.stack.log_dir),
        "freshness": await freshness(ctx),
    }
