"""Share-token events with chosen times, produced straight onto ``connect.events`` (keyed by
token id, as the issuer and redeemer key them), and the stats API read back."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

from connect_shared import jsonutil
from connect_shared.clock import iso
from connect_shared.events import build_event
from tests.support.api import ApiClient
from tests.support.ports import KAFKA_BOOTSTRAP


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:20]


def days_ago(days: int) -> datetime:
    """Midnight (UTC) ``days`` days back: the windows of a scripted past, which no live event
    shares (each test's organizations are new anyway)."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days)


@dataclass
class Script:
    """Events of tokens between two organizations, each on both sides (outbound to the
    source, inbound to the destination), in the order they are added."""

    source_org: str
    destination_org: str
    messages: list[tuple[str, bytes]] = field(default_factory=list)

    def token(
        self,
        connection_id: str,
        created: datetime,
        outcome: str | None = None,
        at: datetime | None = None,
        token_id: str | None = None,
    ) -> str:
        """A token created at ``created`` and, with ``outcome`` (redeemed, expired, failed),
        ending at ``at``."""
        token_id = token_id or new_id("stk_")
        self._both(token_id, connection_id, "created", created, created, None)
        if outcome is not None and at is not None:
            self._both(token_id, connection_id, outcome, at, created, at)
        return token_id

    def _both(
        self,
        token_id: str,
        connection_id: str,
        what: str,
        at: datetime,
        created: datetime,
        ended: datetime | None,
    ) -> None:
        for side, org in (("outbound", self.source_org), ("inbound", self.destination_org)):
            attributes: dict[str, Any] = {
                "status": what,
                "direction": side,
                "created-at": iso(created),
                "redeemed-at": iso(ended) if what == "redeemed" and ended else None,
                "connection-id": connection_id,
                "source-organization-id": self.source_org,
                "destination-organization-id": self.destination_org,
            }
            token = {"type": "connect/share-token", "id": token_id, "attributes": attributes}
            event = build_event(f"connect/share-token.{side}-{what}", org, token, created_at=at)
            self.messages.append((token_id, jsonutil.dumps(event.to_wire())))


async def produce(messages: list[tuple[str, bytes]]) -> None:
    """Produce every message (acks=all) keyed by its token id."""
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = [
            await producer.send("connect.events", value, key=key.encode())
            for key, value in messages
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def stat_rows(reply: Any) -> dict[str, dict[str, Any]]:
    """``{start: attributes}`` of the buckets that counted anything."""
    rows = {}
    for bucket in reply["data"]:
        attributes = dict(bucket["attributes"])
        start = attributes.pop("start")
        if any(attributes[k] for k in ("created", "redeemed", "expired", "failed")):
            rows[start] = attributes
    return rows


async def stats(client: ApiClient, **params: str) -> dict[str, dict[str, Any]]:
    reply = await client.get("/connect/share-token-stats", params=params)
    assert reply.status == 200, reply.body
    return stat_rows(reply.body)


async def wait_for_stats(
    client: ApiClient, expected: dict[str, dict[str, Any]], timeout: float = 60.0, **params: str
) -> dict[str, dict[str, Any]]:
    """Poll until the non-empty buckets equal ``expected`` (bounded); return the last read."""
    seen: dict[str, dict[str, Any]] = {}
    try:
        async with asyncio.timeout(timeout):
            while True:
                seen = await stats(client, **params)
                if seen == expected:
                    return seen
                await asyncio.sleep(0.2)
    except TimeoutError:
        assert seen == expected
        raise
