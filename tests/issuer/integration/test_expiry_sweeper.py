"""The expiry sweeper against real Kafka and Redis: once per token, even with two replicas."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from connect_shared.clock import epoch_ms
from connect_shared.records import TOKEN_EXPIRY_INDEX, ShareTokenRecord
from connect_shared.runtime import Runtime
from connect_shared.token_guard import ClaimResult, TokenGuard
from issuer.bootstrap import build_issuer
from issuer.config import IssuerSettings
from tests.issuer.integration.conftest import Clock, token_expiring
from tests.support.kafka import TopicRecorder

pytestmark = pytest.mark.integration


def expiry_events(events: TopicRecorder, token_id: str) -> list[dict[str, object]]:
    return events.matching(
        lambda m: (
            m["data"]["attributes"]["name"].endswith("-expired")
            and m["data"]["attributes"]["payload"]["data"]["id"] == token_id
        )
    )


async def test_two_sweeper_replicas_announce_an_expiry_once_with_stable_ids(
    runtime: Runtime, clock: Clock, events: TopicRecorder
) -> None:
    token = await token_expiring(runtime, clock() - timedelta(seconds=1))
    replicas = [build_issuer(runtime, IssuerSettings(), clock) for _ in range(2)]
    await asyncio.gather(*(replica.sweeper.sweep_once() for replica in replicas))
    await asyncio.gather(*(replica.sweeper.sweep_once() for replica in replicas))
    await events.caught_up()  # the sweeps wrote their events before returning
    found = expiry_events(events, token.id)
    by_id = {m["data"]["id"]: m for m in found}  # duplicates, if any, are identical
    names = sorted(m["data"]["attributes"]["name"] for m in by_id.values())
    assert names == ["connect/share-token.inbound-expired", "connect/share-token.outbound-expired"]
    orgs = {m["data"]["attributes"]["organization-id"] for m in by_id.values()}
    assert orgs == {token.source_organization_id, token.destination_organization_id}
    stored = ShareTokenRecord.model_validate(await runtime.store.get(token.id))
    assert stored.status == "expired"
    assert stored.expiry_announced is True
    assert await runtime.redis.zscore(TOKEN_EXPIRY_INDEX, token.id) is None


async def test_sweeper_leaves_tokens_that_are_not_due(runtime: Runtime, clock: Clock) -> None:
    token = await token_expiring(runtime, clock() + timedelta(hours=1))
    await build_issuer(runtime, IssuerSettings(), clock).sweeper.sweep_once()
    stored = ShareTokenRecord.model_validate(await runtime.store.get(token.id))
    assert stored.status == "created"


async def test_sweeper_does_not_expire_a_token_a_redemption_claimed_in_time(
    runtime: Runtime, clock: Clock, events: TopicRecorder
) -> None:
    token = await token_expiring(runtime, clock() + timedelta(seconds=30))
    guard = TokenGuard(runtime.redis)
    claim = await guard.claim(token.id, "redeemer-test", epoch_ms(clock()))
    assert claim is ClaimResult.WON
    clock.advance(60)
    await build_issuer(runtime, IssuerSettings(), clock).sweeper.sweep_once()
    await events.caught_up()
    stored = ShareTokenRecord.model_validate(await runtime.store.get(token.id))
    assert stored.status == "created"
    assert expiry_events(events, token.id) == []
    await guard.release(token.id, "redeemer-test")
