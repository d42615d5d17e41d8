"""What the chaos suite watches besides the clients: a webhook sink that can be stalled, and a
reader of ``connect.events`` (the truth the deliveries are checked against)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiokafka import AIOKafkaConsumer, TopicPartition

from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.kafka import topic_partitions


@dataclass(frozen=True)
class Event:
    """The parts of an event the checks need."""

    id: str
    name: str
    organization: str
    token: str | None

    @classmethod
    def parse(cls, document: dict[str, Any]) -> Event:
        data = document["data"]
        attributes = data["attributes"]
        payload = (attributes.get("payload") or {}).get("data") or {}
        token = payload.get("id") if str(payload.get("type", "")).endswith("share-token") else None
        return cls(data["id"], attributes["name"], attributes["organization-id"], token)


def signature_ok(header: str, body: bytes, secret: str) -> bool:
    """One ``t=...,v1=...`` of a ``Persona-Signature`` header signs ``"<t>.<body>"``."""
    for pair in header.split():
        parts = dict(p.split("=", 1) for p in pair.split(",") if "=" in p)
        stamp, signature = parts.get("t"), parts.get("v1")
        if stamp and signature:
            expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
            if hmac.compare_digest(expected.hexdigest(), signature):
                return True
    return False


class Sink:
    """Webhook endpoint ``/hook/{name}``. Stalled, it answers nothing until released (then 503,
    recording nothing); otherwise 200, recording the event once per arrival."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.secrets: dict[str, str] = {}
        self.arrivals: dict[str, list[Event]] = defaultdict(list)
        self.bad_signatures = 0
        self.first_seen: dict[str, float] = {}
        self._released = asyncio.Event()
        self._released.set()
        self._runner: web.AppRunner | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/hook/{name}"

    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/hook/{name}", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        self._released.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def stall(self) -> None:
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not self._released.is_set():
            await self._released.wait()
            return web.Response(status=503)
        secret = self.secrets.get(request.match_info["name"], "")
        if not signature_ok(request.headers.get("Persona-Signature", ""), body, secret):
            self.bad_signatures += 1
        event = Event.parse(jsonutil.loads(body))
        self.arrivals[event.id].append(event)
        self.first_seen.setdefault(event.id, time.monotonic())
        return web.Response(status=200, text="ok")


class EventLog:
    """Every message on ``connect.events`` from :meth:`start` on, as :class:`Event`."""

    def __init__(self, bootstrap: str, topic: str = "connect.events") -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None
        )
        self._topic = topic
        self._bootstrap = bootstrap
        self.events: list[Event] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        settings = KafkaSettings(kafka_bootstrap_servers=self._bootstrap)
        partitions = await topic_partitions(settings, self._topic, "chaos-event-log")
        assigned = [TopicPartition(self._topic, p) for p in partitions]
        self._consumer.assign(assigned)
        await self._consumer.seek_to_end(*assigned)
        for tp in assigned:  # resolve now, so nothing produced later is missed
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for message in self._consumer:
            if message.value:
                self.events.append(Event.parse(jsonutil.loads(message.value)))

    async def caught_up(self, timeout: float = 60.0) -> None:
        """Wait until everything on the topic now has been read."""
        partitions = list(self._consumer.assignment())
        ends = await self._consumer.end_offsets(partitions)
        async with asyncio.timeout(timeout):
            while True:
                positions = {tp: await self._consumer.position(tp) for tp in partitions}
                if all(positions[tp] >= end for tp, end in ends.items()):
                    return
                await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()
