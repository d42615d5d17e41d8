"""Workflows demo: a source system's `inquiry.completed` ends as a verified copy in another
organization, with no API call after the set-up.

Against a running stack (`make run`, or `make infra-up` plus the three services):

    .venv/bin/python deploy/local/workflow_demo.py

It creates two organizations with an active connection, a webhook for each pointing at a small
sink this script serves on 127.0.0.1 (the development profile allows loopback), and two
workflows: the source shares every completed inquiry over the connection, the destination
redeems every token it receives on it. Then it produces one `inquiry.completed` onto
`connect.source-events`, exactly as a source system would (signed with an ingest key of the
source organization, `Connect-Ingest-Signature`), and waits until both webhooks heard
that the token was created and redeemed and the destination's copy verifies against the JWKS.
Exit code 0 when all of that happened within the timeout.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from aiokafka import AIOKafkaProducer

# The sibling `make run` walkthrough (its directory is on sys.path when run as a script).
from demo import API, GATEWAY, admin_ingest_key, admin_org, wait_for_stack

from connect_shared import jsonutil
from connect_shared.ingest_signature import sign_headers

KAFKA = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
TIMEOUT_S = float(os.environ.get("WORKFLOW_DEMO_TIMEOUT", "60"))
CREATED = "connect/share-token.{side}-created"
REDEEMED = "connect/share-token.{side}-redeemed"


class Sink:
    """Two webhook endpoints (`/source`, `/destination`) that remember the event names."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.heard: dict[str, list[str]] = {"source": [], "destination": []}
        self._runner: web.AppRunner | None = None

    def url(self, who: str) -> str:
        return f"http://127.0.0.1:{self.port}/{who}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{who}", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        event = json.loads(await request.read())
        name = event["data"]["attributes"]["name"]
        self.heard.setdefault(request.match_info["who"], []).append(name)
        print(f"  webhook -> {request.match_info['who']:<11} {name}", flush=True)
        return web.Response(text="ok")


async def call(
    session: aiohttp.ClientSession, method: str, path: str, key: str, body: Any = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"}
    async with session.request(method, f"{API}{path}", json=body, headers=headers) as response:
        raw = await response.read()
        return response.status, json.loads(raw) if raw else None


async def expect(
    session: aiohttp.ClientSession, method: str, path: str, key: str, body: Any, wanted: int
) -> dict[str, Any]:
    status, answer = await call(session, method, path, key, body)
    if status != wanted:
        raise SystemExit(f"workflow demo: {method} {path} answered {status}: {answer}")
    return dict(answer["data"])


def attributes(**values: Any) -> dict[str, Any]:
    return {"data": {"attributes": values}}


async def set_up(session: aiohttp.ClientSession, sink: Sink) -> dict[str, Any]:
    source, destination = await asyncio.gather(
        asyncio.to_thread(admin_org, "Acme Verify (workflow source)"),
        asyncio.to_thread(admin_org, "Beta Bank (workflow destination)"),
    )
    source["ingest-key"] = await asyncio.to_thread(admin_ingest_key, source["id"])
    src, dst = source["api-key"], destination["api-key"]
    connection = await expect(
        session,
        "POST",
        "/connect/connections",
        src,
        attributes(**{"destination-organization-id": destination["id"]}),
        201,
    )
    cxn = connection["id"]
    await expect(session, "POST", f"/connect/connections/{cxn}/accept", dst, None, 200)
    for who, key in (("source", src), ("destination", dst)):
        hook = attributes(url=sink.url(who), **{"enabled-events": ["*"]})
        await expect(session, "POST", "/webhooks", key, hook, 201)
    share = attributes(
        name="share completed inquiries",
        trigger={"event": "inquiry.completed", "filter": {"status": "completed"}},
        action={"type": "create-share-token", "connection-id": cxn, "expires-in-seconds": 3600},
    )
    redeem = attributes(
        name="redeem what arrives",
        trigger={"event": "connect/share-token.inbound-created", "filter": {"connection-id": cxn}},
        action={"type": "redeem-share-token"},
    )
    await expect(session, "POST", "/workflows", src, share, 201)
    await expect(session, "POST", "/workflows", dst, redeem, 201)
    print(f"source {source['id']} -> destination {destination['id']} over {cxn}", flush=True)
    return {"source": source, "destination": destination}


async def produce_completed_inquiry(org_id: str, ingest_key: dict[str, str]) -> str:
    """What the source organization's own system does: one signed message, no API call."""
    inquiry_id = "inq_" + uuid.uuid4().hex
    message = {
        "name": "inquiry.completed",
        "organization-id": org_id,
        "created-at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "payload": {
            "data": {
                "type": "inquiry",
                "id": inquiry_id,
                "attributes": {
                    "status": "completed",
                    "reference-id": "user-1042",
                    "fields": {"name-first": "Ada", "name-last": "Lovelace"},
                },
            },
            "included": [],
        },
    }
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        value = json.dumps(message).encode()
        headers = sign_headers(ingest_key["id"], ingest_key["secret"], value, datetime.now(UTC))
        await producer.send_and_wait(
            "connect.source-events", value, key=inquiry_id.encode(), headers=headers
        )
    finally:
        await producer.stop()
    print(f"produced inquiry.completed for {inquiry_id} onto connect.source-events", flush=True)
    return inquiry_id


