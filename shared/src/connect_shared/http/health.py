"""``/healthz`` (the process answers) and ``/readyz`` (Kafka, Redis and the view are usable)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from connect_shared.http.responses import json_response
from connect_shared.runtime import RUNTIME
from connect_shared.state import view_is_ready

CHECK_TIMEOUT_SECONDS = 2.0


async def healthz(_: web.Request) -> web.Response:
    """Liveness: 200 while the event loop runs."""
    return json_response({"status": "ok"})


async def _check_redis(request: web.Request) -> tuple[bool, bool]:
    redis = request.app[RUNTIME].redis
    await redis.ping()
    return True, await view_is_ready(redis)


async def _check_kafka(request: web.Request) -> bool:
    client = request.app[RUNTIME].producer.raw.client
    # A fresh metadata request proves a broker answers now, not when we connected.
    return bool(await client.fetch_all_metadata())


async def readyz(request: web.Request) -> web.Response:
    """Readiness: 200 only when Kafka and Redis answer and the Redis view is built."""
    checks: dict[str, Any] = {}
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            _, checks["view"] = await _check_redis(request)
        checks["redis"] = True
    except Exception as exc:
        checks["redis"] = False
        checks["view"] = False
        checks["redis_error"] = type(exc).__name__
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            checks["kafka"] = await _check_kafka(request)
    except Exception as exc:
        checks["kafka"] = False
        checks["kafka_error"] = type(exc).__name__
    if checks["redis"] and not checks["view"]:
        request.app[RUNTIME].guardian.start_rebuild()
    ready = bool(checks["redis"] and checks["kafka"] and checks["view"])
    return json_response(
        {"status": "ready" if ready else "unready", "checks": checks}, status=200 if ready else 503
    )
