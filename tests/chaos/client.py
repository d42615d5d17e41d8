"""A partner's client as the contract asks it to behave: every POST carries an
``Idempotency-Key``; a 503 (and a dropped connection, a 502/504, a 429, a 409 "still in
progress") is retried with the same key and body, with capped back-off, until a retry budget
runs out. Every status it saw is kept, so the checks can tell what clients were told."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from connect_shared import jsonutil

RETRIED = {429, 502, 503, 504}
CONNECTION_ERROR = 0  # recorded as the status of a request that got no answer at all


@dataclass
class Call:
    """One logical client operation and every answer it got."""

    kind: str
    path: str
    key: str
    statuses: list[int] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    body: Any = None
    started: float = field(default_factory=time.monotonic)

    @property
    def final(self) -> int:
        return self.statuses[-1] if self.statuses else CONNECTION_ERROR

    @property
    def gave_up(self) -> bool:
        """The retry budget ran out while the answer still said "try again"."""
        return retryable(self.final, self.details[-1] if self.details else "")


def retryable(status: int, detail: str) -> bool:
    return (
        status in RETRIED
        or status == CONNECTION_ERROR
        or (status == 409 and "in progress" in detail)
    )


@dataclass
class Traffic:
    """Every call of every client, and every status seen."""

    calls: list[Call] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def five_hundreds(self) -> Counter[int]:
        """Statuses a client must never see: any 5xx but 503, and no answer at all from the
        gateway (it is never down in this suite)."""
        return Counter(
            {
                s: n
                for s, n in self.statuses.items()
                if (s >= 500 and s != 503) or s == CONNECTION_ERROR
            }
        )


class Client:
    """Calls the gateway with one organization's API key, retrying as described above."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base: str,
        api_key: str,
        traffic: Traffic,
        retry_budget: float,
    ) -> None:
        self._session = session
        self._base = f"{base}/api/v1"
        self._headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
        self._traffic = traffic
        self.retry_budget = retry_budget

    async def _once(
        self, method: str, path: str, body: Any, key: str | None
    ) -> tuple[int, Any, str]:
        headers = dict(self._headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        data = None if body is None else jsonutil.dumps(body)
        try:
            async with self._session.request(
                method, self._base + path, data=data, headers=headers
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return CONNECTION_ERROR, None, repr(exc)
        try:
            document = jsonutil.loads(raw) if raw else None
        except ValueError:
            document = None
        detail = ""
        if isinstance(document, dict) and document.get("errors"):
            error = document["errors"][0]
            detail = str(error.get("details") or error.get("detail") or error.get("title") or "")
        return status, document, detail

    async def post(self, kind: str, path: str, body: Any, call: Call | None = None) -> Call:
        """POST with a fresh Idempotency-Key (or continue ``call``: same key, same body)."""
        call = call or Call(kind, path, str(uuid.uuid4()))
        deadline = time.monotonic() + self.retry_budget
        pause = 0.2
        while True:
            status, document, detail = await self._once("POST", path, body, call.key)
            call.statuses.append(status)
            call.details.append(detail)
            self._traffic.statuses[status] += 1
            call.body = document
            if not retryable(status, detail) or time.monotonic() >= deadline:
                break
            await asyncio.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 2.0)
        if call not in self._traffic.calls:
            self._traffic.calls.append(call)
        return call

    async def get(self, path: str, budget: float = 60.0) -> Any:
        """GET until it answers 200 (retrying what a client retries); None after the budget."""
        deadline = time.monotonic() + budget
        while True:
            status, document, detail = await self._once("GET", path, None, None)
            self._traffic.statuses[status] += 1
            if status == 200:
                return document
            if not retryable(status, detail) or time.monotonic() >= deadline:
                return None
            await asyncio.sleep(0.3)

    async def get_all(self, path: str) -> list[dict[str, Any]]:
        """Every item of a collection (follows ``links.next``)."""
        found: list[dict[str, Any]] = []
        next_path: str | None = path
        while next_path:
            document = await self.get(next_path)
            if document is None:
                raise RuntimeError(f"GET {next_path} kept failing")
            found += document["data"]
            link = (document.get("links") or {}).get("next")
            if not link or not document["data"]:
                break
            next_path = link.split("/api/v1", 1)[1] if "/api/v1" in link else link
        return found
