"""The worker's service layer against an in-memory fake of its store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from connect_shared.records import (
    SharingLevel,
    SourceObjectRecord,
)
from connect_shared.redemptions import RedemptionRequest
from redeemer.usecases.processing import RedemptionProcessor, RetryLater
from tests.redeemer.unit.builders import DEST_ORG, NOW, connection, inquiry, token
from tests.redeemer.unit.fakes import FakeRecords

pytestmark = pytest.mark.unit

PENDING_AT = "2026-01-02T03:04:00.000Z"


def make(records: FakeRecords, lost: list[bool] | None = None) -> RedemptionProcessor:
    return RedemptionProcessor(
        records,
        lambda payload: "sig",
        on_view_lost=lambda: None if lost is None else lost.append(True),
        pending_grace_seconds=15,
        clock=lambda: NOW,
    )


def request(**changes: object) -> RedemptionRequest:
    base = RedemptionRequest(
        token_id=token().id,
        destination_organization_id=DEST_ORG,
        mode="clone",
        pending_at=PENDING_AT,
        requested_at_ms=0,
    )
    return base.model_copy(update=changes)


def world(**token_changes: object) -> FakeRecords:
    changes = {"status": "pending", "pending_at": PENDING_AT, "redeem_mode": "clone"}
    pending = token(**{**changes, **token_changes})
    return FakeRecords(
        {pending.id: pending, inquiry().id: inquiry(), connection().id: connection()}
    )


def set_sharing(records: FakeRecords, sharing: dict[str, SharingLevel]) -> None:
    records.records[connection().id] = connection(sharing=sharing)


async def test_a_pending_clone_ends_redeemed_with_one_copy_and_two_events() -> None:
    records = world()
    await make(records).process(request())
    finished = await records.token(token().id)
    assert finished is not None
    assert finished.status == "redeemed"
    copy = await records.object(finished.destination_id or "")
    assert copy is not None
    assert copy.organization_id == DEST_ORG
    assert [e.name for e in records.emitted] == [
        "connect/share-token.outbound-redeemed",
        "connect/share-token.inbound-redeemed",
    ]


async def test_a_redelivered_request_changes_nothing_and_emits_nothing_new() -> None:
    records = world()
    processor = make(records)
    await processor.process(request())
    snapshot = dict(records.records)
    await processor.process(request())
    assert records.records == snapshot
    assert len(records.emitted) == 2


async def test_a_finished_token_whose_events_are_not_known_delivered_emits_only_missing_ones() -> (
    None
):
    records = world()
    await make(records).process(request())
    first_ids = [e.id for e in records.emitted]
    records.announced.clear()
    del records.emitted[1]
    await make(records).process(request())
    assert sorted(e.id for e in records.emitted) == sorted(first_ids)


async def test_a_retry_after_a_crash_redoes_the_same_work_at_the_first_attempts_time() -> None:
    records = world()
    first_attempt = NOW - timedelta(seconds=30)
    records.attempts[token().id] = first_attempt
    await make(records).process(request())
    finished = await records.token(token().id)
    assert finished is not None
    assert finished.redeemed_at == "2026-01-02T03:03:35.678Z"
    copy = await records.object(finished.destination_id or "")
    assert copy is not None
    assert copy.provenance is not None
    assert copy.provenance.copied_at == finished.redeemed_at


async def test_a_missing_source_fails_the_token() -> None:
    records = world()
    del records.records[inquiry().id]
    await make(records).process(request())
    finished = await records.token(token().id)
    assert finished is not None
    assert (finished.status, finished.failure_reason) == ("failed", "source_not_found")
    assert records.emitted[0].name == "connect/share-token.outbound-failed"


@dataclass
class ViewLostMidway(FakeRecords):
    """Ready at the first look, lost (FLUSHALL) right after."""

    looks: int = 0

    async def view_ready(self) -> bool:
        self.looks += 1
        return self.looks == 1


async def test_a_source_missing_from_a_view_lost_midway_is_retried_not_failed() -> None:
    records = ViewLostMidway(world().records)
    del records.records[inquiry().id]
    with pytest.raises(RetryLater):
        await make(records).process(request())
    still = await records.token(token().id)
    assert still is not None and still.status == "pending"
    assert records.emitted == []


async def test_a_token_missing_from_a_view_lost_midway_is_retried_not_dropped() -> None:
    records = ViewLostMidway(world().records)
    del records.records[token().id]
    with pytest.raises(RetryLater):
        await make(records).process(request())


async def test_a_lost_view_is_retried_later_and_triggers_a_rebuild() -> None:
    records = world()
    records.ready = False
    lost: list[bool] = []
    with pytest.raises(RetryLater):
        await make(records, lost).process(request())
    assert lost == [True]


async def test_a_request_whose_token_write_failed_is_dropped_after_the_grace_period() -> None:
    records = FakeRecords({token().id: token()})
    young = request(requested_at_ms=int(NOW.timestamp() * 1000) - 1000)
    with pytest.raises(RetryLater):
        await make(records).process(young)
    await make(records).process(request(requested_at_ms=0))
    assert (await records.token(token().id)).status == "created"  # type: ignore[union-attr]
    assert records.emitted == []


async def test_a_request_for_another_redeem_attempt_is_ignored() -> None:
    records = world()
    await make(records).process(request(pending_at="2026-01-02T03:03:59.000Z"))
    assert (await records.token(token().id)).status == "pending"  # type: ignore[union-attr]


async def test_an_unexpected_error_fails_with_unrecoverable_error() -> None:
    records = world()

    def broken_sign(payload: bytes) -> str:
        raise ArithmeticError("boom")

    processor = RedemptionProcessor(
        records, broken_sign, on_view_lost=lambda: None, pending_grace_seconds=1, clock=lambda: NOW
    )
    await processor.process(request())
    finished = await records.token(token().id)
    assert finished is not None
    assert finished.failure_reason == "unrecoverable_error"


async def test_the_copy_follows_the_sharing_settings_of_the_moment_the_worker_copies() -> None:
    records = world()
    # The redeem was accepted while everything was shared; the source tightened it since.
    set_sharing(records, {"name-last": "none", "birthdate": "presence"})
    await make(records).process(request())
    finished = await records.token(token().id)
    assert finished is not None
    copy = await records.object(finished.destination_id or "")
    assert copy is not None
    assert copy.fields == {"name-first": "Ada"}
    assert copy.provenance is not None
    assert copy.provenance.present_fields == ["birthdate"]


async def test_a_hydrate_follows_the_sharing_settings_too() -> None:
    records = world(redeem_mode="hydrate")
    target = inquiry(id="inq_target", organization_id=DEST_ORG, fields={"kept": 1})
    records.records[target.id] = target
    set_sharing(records, {"*": "none", "name-first": "full"})
    await make(records).process(request(mode="hydrate", destination_id=target.id))
    filled = await records.object(target.id)
    assert filled is not None
    assert filled.fields == {"kept": 1, "name-first": "Ada"}


async def test_a_copy_redone_after_the_source_tightened_its_settings_follows_the_new_ones() -> None:
    records = world()
    await make(records).process(request())
    finished = await records.token(token().id)
    assert finished is not None and finished.destination_id is not None
    first = await records.object(finished.destination_id)
    assert first is not None and "name-last" in first.fields
    # The first attempt's copy never reached the view; meanwhile the source withheld a field.
    del records.records[finished.destination_id]
    set_sharing(records, {"name-last": "none"})
    await make(records).process(request())
    redone = await records.object(finished.destination_id)
    assert redone is not None
    assert redone.id == first.id
    assert redone.created_at == first.created_at
    assert redone.fields == {"name-first": "Ada", "birthdate": "1815-12-10"}
    assert len(records.emitted) == 2


async def test_a_missing_connection_copies_nothing_and_fails_the_token() -> None:
    records = world()
    del records.records[connection().id]
    await make(records).process(request())
    finished = await records.token(token().id)
    assert finished is not None
    assert (finished.status, finished.failure_reason) == ("failed", "unrecoverable_error")
    assert [r for r in records.records.values() if isinstance(r, SourceObjectRecord)] == [inquiry()]
