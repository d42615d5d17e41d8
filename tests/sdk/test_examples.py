"""The SDK's examples run against the real stack: the destination redeems an inbound token it
learns about from the events API, the webhook receiver accepts a real signed delivery and
refuses a forged one."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import aiohttp
import pytest

from connect_sdk import ShareToken
from tests.sdk.helpers import API_URL, connected_pair, eventually, sdk
from tests.support.ports import KAFKA_PORT
from tests.support.services import ROOT

pytestmark = pytest.mark.e2e

EXAMPLES = ROOT / "sdk/python/examples"
# The receiver's port lies in this stack's own block: KAFKA_PORT's thousand, offset 900.
RECEIVER_PORT = KAFKA_PORT + 900


async def _start(script: str, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / script),
        *args,
        env={**os.environ, "CONNECT_API_URL": API_URL, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _line_with(process: asyncio.subprocess.Process, text: str) -> str:
    assert process.stdout is not None
    async with asyncio.timeout(30):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise AssertionError(f"exited before printing {text!r}")
            if text in line:
                return line


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_the_destination_example_redeems_an_inbound_token(org_factory: Any) -> None:
    pair = await connected_pair(org_factory, "example-dst")
    process = await _start(
        "destination_redeemer.py",
        {"CONNECT_API_KEY": pair.destination_org["api-key"]},
        "--interval",
        "0.2",
        "--max",
        "1",
    )
    try:
        await _line_with(process, "ready")
        inquiry = await pair.source.inquiries.create({"name-first": "Ada"})
        token = await pair.source.share_tokens.create(pair.connection_id, inquiry.id)
        await _line_with(process, f"redeeming {token.id}")

        async def redeemed() -> ShareToken | None:
            current = await pair.source.share_tokens.get(token.id)
            return current if current.attributes.status == "redeemed" else None

        await eventually(redeemed)
        async with asyncio.timeout(30):
            assert await process.wait() == 0
    finally:
        await _stop(process)
        await pair.close()


async def test_the_webhook_receiver_accepts_a_real_delivery_and_refuses_a_forged_one(
    org_factory: Any,
) -> None:
    org = org_factory("example-hook")
    url = f"http://127.0.0.1:{RECEIVER_PORT}/webhook"
    async with sdk(org["api-key"]) as client:
        hook = await client.webhooks.create(url, ["inquiry.created"])
        process = await _start(
            "webhook_receiver.py",
            {"CONNECT_WEBHOOK_SECRET": str(hook.attributes.secret)},
            "--port",
            str(RECEIVER_PORT),
        )
        try:
            await _line_with(process, "Running on")
            inquiry = await client.inquiries.create({"a": 1})
            line = await _line_with(process, "inquiry.created evt_")
            assert f"object={inquiry.id}" in line
            async with (
                aiohttp.ClientSession() as http,
                http.post(
                    url, data=b'{"data": {}}', headers={"Persona-Signature": "t=1,v1=00"}
                ) as forged,
            ):
                assert forged.status == 401
            deliveries = await client.webhooks.deliveries(hook.id)
            assert any(d.attributes.status_code == 200 for d in deliveries)
        finally:
            await _stop(process)
