"""Concurrent changes of one connection (contract "Races", issue 11): each pair of requests is
sent at once, many times; at most one wins unless both fit one after the other, losers get 409
with the current status, and the final connection reflects every 2xx."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis

from connect_shared.state import write_guard_key
from tests.issuer.helpers import Org, attrs
from tests.support.ports import redis_url
from tests.support.races import TRIALS, at_once, lost_with_status, won

pytestmark = pytest.mark.e2e

CONNECTIONS = "/connect/connections"


async def _pending(source: Org, destination: Org) -> str:
    reply = await source.api.post(
        CONNECTIONS, json=attrs(destination_organization_id=destination.id)
    )
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


async def _final(org: Org, cxn: str) -> dict[str, Any]:
    reply = await org.api.get(f"{CONNECTIONS}/{cxn}")
    assert reply.status == 200, reply.body
    return dict(reply.data["attributes"])


async def test_accept_racing_deactivate_never_ends_active_after_an_acknowledged_deactivate(
    new_org: Any,
) -> None:
    source, destination = new_org("src"), new_org("dst")
    outcomes = []
    for _ in range(TRIALS):
        cxn = await _pending(source, destination)
        accept, deactivate = await at_once(
            lambda c=cxn: destination.api.post(f"{CONNECTIONS}/{c}/accept"),
            lambda c=cxn: source.api.post(f"{CONNECTIONS}/{c}/deactivate"),
        )
        final = (await _final(source, cxn))["status"]
        outcomes.append((accept.status, deactivate.status, final))
        assert won(accept) or won(deactivate), (accept.body, deactivate.body)
        if won(deactivate):
            # Accept-then-deactivate is the only order in which both can succeed.
            assert final == "inactive", outcomes
        else:
            assert lost_with_status(deactivate, {"pending", "active"}), deactivate.body
            assert final == "active", outcomes
        if not won(accept):
            assert lost_with_status(accept, {"pending", "inactive"}), accept.body


async def test_accept_racing_a_sharing_patch_loses_neither_when_both_answer_200(
    new_org: Any,
) -> None:
    source, destination = new_org("src"), new_org("dst")
    outcomes = []
    for _ in range(TRIALS):
        cxn = await _pending(source, destination)
        accept, patch = await at_once(
            lambda c=cxn: destination.api.post(f"{CONNECTIONS}/{c}/accept"),
            lambda c=cxn: source.api.patch(
                f"{CONNECTIONS}/{c}", json=attrs(sharing_settings={"ssn": "none"})
            ),
        )
        final = await _final(source, cxn)
        outcomes.append((accept.status, patch.status, final["status"]))
        assert won(accept) or won(patch), (accept.body, patch.body)
        assert final["status"] == ("active" if won(accept) else "pending"), outcomes
        assert final["sharing-settings"] == ({"ssn": "none"} if won(patch) else {}), outcomes
        for reply in (accept, patch):
            if not won(reply):
                assert lost_with_status(reply, {"pending", "active"}), reply.body


async def test_deactivate_by_both_sides_at_once_answers_one_200_and_one_409(
    new_org: Any,
) -> None:
    source, destination = new_org("src"), new_org("dst")
    cxn = await _pending(source, destination)
    for _ in range(TRIALS // 2):
        assert (await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")).status == 200
        by_source, by_destination = await at_once(
            lambda: source.api.post(f"{CONNECTIONS}/{cxn}/deactivate"),
            lambda: destination.api.post(f"{CONNECTIONS}/{cxn}/deactivate"),
        )
        assert sorted([by_source.status, by_destination.status]) == [200, 409]
        loser = by_source if by_source.status == 409 else by_destination
        assert lost_with_status(loser, {"active", "inactive"}), loser.body
        assert (await _final(source, cxn))["status"] == "inactive"
        assert (await source.api.post(f"{CONNECTIONS}/{cxn}/reactivate")).status == 200


async def test_a_guard_left_by_a_crashed_writer_refuses_changes_only_until_its_lease_ends(
    new_org: Any,
) -> None:
    source, destination = new_org("src"), new_org("dst")
    cxn = await _pending(source, destination)
    # What a process leaves behind when it dies between claiming and writing (lease shortened).
    redis = Redis.from_url(redis_url())
    try:
        await redis.set(write_guard_key(cxn), "claim-of-a-dead-process", px=1500)
        refused = await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")
        assert lost_with_status(refused, {"pending"}), refused.body
        async with asyncio.timeout(10):
            while (
                reply := await destination.api.post(f"{CONNECTIONS}/{cxn}/accept")
            ).status == 409:
                await asyncio.sleep(0.1)
    finally:
        await redis.aclose()
    assert reply.status == 200, reply.body
    assert (await _final(source, cxn))["status"] == "active"
