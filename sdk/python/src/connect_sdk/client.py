"""The async client: one namespace per resource, every route of the API (contract 2).

async with ConnectClient(api_key) as connect:
    token = await connect.share_tokens.create("cxn_...", "inq_...")
    async for event in connect.events.iterate(name="connect/share-token.inbound-created"):
        ...
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import aiohttp

from connect_sdk.models import JwkSet
from connect_sdk.resources import (
    Connections,
    Events,
    ShareTokens,
    SourceObjects,
    Webhooks,
    Workflows,
)
from connect_sdk.transport import DEFAULT_BASE_URL, RetryPolicy, Transport


class ConnectClient:
    """The Connect API with one API key. ``api_key`` and ``base_url`` default to the
    ``CONNECT_API_KEY`` and ``CONNECT_API_URL`` environment variables."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.transport = Transport(
            api_key if api_key is not None else os.environ.get("CONNECT_API_KEY"),
            base_url or os.environ.get("CONNECT_API_URL") or DEFAULT_BASE_URL,
            retry=retry,
            timeout=timeout,
            session=session,
        )
        self.share_tokens = ShareTokens(self.transport)
        self.connections = Connections(self.transport)
        self.webhooks = Webhooks(self.transport)
        self.events = Events(self.transport)
        self.workflows = Workflows(self.transport)
        self.inquiries = SourceObjects(self.transport, "inquiries")
        self.accounts = SourceObjects(self.transport, "accounts")
        self.transactions = SourceObjects(self.transport, "transactions")
        self.verifications = SourceObjects(self.transport, "verifications")

    async def __aenter__(self) -> ConnectClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.transport.close()

    async def jwks(self) -> JwkSet:
        """The public keys that verify provenance attestations (no key needed)."""
        reply = await self.transport.request("GET", "/.well-known/jwks.json")
        return JwkSet.model_validate(reply.body)

    async def openapi(self) -> dict[str, Any]:
        """The API's OpenAPI document."""
        reply = await self.transport.request("GET", "/api/v1/openapi.json")
        document: dict[str, Any] = reply.body
        return document
