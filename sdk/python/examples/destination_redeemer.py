"""A destination system that redeems every inbound share token it is told about.

Told by the events API (default; nothing but an API key needed):

    CONNECT_API_KEY=... .venv/bin/python sdk/python/examples/destination_redeemer.py

or by Kafka, reading connect.events in its own consumer group:

    CONNECT_API_KEY=... .venv/bin/python sdk/python/examples/destination_redeemer.py \\
        --kafka 127.0.0.1:9092 --organization org_...

Redeeming twice is harmless: a token that is no longer `created` answers 409, which is logged
and skipped.
"""

from __future__ import annotations

import argparse
import asyncio

from connect_sdk import ApiError, ConnectClient, Event, EventConsumer

INBOUND_CREATED = "connect/share-token.inbound-created"


async def redeem(client: ConnectClient, event: Event) -> None:
    """Clone the shared object into this organization."""
    token_id = str(event.data.get("id"))
    try:
        token = await client.share_tokens.redeem(token_id, idempotency_key=f"redeem-{token_id}")
        print(f"redeeming {token.id}: {token.attributes.status}", flush=True)
    except ApiError as exc:
        print(f"skipped {token_id}: {exc}", flush=True)


async def from_events_api(client: ConnectClient, interval: float, limit: int | None) -> None:
    """Poll the newest events; redeem the inbound tokens created since the start."""
    seen = {e.id for e in (await client.events.list(name=INBOUND_CREATED, size=100)).items}
    print("ready", flush=True)
    done = 0
    while limit is None or done < limit:
        page = await client.events.list(name=INBOUND_CREATED, size=100)
        for event in reversed(page.items):
            if event.id not in seen:
                seen.add(event.id)
                await redeem(client, event)
                done += 1
        await asyncio.sleep(interval)


async def from_kafka(client: ConnectClient, bootstrap: str, organization: str) -> None:
    """Consume connect.events; the platform topic carries every organization's events."""
    consumer = EventConsumer(
        bootstrap, f"destination-redeemer-{organization}", names={INBOUND_CREATED}
    )

    async def handle(event: Event) -> None:
        if event.organization_id == organization:
            await redeem(client, event)

    print("ready", flush=True)
    await consumer.run(handle)


async def main() -> None:
    """Parse the options and run until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kafka", metavar="BOOTSTRAP", help="read connect.events instead")
    parser.add_argument("--organization", help="this organization's id (with --kafka)")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--max", type=int, help="stop after this many tokens (events API)")
    args = parser.parse_args()
    async with ConnectClient() as client:
        if args.kafka:
            if not args.organization:
                parser.error("--kafka needs --organization")
            await from_kafka(client, args.kafka, args.organization)
        else:
            await from_events_api(client, args.interval, args.max)


if __name__ == "__main__":
    asyncio.run(main())
