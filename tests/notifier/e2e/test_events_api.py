"""``GET /api/v1/events`` and ``GET /api/v1/events/{id}`` through the gateway (contract 2.6):
the caller's own events of the last 30 days from ``connect.events``, newest first."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.clock import utcnow
from connect_shared.events import Event, build_event
from tests.notifier.sink import BOOTSTRAP, EVENTS_TOPIC, publish, token_event
from tests.support.api import ApiClient
from tests.support.ports import redis_url

pytestmark = pytest.mark.e2e


async def publish_in_order(key: str, *events: Event) -> None:
    """Produce ``events`` under one key (one partition), so they are consumed in order."""
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    try:
        for event in events:
            raw = jsonutil.dumps(event.to_wire())
            await producer.send_and_wait(EVENTS_TOPIC, raw, key=key.encode())
    finally:
        await producer.stop()


async def listed(api: ApiClient, path: str, count: int) -> list[dict[str, Any]]:
    """The list at ``path`` once it holds ``count`` items (bounded wait: the view is fed
    asynchronously from Kafka)."""
    async with asyncio.timeout(30):
        while True:
            reply = await api.get(path)
            assert reply.status in (200, 503), reply.body
            if reply.status == 200 and len(reply.data) >= count:
                return list(reply.data)
            await asyncio.sleep(0.1)


async def test_a_created_token_is_listed_as_an_event_of_each_side_and_readable_by_id(
    org_factory: Any, client: Any
) -> None:
    source_org, destination_org = org_factory("ev-source"), org_factory("ev-destination")
    source, destination = client(source_org["api-key"]), client(destination_org["api-key"])
    connection = await source.post(
        "/connect/connections",
        {"data": {"attributes": {"destination-organization-id": destination_org["id"]}}},
    )
    connection_id = connection.data["id"]
    assert (await destination.post(f"/connect/connections/{connection_id}/accept")).status == 200
    inquiry = await source.post("/inquiries", {"data": {"attributes": {"fields": {"a": 1}}}})
    token = await source.post(
        "/connect/share-tokens",
        {"data": {"attributes": {"connection-id": connection_id, "source-id": inquiry.data["id"]}}},
    )
    assert token.status == 201, token.body
    token_id = token.data["id"]

    path = f"/events?filter[object-id]={token_id}"
    (outbound,) = await listed(source, path, 1)
    (inbound,) = await listed(destination, path, 1)
    assert outbound["attributes"]["name"] == "connect/share-token.outbound-created"
    assert inbound["attributes"]["name"] == "connect/share-token.inbound-created"
    assert outbound["attributes"]["organization-id"] == source_org["id"]
    assert outbound["attributes"]["payload"]["data"]["id"] == token_id

    one = await source.get(f"/events/{outbound['id']}")
    assert one.status == 200, one.body
    assert one.data == outbound
    # Another organization's event does not exist for the caller.
    assert (await destination.get(f"/events/{outbound['id']}")).status == 404
    assert (await source.get(f"/events/{inbound['id']}")).status == 404


async def test_events_are_listed_newest_first_in_cursor_pages_and_filtered_by_name(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("ev-pages")
    api = client(org["api-key"])
    now = utcnow()
    events = [
        build_event(
            "connect/share-token.outbound-created" if i % 2 else "inquiry.completed",
            org["id"],
            {"type": "inquiry", "id": f"inq_pages{i}", "attributes": {}},
            created_at=now - timedelta(seconds=10 - i),
        )
        for i in range(5)
    ]
    await publish(*events)
    newest_first = [e.id for e in reversed(events)]
    assert [e["id"] for e in await listed(api, "/events", 5)] == newest_first

    first = await api.get("/events?page[size]=2")
    assert [e["id"] for e in first.data] == newest_first[:2]
    assert first.body["links"]["prev"] is None
    second = await api.get(first.body["links"]["next"].removeprefix("/api/v1"))
    assert [e["id"] for e in second.data] == newest_first[2:4]
    back = await api.get(second.body["links"]["prev"].removeprefix("/api/v1"))
    assert [e["id"] for e in back.data] == newest_first[:2]

    named = await api.get("/events?filter[name]=inquiry.completed")
    assert [e["id"] for e in named.data] == [events[4].id, events[2].id, events[0].id]
    both = await api.get("/events?filter[name]=inquiry.completed&filter[object-id]=inq_pages2")
    assert [e["id"] for e in both.data] == [events[2].id]


async def test_an_event_older_than_the_30_day_window_is_not_kept(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("ev-window")
    api = client(org["api-key"])
    stale = build_event(
        "inquiry.completed",
        org["id"],
        {"type": "inquiry", "id": "inq_stale", "attributes": {}},
        created_at=utcnow() - timedelta(days=31),
    )
    marker = token_event(org["id"])
    await publish_in_order(org["id"], stale, marker)
    # Same key, same partition, applied in order: once the marker is listed, the stale
    # event had its chance.
    assert [e["id"] for e in await listed(api, "/events", 1)] == [marker.id]
    assert (await api.get(f"/events/{stale.id}")).status == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("filter[name]=no.such-event", "filter[name]"),
        ("filter[object-id]=not an id", "filter[object-id]"),
        ("page[size]=0", "page[size]"),
        ("page[after]=evt_nothingLikeThis", "page[after]"),
        ("filter[status]=created", "filter[status]"),
    ],
)
async def test_a_bad_list_parameter_is_400_naming_it(
    org_factory: Any, client: Any, query: str, parameter: str
) -> None:
    api = client(org_factory("ev-bad")["api-key"])
    async with asyncio.timeout(30):
        while (reply := await api.get(f"/events?{query}")).status == 503:
            await asyncio.sleep(0.1)
    assert reply.status == 400, reply.body
    assert reply.body["errors"][0]["meta"]["parameter"] == parameter


async def test_an_unknown_event_id_is_404_and_the_routes_need_a_key(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("ev-404")["api-key"])
    assert (await api.get("/events/evt_doesNotExist1234567890")).status == 404
    assert (await api.get("/events/cnst_wrongPrefix1234567890")).status == 404
    assert (await client(None).get("/events")).status == 401


@pytest.mark.disruptive
async def test_after_flushall_the_events_view_is_rebuilt_from_connect_events(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("ev-rebuild")
    api = client(org["api-key"])
    event = token_event(org["id"])
    await publish(event)
    await listed(api, "/events", 1)

    redis = Redis.from_url(redis_url())
    try:
        await redis.flushall()
    finally:
        await redis.aclose()
    async with asyncio.timeout(60):  # the services rebuild their views on their own
        while (reply := await api.get(f"/events/{event.id}")).status == 503:
            await asyncio.sleep(0.2)
    assert reply.status == 200, reply.body
    assert reply.data["id"] == event.id
