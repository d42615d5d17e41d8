"""A small JSON:API client for the gateway, as a partner's integration would use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.support.ports import GATEWAY_URL as GATEWAY


@dataclass
class Reply:
    """Status, parsed JSON body (None if not JSON) and headers of one response."""

    status: int
    body: Any
    headers: dict[str, str]

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error_pointer(self) -> str | None:
        source = self.body["errors"][0].get("source") or {}
        return source.get("pointer")


class ApiClient:
    """Calls ``/api/v1`` with one organization's API key."""

    def __init__(self, session: aiohttp.ClientSession, api_key: str | None, base: str = GATEWAY):
        self.session = session
        self.api_key = api_key
        self.base = base

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        headers.update(extra or {})
        return headers

    async def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
        data: bytes | str | None = None,
        params: dict[str, str] | None = None,
    ) -> Reply:
        url = path if path.startswith("http") else f"{self.base}/api/v1{path}"
        async with self.session.request(
            method, url, json=json, data=data, headers=self._headers(headers), params=params
        ) as response:
            raw = await response.read()
            try:
                body = await response.json(content_type=None) if raw else None
            except ValueError:
                body = None
            return Reply(response.status, body, dict(response.headers))

    async def get(self, path: str, **kw: Any) -> Reply:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return await self.request("POST", path, json=json, **kw)

    async def patch(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return await self.request("PATCH", path, json=json, **kw)

    async def delete(self, path: str, **kw: Any) -> Reply:
        return await self.request("DELETE", path, **kw)
