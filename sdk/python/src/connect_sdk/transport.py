"""HTTP transport of the client: one aiohttp session, JSON:API documents in and out, an
``Idempotency-Key`` on every POST (the same key on every retry of that POST, so a retried
create is answered from the replay cache instead of creating twice), and retries with
back-off on 429 and 503 that honour ``Retry-After``."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from connect_sdk.errors import ApiError, TransportError

RETRIED_STATUSES = frozenset({429, 503})
DEFAULT_BASE_URL = "http://127.0.0.1:8080/api/v1"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait: ``Retry-After`` when the API sends one (capped at
    ``max_wait``), else exponential back-off from ``first_wait`` with full jitter."""

    attempts: int = 4
    first_wait: float = 0.5
    max_wait: float = 30.0

    def wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_wait)
            except ValueError:
                pass
        ceiling = min(self.first_wait * 2 ** (attempt - 1), self.max_wait)
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


@dataclass(frozen=True)
class Reply:
    """A successful answer: status, parsed body (None for 204) and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]


class Transport:
    """Sends requests to one base URL with one API key."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._retry = retry or RetryPolicy()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._owns_session = session is None

    async def close(self) -> None:
        """Close the session if the transport opened it."""
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        # Links (/api/v1/...) and the JWKS are relative to the gateway root, other paths to
        # the base URL.
        if path.startswith(("/api/v1/", "/.well-known/")):
            return self.base_url.removesuffix("/api/v1") + path
        return self.base_url + path

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Reply:
        """Send one request (retried on 429/503) and return the answer; raises
        :class:`ApiError` for a 4xx/5xx and :class:`TransportError` when unreachable."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        headers = {"Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if method == "POST":
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        data = None
        if json_body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(json_body).encode()
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._session.request(
                    method, self._url(path), data=data, params=params, headers=headers
                ) as response:
                    text = await response.text()
                    status, answer_headers = response.status, dict(response.headers)
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TransportError(f"cannot reach {self.base_url}: {exc}") from exc
            if status in RETRIED_STATUSES and attempt < self._retry.attempts:
                await asyncio.sleep(self._retry.wait(attempt, answer_headers.get("Retry-After")))
                continue
            body = _parse(text)
            if status >= 400:
                errors = body.get("errors") if isinstance(body, dict) else None
                if not isinstance(errors, list):
                    errors = [{"title": f"HTTP {status}", "details": text[:200]}]
                raise ApiError(status, errors, answer_headers.get("Request-Id"))
            return Reply(status, body, answer_headers)


def _parse(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"errors": [{"title": "Not JSON", "details": text[:200]}]}
