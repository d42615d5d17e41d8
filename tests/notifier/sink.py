"""A real local webhook endpoint for the tests, and helpers to publish events and use the API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiokafka import AIOKafkaProducer

from connect_shared import jsonutil
from connect_shared.events import Event, build_event
from tests.support.api import ApiClient
from tests.support.ports import KAFKA_BOOTSTRAP

BOOTSTRAP = KAFKA_BOOTSTRAP
EVENTS_TOPIC = "connect.events"

Behaviour = Callable[["Received"], Awaitable[web.StreamResponse]]


@dataclass
class Received:
    """One request the sink got."""

    headers: dict[str, str]
    body: bytes
    at: float
    number: int  # 1-based, per event id
    event_id: str

    @property
    def event_name(self) -> str:
        return str(jsonutil.loads(self.body)["data"]["attributes"]["name"])

    @property
    def organization_id(self) -> str:
        return str(jsonutil.loads(self.body)["data"]["attributes"]["organization-id"])

    @property
    def object_id(self) -> str:
        payload = jsonutil.loads(self.body)["data"]["attributes"]["payload"]
        return str(payload["data"].get("id"))

    @property
    def attempts_made(self) -> int:
        return int(self.headers["Persona-Webhook-Attempts-Made"])


async def ok(_: Received) -> web.StreamResponse:
    return web.Response(status=200, text="ok")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sink:
    """An aiohttp server on loopback that records every request and answers per ``behaviour``."""

    behaviour: Behaviour = ok
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> Sink:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        event_id = str(jsonutil.loads(body)["data"]["id"])
        self._counts[event_id] = number = self._counts.get(event_id, 0) + 1
        item = Received(dict(request.headers), body, time.monotonic(), number, event_id)
        self.received.append(item)
        return await self.behaviour(item)

    def for_event(self, event_id: str) -> list[Received]:
        return [r for r in self.received if r.event_id == event_id]

    async def wait_for(
        self, predicate: Callable[[list[Received]], bool], timeout: float = 30.0
    ) -> list[Received]:
        async with asyncio.timeout(timeout):
            while not predicate(self.received):
                await asyncio.sleep(0.05)
        return self.received


async def publish(*events: Event) -> dict[str, bytes]:
    """Produce events onto ``connect.events`` as the platform does; returns the exact bytes."""
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True)
    await producer.start()
    sent = {}
    try:
        for event in events:
            raw = jsonutil.dumps(event.to_wire())
            await producer.send_and_wait(EVENTS_TOPIC, raw, key=event.id.encode())
            sent[event.id] = raw
    finally:
        await producer.stop()
    return sent


def token_event(org_id: str, name: str = "connect/share-token.outbound-created") -> Event:
    """A share-token event for ``org_id`` with a made-up token."""
    token_id = f"cnst_test{time.monotonic_ns()}"
    payload = {"type": "connect/share-token", "id": token_id, "attributes": {"status": "created"}}
    return build_event(name, org_id, payload)


def persona_verifies(header: str, secret: str, body: bytes) -> bool:
    """An independent ``Persona-Signature`` verifier, as a subscriber writes it."""
    for pair in header.split(" "):
        fields = dict(part.split("=", 1) for part in pair.split(","))
        signed = fields["t"].encode() + b"." + body
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, fields["v1"]):
            return True
    return False


async def create_webhook(api: ApiClient, url: str, **attributes: Any) -> dict[str, Any]:
    """POST /webhooks; returns the resource (with its one-time secret)."""
    reply = await api.post(
        "/webhooks",
        {"data": {"attributes": {"url": url, "enabled-events": ["*"], **attributes}}},
    )
    assert reply.status == 201, reply.body
    return dict(reply.data)


async def attempt_log(api: ApiClient, webhook_id: str, event_id: str) -> list[dict[str, Any]]:
    """The attempt-log entries of one event, oldest first."""
    reply = await api.get(
        f"/webhooks/{webhook_id}/deliveries", params={"filter[event-id]": event_id}
    )
    assert reply.status == 200, reply.body
    return [item["attributes"] for item in reversed(reply.data)]


async def wait_for_log(
    api: ApiClient,
    webhook_id: str,
    event_id: str,
    predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    async with asyncio.timeout(timeout):
        while True:
            entries = await attempt_log(api, webhook_id, event_id)
            if predicate(entries):
                return entries
            await asyncio.sleep(0.2)
