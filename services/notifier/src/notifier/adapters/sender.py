"""Sending one attempt: a pooled aiohttp session, strict timeouts, no redirects, SSRF guard."""

from __future__ import annotations

import time

import aiohttp
from yarl import URL

from connect_shared.clock import utcnow
from notifier.adapters.guard import GuardedResolver, literal_refusal
from notifier.domain.outcome import AttemptResult
from notifier.domain.schedule import parse_retry_after
from notifier.domain.ssrf import AddressPolicy

MAX_RESPONSE_BYTES = 64 * 1024
ERROR_TEXT_LIMIT = 300
MAX_KNOWN_TARGETS = 10_000


class HttpSender:
    """One pooled client session per process (created in :meth:`start`, never at import)."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        total_timeout: float,
        connect_timeout: float,
        max_connections: int,
    ) -> None:
        self._policy = policy
        self._timeout = aiohttp.ClientTimeout(
            total=total_timeout, sock_connect=min(connect_timeout, total_timeout)
        )
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        # Parsed URL and SSRF verdict per webhook URL: the same few URLs are posted to
        # thousands of times, and the policy never changes while the process runs.
        self._targets: dict[str, tuple[URL, str | None]] = {}

    async def start(self) -> None:
        """Open the session (inside the running loop)."""
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self._policy),
            limit=self._max_connections,
            limit_per_host=0,
            ttl_dns_cache=10,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, trust_env=False, auto_decompress=False
        )

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()

    def _target(self, url: str) -> tuple[URL, str | None]:
        known = self._targets.get(url)
        if known is None:
            if len(self._targets) >= MAX_KNOWN_TARGETS:
                self._targets.clear()
            # A malformed URL raises here every time (never cached): reported as the attempt's
            # error below.
            known = (URL(url), literal_refusal(self._policy, url))
            self._targets[url] = known
        return known

    async def send(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
        """POST ``body`` once; never raises for endpoint behaviour."""
        assert self._session is not None, "HttpSender.start() was not awaited"
        started = time.perf_counter()
        try:
            target, refusal = self._target(url)
            if refusal is not None:
                return AttemptResult(None, 0.0, refusal)
            async with self._session.post(
                target, data=body, headers=headers, allow_redirects=False
            ) as response:
                # Read a little so the connection can be reused; the content is not used.
                await response.content.read(MAX_RESPONSE_BYTES)
                return AttemptResult(
                    response.status,
                    _ms(started),
                    None,
                    parse_retry_after(response.headers.get("Retry-After"), utcnow()),
                )
        except TimeoutError:
            return AttemptResult(None, _ms(started), "timed out")
        except aiohttp.ClientConnectorError as exc:
            return AttemptResult(None, _ms(started), _short(f"connection failed: {exc}"))
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return AttemptResult(None, _ms(started), _short(f"{type(exc).__name__}: {exc}"))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _short(text: str) -> str:
    return text[:ERROR_TEXT_LIMIT]
