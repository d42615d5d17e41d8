"""Who may redeem, when, and with what: each refusal has its contract status and writes
nothing; concurrent and immediate redeems behave as one."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from redis.asyncio import Redis

from connect_shared.clock import epoch_ms, iso, utcnow
from connect_shared.config import InfraSettings
from connect_shared.records import ShareTokenRecord, share_token_state
from connect_shared.runtime import open_runtime
from tests.redeemer.e2e.world import (
    Pair,
    all_objects,
    copies_of,
    create_object,
    share,
    token_status,
    wait_finished,
)
from tests.support.admin import set_rate_limit
from tests.support.api import ApiClient
from tests.support.kafka import TopicRecorder
from tests.support.ports import KAFKA_BOOTSTRAP, redis_url

pytestmark = pytest.mark.e2e


def redeem_path(token_id: str) -> str:
    return f"/connect/share-tokens/{token_id}/redeem"


async def assert_untouched(pair: Pair, token_id: str, events: TopicRecorder) -> None:
    """Still ``created``, no copy, and no event about the token beyond its creation (the
    refusal answered before anything was submitted: what is on the topic now is all)."""
    await events.caught_up()
    assert await token_status(pair.source, token_id) == "created"
    assert copies_of(await all_objects(pair.destination, "inquiries"), token_id) == []
    names = {
        m["data"]["attributes"]["name"]
        for m in events.messages
        if m["data"]["attributes"]["payload"]["data"].get("id") == token_id
    }
    assert names <= {
        "connect/share-token.outbound-created",
        "connect/share-token.inbound-created",
    }


async def test_redeem_right_after_create_succeeds_and_get_right_after_shows_pending(
    pair: Pair,
) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    for _ in range(10):
        token_id = await share(pair, inquiry["id"])
        accepted = await pair.destination.post(redeem_path(token_id))
        assert accepted.status == 202, accepted.body
        status = await token_status(pair.destination, token_id)
        assert status in ("pending", "redeemed"), status
        assert await token_status(pair.source, token_id) in ("pending", "redeemed")


async def test_200_concurrent_redeems_give_one_202_and_199_409_and_one_copy(
    pair: Pair, events: TopicRecorder
) -> None:
    # 200 requests at once from one key is the whole default burst: raise the budget.
    await asyncio.to_thread(set_rate_limit, pair.destination_org, 1000)
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    replies = await asyncio.gather(
        *(pair.destination.post(redeem_path(token_id)) for _ in range(200))
    )
    assert Counter(r.status for r in replies) == {202: 1, 409: 199}
    await wait_finished(pair.destination, token_id)
    await events.caught_up()
    assert len(copies_of(await all_objects(pair.destination, "inquiries"), token_id)) == 1
    redeemed = [
        m["data"]["id"]
        for m in events.messages
        if m["data"]["attributes"]["payload"]["data"].get("id") == token_id
        and m["data"]["attributes"]["name"].endswith("-redeemed")
    ]
    assert len(redeemed) == len(set(redeemed)) == 2


async def test_a_redeem_by_anyone_but_the_destination_is_404(
    pair: Pair, events: TopicRecorder, org_factory: Any, client: Any
) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    stranger: ApiClient = client((await asyncio.to_thread(org_factory, "stranger"))["api-key"])
    for caller in (stranger, pair.source):
        reply = await caller.post(redeem_path(token_id))
        assert reply.status == 404, reply.body
    missing = await pair.destination.post(redeem_path("cnst_doesnotexist00000000000"))
    assert missing.status == 404
    await assert_untouched(pair, token_id, events)


async def test_a_second_redeem_is_409(pair: Pair) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    assert (await pair.destination.post(redeem_path(token_id))).status == 202
    assert (await pair.destination.post(redeem_path(token_id))).status == 409
    await wait_finished(pair.destination, token_id)
    again = await pair.destination.post(redeem_path(token_id))
    assert again.status == 409
    assert len(copies_of(await all_objects(pair.destination, "inquiries"), token_id)) == 1


async def test_an_expired_token_is_409(pair: Pair, events: TopicRecorder) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    expired = await pair.source.post(f"/connect/share-tokens/{token_id}/expire")
    assert expired.status == 200, expired.body
    reply = await pair.destination.post(redeem_path(token_id))
    assert reply.status == 409, reply.body
    assert await token_status(pair.source, token_id) == "expired"
    assert copies_of(await all_objects(pair.destination, "inquiries"), token_id) == []


async def test_a_token_past_expires_at_is_409_even_before_the_sweeper_ran(
    pair: Pair, events: TopicRecorder
) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    # Move expires-at into the past directly in the state log, as time passing would.
    async with open_runtime(
        InfraSettings(kafka_bootstrap_servers=KAFKA_BOOTSTRAP, redis_url=redis_url()),
        "redeemer-tests",
        connect_timeout=30,
    ) as runtime:
        body = await runtime.store.get(token_id)
        assert body is not None
        token = ShareTokenRecord.model_validate(body)
        past = utcnow()
        aged = token.model_copy(update={"expires_at": iso(past), "expires_at_ms": epoch_ms(past)})
        await runtime.store.put(share_token_state(aged))
    reply = await pair.destination.post(redeem_path(token_id))
    assert reply.status == 409, reply.body
    assert copies_of(await all_objects(pair.destination, "inquiries"), token_id) == []


async def test_a_redeem_on_an_inactive_connection_is_422(pair: Pair, events: TopicRecorder) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    off = await pair.source.post(f"/connect/connections/{pair.connection_id}/deactivate")
    assert off.status == 200, off.body
    reply = await pair.destination.post(redeem_path(token_id))
    assert reply.status == 422, reply.body
    await assert_untouched(pair, token_id, events)


@pytest.mark.parametrize(
    ("body", "status", "pointer"),
    [
        ("{not json", 400, ""),
        ({"data": {"attributes": {"colour": "red"}}}, 400, "/data/attributes/colour"),
        ({"data": {"attributes": {"destination-id": 7}}}, 400, "/data/attributes/destination-id"),
        (
            {"data": {"attributes": {"destination-id": "org_abc"}}},
            422,
            "/data/attributes/destination-id",
        ),
        (
            {"data": {"attributes": {"destination-id": "act_abc"}}},
            422,
            "/data/attributes/destination-id",
        ),
        ({"meta": {"field-mappings": "x"}}, 400, "/meta/field-mappings"),
        ([1], 400, ""),
    ],
)
async def test_a_malformed_body_gets_its_status_and_writes_nothing(
    pair: Pair, events: TopicRecorder, body: Any, status: int, pointer: str
) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    if isinstance(body, str):
        reply = await pair.destination.post(
            redeem_path(token_id), data=body, headers={"Content-Type": "application/json"}
        )
    else:
        reply = await pair.destination.post(redeem_path(token_id), body)
    assert reply.status == status, reply.body
    assert reply.error_pointer == pointer
    await assert_untouched(pair, token_id, events)


async def test_the_idempotency_key_replays_the_first_202(pair: Pair) -> None:
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    token_id = await share(pair, inquiry["id"])
    headers = {"Idempotency-Key": f"redeem-{token_id}"}
    first = await pair.destination.post(redeem_path(token_id), headers=headers)
    again = await pair.destination.post(redeem_path(token_id), headers=headers)
    assert first.status == again.status == 202
    assert first.body == again.body
    assert again.headers.get("Idempotent-Replayed") == "true"


async def _forget_kept_answers(org_id: str) -> None:
    """What a redeemer killed after its write landed leaves behind: no kept answer for the key
    (its slot lapsed, or Redis was flushed)."""
    redis = Redis.from_url(redis_url())
    try:
        async for slot in redis.scan_iter(match=f"idem:{org_id}:*"):
            await redis.delete(slot)
    finally:
        await redis.aclose()


async def test_a_retried_redeem_whose_first_answer_was_lost_is_accepted_not_refused(
    pair: Pair,
) -> None:
    source = await create_object(pair.source, "inquiries", {"name": "once"})
    token_id = await share(pair, source["id"])
    headers = {"Idempotency-Key": "redeem-lost-answer"}
    first = await pair.destination.post(redeem_path(token_id), headers=headers)
    assert first.status == 202, first.body
    await _forget_kept_answers(pair.destination_org)
    again = await pair.destination.post(redeem_path(token_id), headers=headers)
    assert again.status == 202, again.body
    assert again.data["id"] == token_id
    await wait_finished(pair.destination, token_id)
    assert len(copies_of(await all_objects(pair.destination, "inquiries"), token_id)) == 1
    # Another key is another request: the token is no longer redeemable for it.
    other = await pair.destination.post(
        redeem_path(token_id), headers={"Idempotency-Key": "redeem-someone-else"}
    )
    assert other.status == 409
