"""The ``data`` scenario: cost must not grow with data.

1. create and redeem saturation on the store as it is (no open-loop sweep);
2. a preload of ``BENCH_PRELOAD_TOKENS`` share tokens (default 1,000,000) of another
   organization pair, written as the issuer writes them (``share_token_state`` records on
   ``connect.state``, so every index and the expiry queue hold them too), then applied to the
   Redis view by the services' state followers;
3. the same create and redeem saturation again, and each ratio to step 1 (goal: >= 0.90);
4. ``FLUSHALL`` of that Redis, and the rebuild the next request starts timed until the view is
   marked ready again: rows of ``connect.state`` replayed per second.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import replace
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from redis.asyncio import Redis

from bench import scenarios
from bench.api import Api, create_org
from bench.scenarios import Context, log
from bench.stack import http_status, wait_caught_up
from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer, OutgoingMessage, topic_partitions
from connect_shared.records import ShareTokenRecord, share_token_state
from connect_shared.replay import FOLLOWER_GROUP
from connect_shared.state import VIEW_READY_KEY, record_key

STATE_TOPIC = "connect.state"
CHUNK = 5000


def preload_count() -> int:
    """``BENCH_PRELOAD_TOKENS``: share tokens the data scenario stores before measuring again."""
    return int(os.environ.get("BENCH_PRELOAD_TOKENS", "1000000"))


async def _saturations(ctx: Context, tag: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, run in (("create", scenarios.create), ("redeem", scenarios.redeem)):
        ctx.spare_tokens = None
        result = await run(ctx)
        out[name] = float(result["saturation"]["service"]["throughput"])
        log(f"data ({tag}): {name} {out[name]:.0f}/s")
    return out


async def _sample_token(ctx: Context, redis: Redis) -> ShareTokenRecord:
    e, http = ctx.endpoints, ctx.session
    api = Api(http, e)
    source, destination = await asyncio.gather(
        create_org(e, "bench-preload-src"), create_org(e, "bench-preload-dst")
    )
    cxn = await api.active_connection(source, destination)
    inquiry = await api.inquiry(source, {"name-first": "Pre", "name-last": "Load"})
    body = jsonutil.dumps({"data": {"attributes": {"connection-id": cxn, "source-id": inquiry}}})
    async with http.post(
        f"{e.gateway}/api/v1/connect/share-tokens", data=body, headers=source.headers
    ) as response:
        token_id = str(jsonutil.loads(await response.read())["data"]["id"])
    raw = await redis.hget(record_key(token_id), "body")
    if raw is None:
        raise RuntimeError(f"the sample token {token_id} is not in the view")
    return ShareTokenRecord.model_validate(jsonutil.loads(raw))


async def preload(ctx: Context, redis: Redis, count: int) -> float:
    """Store ``count`` share tokens like the sample; seconds until the view holds them."""
    sample = await _sample_token(ctx, redis)
    prefix = sample.id.split("_", 1)[0] + "_"
    producer = DurableProducer(
        KafkaSettings(kafka_bootstrap_servers=ctx.endpoints.bootstrap), "bench", atomic=False
    )
    await producer.start()
    start = time.monotonic()
    try:
        for first in range(0, count, CHUNK):
            messages = []
            for _ in range(min(CHUNK, count - first)):
                token = sample.model_copy(update={"id": new_id(prefix)})
                record = share_token_state(token)
                value = jsonutil.dumps(record.model_dump())
                messages.append(OutgoingMessage(STATE_TOPIC, record.id, value))
            await producer.send_all(messages)
    finally:
        await producer.stop()
    log(f"data: {count} tokens on {STATE_TOPIC} in {time.monotonic() - start:.0f} s")
    await wait_caught_up(ctx.endpoints.bootstrap, FOLLOWER_GROUP, STATE_TOPIC, 3600, slack=100)
    return time.monotonic() - start


async def state_rows(bootstrap: str) -> int:
    """Records a replay of ``connect.state`` reads (end minus start of each partition)."""
    partitions = await topic_partitions(
        KafkaSettings(kafka_bootstrap_servers=bootstrap), STATE_TOPIC, "bench"
    )
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(STATE_TOPIC, p) for p in partitions]
        ends = await consumer.end_offsets(parts)
        starts = await consumer.beginning_offsets(parts)
        return sum(ends[tp] - starts[tp] for tp in parts)
    finally:
        await consumer.stop()


async def rebuild(ctx: Context, redis: Redis) -> dict[str, Any]:
    """FLUSHALL, start the rebuild with one request, and time it until the view is ready."""
    rows = await state_rows(ctx.endpoints.bootstrap)
    # ASYNC: the keys are gone at once and their memory is freed in the background; a
    # blocking FLUSHALL of a million tokens outlasts the client's read timeout.
    await redis.flushall(asynchronous=True)
    start = time.monotonic()
    ready_url = f"{ctx.endpoints.service_url('issuer')}/readyz"
    await asyncio.to_thread(http_status, ready_url)  # the guardian starts the replay
    deadline = start + 3600
    while not await redis.exists(VIEW_READY_KEY):
        if time.monotonic() > deadline:
            raise TimeoutError("the view was not rebuilt within an hour")
        await asyncio.sleep(0.1)
    seconds = time.monotonic() - start
    log(f"data: rebuild of {rows} rows in {seconds:.1f} s ({rows / seconds:.0f} rows/s)")
    return {"rows": rows, "seconds": seconds, "rows-per-s": rows / seconds}


async def data(ctx: Context) -> dict[str, Any]:
    """Create/redeem throughput before and after the preload, then the rebuild."""
    count = preload_count()
    saved, ctx.settings = ctx.settings, replace(ctx.settings, create_rates=(), redeem_rates=())
    redis = Redis.from_url(ctx.endpoints.redis_url)
    try:
        ctx.sampler.label = "data"
        empty = await _saturations(ctx, "before the preload")
        preload_s = await preload(ctx, redis, count)
        loaded = await _saturations(ctx, f"{count} tokens stored")
        rebuilt = await rebuild(ctx, redis)
    finally:
        ctx.settings = saved
        await redis.aclose()
    return {
        "preloaded-tokens": count,
        "preload-s": preload_s,
        "before": empty,
        "after": loaded,
        "ratios": {k: loaded[k] / max(empty[k], 1e-9) for k in empty},
        "rebuild": rebuilt,
    }
