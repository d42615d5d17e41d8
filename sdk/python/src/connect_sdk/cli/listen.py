"""``connect listen --forward-to URL``: forwards the organization's new events to a local URL,
signed with a secret printed at start, so a receiver can be developed without a public
endpoint. Events are read from ``GET /events`` (polled), so nothing needs to reach the
developer's machine from outside."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import sys
import time
from collections import OrderedDict
from collections.abc import Sequence

import aiohttp

from connect_sdk.cli.output import resource_dict
from connect_sdk.client import ConnectClient
from connect_sdk.errors import ApiError, TransportError
from connect_sdk.models import Event
from connect_sdk.pages import fetch_page
from connect_sdk.webhooks import sign_persona

PAGE = 100
MAX_CATCH_UP_PAGES = 20
REMEMBERED = 50_000


def new_secret(signature_format: str) -> str:
    """A signing secret in the format's shape (as the notifier makes them)."""
    if signature_format == "standard-webhooks":
        return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    return "wbhsec_" + secrets.token_urlsafe(32)


def signature_headers(
    signature_format: str, secret: str, event_id: str, body: bytes
) -> dict[str, str]:
    """The headers the notifier would send for ``body`` in ``signature_format``."""
    if signature_format != "standard-webhooks":
        return sign_persona(secret, body)
    timestamp = str(int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": event_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": f"v1,{digest}",
    }


class Listener:
    """Polls the events of the organization and forwards the unseen ones, oldest first."""

    def __init__(
        self,
        client: ConnectClient,
        forward_to: str,
        *,
        names: Sequence[str],
        signature_format: str,
        secret: str,
        interval: float,
    ) -> None:
        self._client = client
        self._url = forward_to
        self._names = set(names)
        self._format = signature_format
        self._secret = secret
        self._interval = interval
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._primed = False  # the first read only marks history as seen

    def _remember(self, event_id: str) -> None:
        self._seen[event_id] = None
        while len(self._seen) > REMEMBERED:
            self._seen.popitem(last=False)

    async def _new_events(self) -> list[Event]:
        # The newest page every time, not a cursor: events of several partitions reach the
        # view out of creation order, and an id-set catches the late ones too.
        page = await self._client.events.list(size=PAGE)
        unseen = [e for e in page.items if e.id not in self._seen]
        newest_first = list(unseen)
        # A whole page of news: more may have arrived since the last poll, read on (bounded;
        # at the start everything is history, so one page is enough).
        for _ in range(MAX_CATCH_UP_PAGES):
            if len(unseen) < len(page.items) or page.next is None or not self._primed:
                break
            page = await fetch_page(self._client.transport, Event, page.next)
            unseen = [e for e in page.items if e.id not in self._seen]
            newest_first += unseen
        fresh = list(reversed(newest_first))
        for event in fresh:
            self._remember(event.id)
        return [e for e in fresh if not self._names or e.name in self._names]

    async def run(self, max_events: int | None = None) -> int:
        """Forward until cancelled (or ``max_events`` were forwarded); returns how many."""
        await self._new_events()  # what happened before the start is history, not news
        self._primed = True
        print(f"Ready. Forwarding events to {self._url}", file=sys.stderr, flush=True)
        forwarded = 0
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            while max_events is None or forwarded < max_events:
                await asyncio.sleep(self._interval)
                try:
                    events = await self._new_events()
                except (TransportError, ApiError) as exc:
                    if isinstance(exc, ApiError) and exc.status in (401, 403):
                        raise
                    print(f"polling failed: {exc}", file=sys.stderr, flush=True)
                    events = []
                for event in events:
                    await self._forward(http, event)
                    forwarded += 1
                    if max_events is not None and forwarded >= max_events:
                        break
        return forwarded

    async def _forward(self, http: aiohttp.ClientSession, event: Event) -> None:
        body = json.dumps({"data": resource_dict(event)}).encode()
        headers = {
            "Content-Type": "application/json",
            **signature_headers(self._format, self._secret, event.id, body),
        }
        try:
            async with http.post(
                self._url, data=body, headers=headers, allow_redirects=False
            ) as reply:
                outcome = str(reply.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            outcome = f"failed ({exc.__class__.__name__})"
        print(
            f"{event.attributes.created_at}  {event.name}  {event.id}  -> {outcome}",
            file=sys.stderr,
            flush=True,
        )
