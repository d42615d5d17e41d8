"""Connection rules without I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connect_shared.domain_errors import InvalidValue, NotAllowed, WrongState
from issuer.domain import connections as rules

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def pending() -> rules.ConnectionRecord:
    return rules.new_connection("org_src", "org_dst", True, NOW)


def test_new_connection_is_pending_between_two_organizations() -> None:
    connection = pending()
    assert connection.status == "pending"
    assert connection.id.startswith("cxn_")
    assert (connection.source_organization_id, connection.destination_organization_id) == (
        "org_src",
        "org_dst",
    )


def test_connecting_to_yourself_is_422_on_the_destination() -> None:
    with pytest.raises(InvalidValue) as refused:
        rules.new_connection("org_a", "org_a", True, NOW)
    assert refused.value.field == "destination-organization-id"


def test_connecting_to_an_unknown_organization_is_422() -> None:
    with pytest.raises(InvalidValue):
        rules.new_connection("org_a", "org_b", False, NOW)


def test_only_the_destination_accepts() -> None:
    with pytest.raises(NotAllowed):
        rules.accept(pending(), "org_src", NOW)
    assert rules.accept(pending(), "org_dst", NOW).status == "active"


def test_accepting_twice_is_a_conflict() -> None:
    active = rules.accept(pending(), "org_dst", NOW)
    with pytest.raises(WrongState):
        rules.accept(active, "org_dst", NOW)


def test_either_side_deactivates_and_only_the_source_reactivates() -> None:
    for side in ("org_src", "org_dst"):
        assert rules.deactivate(pending(), side, NOW).status == "inactive"
    inactive = rules.deactivate(pending(), "org_dst", NOW)
    with pytest.raises(NotAllowed):
        rules.reactivate(inactive, "org_dst", NOW)
    assert rules.reactivate(inactive, "org_src", NOW).status == "pending"
    with pytest.raises(WrongState):
        rules.deactivate(inactive, "org_src", NOW)


def test_sharing_settings_merge_and_belong_to_the_source() -> None:
    first = rules.update_sharing(pending(), "org_src", {"ssn": "none"}, NOW)
    second = rules.update_sharing(first, "org_src", {"birthdate": "presence"}, NOW)
    assert second.sharing == {"ssn": "none", "birthdate": "presence"}
    with pytest.raises(NotAllowed):
        rules.update_sharing(first, "org_dst", {"ssn": "full"}, NOW)
