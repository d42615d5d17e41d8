"""Set-up through the public API (what the pages do is tested through the browser)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.api import ApiClient


def attrs(**values: Any) -> dict[str, Any]:
    """A JSON:API request body from snake_case attribute names."""
    return {"data": {"attributes": {k.replace("_", "-"): v for k, v in values.items()}}}


@dataclass
class Org:
    """An organization made with the admin CLI, and its API client."""

    id: str
    name: str
    key: str
    api: ApiClient


async def inquiry(org: Org, **fields: Any) -> str:
    """A completed inquiry of ``org`` with ``fields``."""
    made = await org.api.post("/inquiries", json=attrs(status="completed", fields=fields))
    assert made.status == 201, made.body
    return str(made.data["id"])


async def active_connection(source: Org, destination: Org) -> str:
    """An accepted connection from ``source`` to ``destination``."""
    made = await source.api.post(
        "/connect/connections", json=attrs(destination_organization_id=destination.id)
    )
    assert made.status == 201, made.body
    accepted = await destination.api.post(f"/connect/connections/{made.data['id']}/accept")
    assert accepted.status == 200, accepted.body
    return str(made.data["id"])


async def share_token(source: Org, connection_id: str, source_id: str) -> str:
    """A ``created`` token issued over the API."""
    made = await source.api.post(
        "/connect/share-tokens", json=attrs(connection_id=connection_id, source_id=source_id)
    )
    assert made.status == 201, made.body
    return str(made.data["id"])


@dataclass
class Sink:
    """A local webhook endpoint answering 200 and counting what it got."""

    url: str
    received: list[bytes] = field(default_factory=list)


@asynccontextmanager
async def webhook_sink() -> AsyncIterator[Sink]:
    """Serve a :class:`Sink` on a free loopback port while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = Sink(f"http://127.0.0.1:{port}/hook")

    async def receive(request: web.Request) -> web.Response:
        sink.received.append(await request.read())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield sink
    finally:
        await runner.cleanup()
