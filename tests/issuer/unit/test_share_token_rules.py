"""Share-token rules without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connect_shared.domain_errors import InvalidValue
from connect_shared.records import ConnectionRecord, SourceObjectRecord
from issuer.domain import share_tokens as rules

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)
STAMP = "2026-01-01T00:00:00.000Z"


def connection(status: str = "active") -> ConnectionRecord:
    return ConnectionRecord.model_validate(
        {
            "id": "cxn_1",
            "source_organization_id": "org_src",
            "destination_organization_id": "org_dst",
            "status": status,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )


def inquiry(org_id: str = "org_src") -> SourceObjectRecord:
    return SourceObjectRecord(
        id="inq_1", organization_id=org_id, type="inquiry", created_at=STAMP, updated_at=STAMP
    )


@pytest.mark.parametrize("status", ["pending", "inactive"])
def test_token_needs_an_active_connection(status: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        rules.check_connection(connection(status), "org_src")
    assert refused.value.field == "connection-id"


@pytest.mark.parametrize("caller", ["org_dst", "org_other"])
def test_only_the_source_issues_tokens(caller: str) -> None:
    with pytest.raises(InvalidValue):
        rules.check_connection(connection(), caller)


def test_missing_connection_is_422() -> None:
    with pytest.raises(InvalidValue):
        rules.check_connection(None, "org_src")


def test_source_object_must_belong_to_the_caller() -> None:
    with pytest.raises(InvalidValue) as refused:
        rules.check_source(inquiry("org_other"), "org_src")
    assert refused.value.field == "source-id"
    with pytest.raises(InvalidValue):
        rules.check_source(None, "org_src")


@pytest.mark.parametrize("ttl", [59, 1_814_401])
def test_lifetime_outside_60s_to_21_days_is_refused(ttl: int) -> None:
    with pytest.raises(InvalidValue):
        rules.new_share_token(connection(), inquiry(), ttl, NOW)


def test_new_token_is_created_and_expires_after_its_lifetime() -> None:
    token = rules.new_share_token(connection(), inquiry(), 60, NOW)
    assert token.status == "created"
    assert token.id.startswith("cnst_")
    assert token.expires_at == "2026-01-01T00:01:00.000Z"
    assert token.expires_at_ms == int((NOW + timedelta(seconds=60)).timestamp() * 1000)
    assert (token.source_id, token.source_type) == ("inq_1", "inquiry")


def test_created_events_give_each_side_its_own_view_and_id() -> None:
    token = rules.new_share_token(connection(), inquiry(), 600, NOW)
    outbound, inbound = rules.created_events(token, NOW)
    assert (outbound.name, outbound.organization_id) == (
        "connect/share-token.outbound-created",
        "org_src",
    )
    assert (inbound.name, inbound.organization_id) == (
        "connect/share-token.inbound-created",
        "org_dst",
    )
    assert outbound.payload_object["attributes"]["direction"] == "outbound"
    assert inbound.payload_object["attributes"]["direction"] == "inbound"
    assert outbound.id != inbound.id


def test_expiry_events_have_the_same_ids_every_time() -> None:
    token = rules.expired(rules.new_share_token(connection(), inquiry(), 600, NOW), NOW)
    first = rules.expired_events(token, NOW)
    again = rules.expired_events(token, NOW + timedelta(seconds=5))
    assert [e.id for e in first] == [e.id for e in again]
    assert token.status == "expired" and token.expiry_announced
