"""The steady load of the chaos suite: several clients, each creating a share token and
redeeming it, over and over, through the gateway, with webhooks to the sink on both sides; and
the probe that says when the whole path works again after a fault."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from connect_shared import jsonutil
from connect_shared.records import MAX_RATE_LIMIT
from tests.chaos.client import Call, Client, Traffic
from tests.chaos.observers import Sink
from tests.chaos.stack import ChaosStack
from tests.support.services import ROOT

SOURCE_EVENTS = ["connect/share-token.outbound-created", "connect/share-token.outbound-redeemed"]
DESTINATION_EVENTS = ["connect/share-token.inbound-created", "connect/share-token.inbound-redeemed"]
CREATE = "/connect/share-tokens"
REDEEM = "/connect/share-tokens/{}/redeem"


def create_org(stack: ChaosStack, name: str) -> dict[str, Any]:
    """``connect-admin org create`` against the chaos stack, with the highest rate limit (the
    suite is about faults, not budgets)."""
    out = subprocess.run(
        [
            str(ROOT / ".venv/bin/connect-admin"),
            *("org", "create", "--name", name, "--rate-limit", str(MAX_RATE_LIMIT)),
        ],
        check=False,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        env=stack.service_env("issuer"),
    )
    if out.returncode != 0:
        raise RuntimeError(f"connect-admin org create: {out.stderr.decode()[-500:]}")
    document: dict[str, Any] = jsonutil.loads(out.stdout)
    return document


@dataclass
class World:
    """Two organizations with an active connection, an inquiry to share and webhooks."""

    source: Client
    destination: Client
    source_org: str
    destination_org: str
    connection: str
    inquiry: str
    traffic: Traffic
    sink: Sink
    # Token id -> the create call that got its 201; token id -> the redeem call.
    created: dict[str, Call] = field(default_factory=dict)
    redeems: dict[str, Call] = field(default_factory=dict)

    def token_body(self) -> dict[str, Any]:
        attributes = {"connection-id": self.connection, "source-id": self.inquiry}
        return {"data": {"attributes": {**attributes, "expires-in-seconds": 86400}}}

    async def create_token(self) -> str | None:
        call = await self.source.post("create", CREATE, self.token_body())
        if call.final != 201:
            return None
        token = str(call.body["data"]["id"])
        self.created[token] = call
        return token

    async def redeem(self, token: str) -> Call:
        call = await self.destination.post("redeem", REDEEM.format(token), None)
        self.redeems[token] = call
        return call


async def build_world(
    stack: ChaosStack, session: aiohttp.ClientSession, sink: Sink, retry_budget: float
) -> World:
    """Organizations (connect-admin), connection, inquiry and webhooks (the API)."""
    source_org, destination_org = await asyncio.gather(
        asyncio.to_thread(create_org, stack, "chaos-source"),
        asyncio.to_thread(create_org, stack, "chaos-destination"),
    )
    traffic = Traffic()
    base = stack.ports.gateway_url
    source = Client(session, base, source_org["api-key"], traffic, retry_budget)
    destination = Client(session, base, destination_org["api-key"], traffic, retry_budget)
    body = {"data": {"attributes": {"destination-organization-id": destination_org["id"]}}}
    connection = await source.post("setup", "/connect/connections", body)
    assert connection.final == 201, connection.body
    connection_id = str(connection.body["data"]["id"])
    accepted = await destination.post("setup", f"/connect/connections/{connection_id}/accept", None)
    assert accepted.final == 200, accepted.body
    inquiry = await source.post(
        "setup", "/inquiries", {"data": {"attributes": {"fields": {"name-first": "Ada"}}}}
    )
    assert inquiry.final == 201, inquiry.body
    for client, name, events in (
        (source, "source", SOURCE_EVENTS),
        (destination, "destination", DESTINATION_EVENTS),
    ):
        attributes = {
            "url": sink.url(name),
            "enabled-events": events,
            "signature-format": "persona",
        }
        hook = await client.post("setup", "/webhooks", {"data": {"attributes": attributes}})
        assert hook.final == 201, hook.body
        sink.secrets[name] = str(hook.body["data"]["attributes"]["secret"])
    return World(
        source,
        destination,
        str(source_org["id"]),
        str(destination_org["id"]),
        connection_id,
        str(inquiry.body["data"]["id"]),
        traffic,
        sink,
    )


class Load:
    """``clients`` loops of create + redeem until :meth:`stop`."""

    def __init__(self, world: World, clients: int) -> None:
        self._world = world
        self._clients = clients
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._client()) for _ in range(self._clients)]

    async def stop(self) -> None:
        """Let every client finish its operation in hand (retries included), then return."""
        self._stopping.set()
        await asyncio.gather(*self._tasks)

    async def _client(self) -> None:
        while not self._stopping.is_set():
            token = await self._world.create_token()
            if token is not None:
                await self._world.redeem(token)


async def probe(world: World, timeout: float) -> float:
    """Create, redeem, see the token redeemed and its inbound-redeemed webhook arrive; the
    monotonic time it all finished. Raises TimeoutError after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            # A new token whenever a step did not go through (the client retried for its
            # whole budget, or was refused): the checks report those calls themselves.
            token = await world.create_token()
            if token is not None and (await world.redeem(token)).final == 202:
                break
            await asyncio.sleep(0.5)
        while True:
            document = await world.source.get(f"/connect/share-tokens/{token}", budget=5)
            status = document and document["data"]["attributes"]["status"]
            if status == "redeemed":
                break
            await asyncio.sleep(0.2)
        while not any(
            e.token == token and e.name.endswith("inbound-redeemed")
            for events in list(world.sink.arrivals.values())
            for e in events
        ):
            await asyncio.sleep(0.2)
    return time.monotonic()


def chaos_env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))