def all_heard(sink: Sink) -> bool:
    wanted = {
        "source": {CREATED.format(side="outbound"), REDEEMED.format(side="outbound")},
        "destination": {CREATED.format(side="inbound"), REDEEMED.format(side="inbound")},
    }
    return all(names <= set(sink.heard.get(who, [])) for who, names in wanted.items())


async def redeemed_token(session: aiohttp.ClientSession, key: str) -> dict[str, Any] | None:
    status, answer = await call(session, "GET", "/connect/share-tokens", key)
    tokens = answer["data"] if status == 200 else []
    done = [t for t in tokens if t["attributes"]["status"] == "redeemed"]
    return dict(done[0]) if done else None


async def verify(session: aiohttp.ClientSession, key: str, token: dict[str, Any]) -> str:
    from joserfc import jws  # the dev tools `make` installs
    from joserfc.jwk import KeySet

    copy_id = token["relationships"]["destination"]["data"]["id"]
    copy = await expect(session, "GET", f"/inquiries/{copy_id}", key, None, 200)
    async with session.get(f"{GATEWAY}/.well-known/jwks.json") as response:
        keys = KeySet.import_key_set(await response.json(content_type=None))
    attestation = copy["attributes"]["provenance"]["attestation"]
    signed = jws.deserialize_compact(attestation, keys, algorithms=["Ed25519", "EdDSA"])
    unsigned = json.loads(json.dumps(copy))
    del unsigned["attributes"]["provenance"]["attestation"]
    if signed.payload != jsonutil.canonical(unsigned):
        raise SystemExit("workflow demo: the attestation does not sign the copy as read")
    return copy_id


async def main() -> int:
    await asyncio.to_thread(wait_for_stack)
    sink = Sink()
    await sink.start()
    try:
        async with aiohttp.ClientSession() as session:
            orgs = await set_up(session, sink)
            source = orgs["source"]
            inquiry_id = await produce_completed_inquiry(source["id"], source["ingest-key"])
            deadline = time.monotonic() + TIMEOUT_S
            token = None
            while token is None or not all_heard(sink):
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"workflow demo: not done after {TIMEOUT_S:.0f}s: {sink.heard}"
                    )
                await asyncio.sleep(0.2)
                token = await redeemed_token(session, orgs["destination"]["api-key"])
            copy_id = await verify(session, orgs["destination"]["api-key"], token)
    finally:
        await sink.stop()
    print(
        f"done: {inquiry_id} was shared as {token['id']} and redeemed into {copy_id}; "
        "its provenance verifies against the JWKS",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
