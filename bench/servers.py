"""Helper servers run as their own processes beside the stack, so they never share an event
loop (or a GIL) with the load generator:

* ``produce``: the "durable create" floor, an aiohttp handler that only does one acks=all,
  idempotent produce (the services' own ``DurableProducer``) of a same-sized event;
* ``sink``: the webhook receiver of fan-out / isolation, answering 200 (after a sleep for the
  endpoints configured as slow), checking each ``Persona-Signature`` and recording arrivals.

``python -m bench.servers produce --port P --bootstrap HOST:PORT --topic T --size N``
``python -m bench.servers sink --port P``
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import time
from typing import Any

from aiohttp import web

from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.ids import new_id
from connect_shared.kafka import DurableProducer, OutgoingMessage

PRODUCER = web.AppKey("producer", DurableProducer)


def produce_app(bootstrap: str, topic: str, size: int) -> web.Application:
    """``POST /produce``: 201 once one ``size``-byte record is acknowledged by all replicas."""
    app = web.Application()
    filler = b"x" * max(0, size - 40)

    async def producer_ctx(app: web.Application) -> Any:
        producer = DurableProducer(
            KafkaSettings(kafka_bootstrap_servers=bootstrap), "bench", atomic=False
        )
        await producer.start()
        app[PRODUCER] = producer
        yield
        await producer.stop()

    async def produce(request: web.Request) -> web.Response:
        await request.read()
        key = new_id("evt_")
        value = b'{"id":"' + key.encode() + b'","filler":"' + filler + b'"}'
        delivered = await request.app[PRODUCER].send(OutgoingMessage(topic, key, value))
        return web.json_response({"offset": delivered.offset}, status=201)

    async def ready(_: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    app.cleanup_ctx.append(producer_ctx)
    app.router.add_post("/produce", produce)
    app.router.add_get("/readyz", ready)
    return app


def persona_signature_ok(header: str, body: bytes, secret: str) -> bool:
    """True when one ``t=...,v1=...`` pair of a ``Persona-Signature`` header is the HMAC-SHA256
    of ``"<t>.<body>"`` under ``secret`` (contract 2.4)."""
    for pair in header.split():
        parts = dict(p.split("=", 1) for p in pair.split(",") if "=" in p)
        stamp, signature = parts.get("t"), parts.get("v1")
        if stamp is None or signature is None:
            continue
        expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        if hmac.compare_digest(expected.hexdigest(), signature):
            return True
    return False


class SinkState:
    """Configuration and arrivals of the webhook sink."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.slow: set[str] = set()
        self.slow_seconds = 5.0
        # (arrival unix time, hook, event id, signature: 1 valid / 0 invalid / -1 unsigned)
        self.records: list[tuple[float, str, str, int]] = []


def sink_app() -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    state = SinkState()

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        arrived = time.time()
        name = request.match_info["name"]
        try:
            event_id = str(jsonutil.loads(body)["data"]["id"])
        except (ValueError, KeyError, TypeError):
            event_id = ""
        header = request.headers.get("Persona-Signature")
        secret = state.secrets.get(name)
        if header is None:
            signed = -1
        else:
            signed = int(secret is not None and persona_signature_ok(header, body, secret))
        state.records.append((arrived, name, event_id, signed))
        if name in state.slow:
            await asyncio.sleep(state.slow_seconds)
        return web.Response(status=200, text="ok")

    async def configure(request: web.Request) -> web.Response:
        body = jsonutil.loads(await request.read())
        state.secrets = dict(body.get("secrets", {}))
        state.slow = set(body.get("slow", []))
        state.slow_seconds = float(body.get("slow-seconds", 5.0))
        return web.json_response({"ok": True})

    async def reset(_: web.Request) -> web.Response:
        state.records = []
        return web.json_response({"ok": True})

    async def records(_: web.Request) -> web.Response:
        return web.Response(body=jsonutil.dumps({"records": state.records}))

    async def count(_: web.Request) -> web.Response:
        return web.json_response({"count": len(state.records)})

    async def ready(_: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    app.router.add_post("/hook/{name}", hook)
    app.router.add_post("/_config", configure)
    app.router.add_post("/_reset", reset)
    app.router.add_get("/_records", records)
    app.router.add_get("/_count", count)
    app.router.add_get("/readyz", ready)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    sub = parser.add_subparsers(dest="kind", required=True)
    produce = sub.add_parser("produce")
    produce.add_argument("--port", type=int, required=True)
    produce.add_argument("--bootstrap", required=True)
    produce.add_argument("--topic", required=True)
    produce.add_argument("--size", type=int, default=1500)
    sink = sub.add_parser("sink")
    sink.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    app = (
        produce_app(args.bootstrap, args.topic, args.size) if args.kind == "produce" else sink_app()
    )
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
