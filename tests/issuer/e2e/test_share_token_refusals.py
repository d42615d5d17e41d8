"""Every refusal of ``POST /connect/share-tokens`` in the contract's error table: the status,
the pointer, and that nothing was written (no event on Kafka, no new token in either list).

Choice documented here: ``expires-in-seconds`` takes JSON integers only; a string, a float
(even ``3600.0``) or a boolean is a wrong JSON type, 400, while an integer out of range is 422.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.issuer.helpers import Org, Pair, all_ids, attrs, events_for
from tests.support.api import Reply
from tests.support.kafka import TopicRecorder

pytestmark = pytest.mark.e2e

TOKENS = "/connect/share-tokens"
Attempt = Callable[[Pair, Org], Awaitable[Reply]]


def body_with(**overrides: Any) -> Attempt:
    async def attempt(pair: Pair, outsider: Org) -> Reply:
        values = {"connection_id": pair.connection_id, "source_id": pair.inquiry_id}
        values.update(overrides)
        return await pair.source.api.post(
            TOKENS, json=attrs(**{k: v for k, v in values.items() if v is not ...})
        )

    return attempt


def raw(data: str) -> Attempt:
    async def attempt(pair: Pair, outsider: Org) -> Reply:
        return await pair.source.api.post(
            TOKENS, data=data, headers={"Content-Type": "application/json"}
        )

    return attempt


async def on_pending_connection(pair: Pair, outsider: Org) -> Reply:
    pending = await pair.source.api.post(
        "/connect/connections", json=attrs(destination_organization_id=outsider.id)
    )
    return await body_with(connection_id=pending.data["id"])(pair, outsider)


async def on_inactive_connection(pair: Pair, outsider: Org) -> Reply:
    await pair.source.api.post(f"/connect/connections/{pair.connection_id}/deactivate")
    return await body_with()(pair, outsider)


async def by_the_destination(pair: Pair, outsider: Org) -> Reply:
    inquiry = await pair.destination.api.post("/inquiries", json=attrs())
    body = attrs(connection_id=pair.connection_id, source_id=inquiry.data["id"])
    return await pair.destination.api.post(TOKENS, json=body)


async def for_another_orgs_object(pair: Pair, outsider: Org) -> Reply:
    foreign = await outsider.api.post("/inquiries", json=attrs())
    return await body_with(source_id=foreign.data["id"])(pair, outsider)


async def by_an_outsider(pair: Pair, outsider: Org) -> Reply:
    inquiry = await outsider.api.post("/inquiries", json=attrs())
    body = attrs(connection_id=pair.connection_id, source_id=inquiry.data["id"])
    return await outsider.api.post(TOKENS, json=body)


async def without_api_key(pair: Pair, outsider: Org) -> Reply:
    bare = type(pair.source.api)(pair.source.api.session, None)
    return await bare.post(TOKENS, json=attrs(connection_id=pair.connection_id))


async def with_revoked_looking_key(pair: Pair, outsider: Org) -> Reply:
    bad = type(pair.source.api)(pair.source.api.session, "connect_key_not-a-real-key")
    return await bad.post(TOKENS, json=attrs(connection_id=pair.connection_id))


async def over_one_mebibyte(pair: Pair, outsider: Org) -> Reply:
    padding = "x" * (1024 * 1024 + 10)
    return await body_with(reference=padding)(pair, outsider)


A = "/data/attributes"
CASES: list[tuple[str, Attempt, int, str | None]] = [
    ("malformed-json", raw("{not json"), 400, ""),
    ("body-not-an-object", raw("[1, 2]"), 400, ""),
    ("data-not-an-object", raw('{"data": 7}'), 400, "/data"),
    ("unknown-top-level-member", raw('{"data": {}, "extra": 1}'), 400, "/extra"),
    ("unknown-attribute", body_with(color="red"), 400, f"{A}/color"),
    ("ttl-as-string", body_with(expires_in_seconds="3600"), 400, f"{A}/expires-in-seconds"),
    ("ttl-as-float", body_with(expires_in_seconds=3600.0), 400, f"{A}/expires-in-seconds"),
    ("ttl-as-boolean", body_with(expires_in_seconds=True), 400, f"{A}/expires-in-seconds"),
    ("ttl-below-60", body_with(expires_in_seconds=59), 422, f"{A}/expires-in-seconds"),
    ("ttl-above-21-days", body_with(expires_in_seconds=1_814_401), 422, f"{A}/expires-in-seconds"),
    ("source-id-bad-prefix", body_with(source_id="usr_abc123"), 422, f"{A}/source-id"),
    ("source-id-missing", body_with(source_id=...), 422, f"{A}/source-id"),
    ("source-object-unknown", body_with(source_id="inq_doesnotexist1"), 422, f"{A}/source-id"),
    ("source-of-another-org", for_another_orgs_object, 422, f"{A}/source-id"),
    ("connection-id-bad-prefix", body_with(connection_id="con_1"), 422, f"{A}/connection-id"),
    ("connection-id-missing", body_with(connection_id=...), 422, f"{A}/connection-id"),
    ("connection-unknown", body_with(connection_id="cxn_nope1"), 422, f"{A}/connection-id"),
    ("connection-pending", on_pending_connection, 422, f"{A}/connection-id"),
    ("connection-inactive", on_inactive_connection, 422, f"{A}/connection-id"),
    ("caller-is-destination", by_the_destination, 422, f"{A}/connection-id"),
    ("caller-is-no-side", by_an_outsider, 422, f"{A}/connection-id"),
    ("no-api-key", without_api_key, 401, None),
    ("unknown-api-key", with_revoked_looking_key, 401, None),
    ("body-over-1-mib", over_one_mebibyte, 413, None),
]


@pytest.mark.parametrize(
    ("attempt", "status", "pointer"),
    [pytest.param(a, s, p, id=name) for name, a, s, p in CASES],
)
async def test_refused_token_creation_writes_nothing(
    pair: Pair,
    outsider: Org,
    events: TopicRecorder,
    attempt: Attempt,
    status: int,
    pointer: str | None,
) -> None:
    orgs = (pair.source, pair.destination, outsider)
    before = {org.id: await all_ids(org.api, TOKENS) for org in orgs}
    reply = await attempt(pair, outsider)
    assert reply.status == status, reply.body
    assert reply.body["errors"], reply.body
    if pointer is not None:
        assert reply.error_pointer == pointer
    token_events = [
        m
        for m in await events_for(events, {org.id for org in orgs})
        if m["data"]["attributes"]["name"].startswith("connect/share-token.")
    ]
    assert token_events == []
    assert {org.id: await all_ids(org.api, TOKENS) for org in orgs} == before
