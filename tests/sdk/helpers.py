"""Helpers of the SDK and CLI tests: SDK clients on the test gateway, and a source/destination
pair with an active connection, built through the SDK itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from connect_sdk import ConnectClient
from tests.support.ports import GATEWAY_URL

API_URL = f"{GATEWAY_URL}/api/v1"
T = TypeVar("T")


def sdk(api_key: str | None, **options: Any) -> ConnectClient:
    """An SDK client of the test gateway."""
    return ConnectClient(api_key, API_URL, **options)


@dataclass
class Pair:
    """A source and a destination organization with an active connection."""

    source_org: dict[str, Any]
    destination_org: dict[str, Any]
    source: ConnectClient
    destination: ConnectClient
    connection_id: str

    async def close(self) -> None:
        await self.source.close()
        await self.destination.close()


async def connected_pair(org_factory: Any, name: str) -> Pair:
    """Two organizations, connected and accepted, through the SDK."""
    source_org, destination_org = org_factory(f"{name}-src"), org_factory(f"{name}-dst")
    source, destination = sdk(source_org["api-key"]), sdk(destination_org["api-key"])
    connection = await source.connections.create(destination_org["id"])
    await destination.connections.accept(connection.id)
    return Pair(source_org, destination_org, source, destination, connection.id)


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 30.0) -> T:
    """The first non-None result of ``check`` (bounded wait for asynchronous effects)."""
    async with asyncio.timeout(timeout):
        while True:
            found = await check()
            if found is not None:
                return found
            await asyncio.sleep(0.1)
