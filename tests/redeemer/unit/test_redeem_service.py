"""Accepting a redeem (``RedeemService``) over fakes: checked, claimed once, and the pending
token with its request written together, or the claim given back."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import InvalidValue, NotVisible, StoreUnavailable, WrongState
from redeemer.domain.commands import RedeemCommand
from redeemer.usecases.redeeming import RedeemService
from tests.redeemer.unit.builders import DEST_ORG, NOW, SOURCE_ORG, connection, token
from tests.redeemer.unit.fakes import FakeRecords
from tests.support.fake_claims import FakeClaims

pytestmark = pytest.mark.unit

LIVE = token(expires_at_ms=10**14)


def service(*records: object) -> tuple[RedeemService, FakeRecords, FakeClaims]:
    store = FakeRecords()
    for record in records:
        store.records[record.id] = record  # type: ignore[attr-defined]
    claims = FakeClaims(store.token)
    return RedeemService(store, claims, clock=lambda: NOW), store, claims


async def test_a_redeem_writes_the_pending_token_with_its_request() -> None:
    redeem, store, _ = service(LIVE, connection())
    pending = await redeem.redeem(DEST_ORG, LIVE.id, RedeemCommand())
    assert pending.status == "pending"
    [request] = store.submitted
    assert (request.token_id, request.mode, request.pending_at) == (
        LIVE.id,
        "clone",
        pending.pending_at,
    )
    assert await store.token(LIVE.id) == pending


async def test_a_token_is_not_visible_to_its_source_or_anyone_else() -> None:
    redeem, store, _ = service(LIVE, connection())
    for outsider in (SOURCE_ORG, "org_someone0000000000000000"):
        with pytest.raises(NotVisible):
            await redeem.redeem(outsider, LIVE.id, RedeemCommand())
    assert store.submitted == []


async def test_an_inactive_connection_is_refused_before_the_claim() -> None:
    redeem, store, claims = service(LIVE, connection(status="inactive"))
    with pytest.raises(InvalidValue):
        await redeem.redeem(DEST_ORG, LIVE.id, RedeemCommand())
    assert claims.holders == {} and store.submitted == []


async def test_a_second_redeem_loses_the_claim() -> None:
    redeem, store, _ = service(LIVE, connection())
    await redeem.redeem(DEST_ORG, LIVE.id, RedeemCommand())
    with pytest.raises(WrongState):
        await redeem.redeem(DEST_ORG, LIVE.id, RedeemCommand())
    assert len(store.submitted) == 1


async def test_an_expired_token_is_refused_as_expired() -> None:
    redeem, _, _ = service(token(expires_at_ms=1), connection())
    with pytest.raises(WrongState) as refused:
        await redeem.redeem(DEST_ORG, LIVE.id, RedeemCommand())
    assert refused.value.meta == {"status": "expired"}


async def test_kafka_down_gives_the_claim_back_and_keeps_the_token_redeemable() -> None:
    redeem, store, claims = service(LIVE, connection())
    store.unavailable = True
    with pytest.raises(StoreUnavailable):
        await redeem.redeem(DEST_ORG, LIVE.id, RedeemCommand())
    assert claims.holders == {}
    assert await store.token(LIVE.id) == LIVE
