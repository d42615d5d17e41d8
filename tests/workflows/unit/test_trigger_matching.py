"""Which events a workflow's trigger matches (pure rules, no I/O)."""

from __future__ import annotations

import pytest

from connect_shared.ids import derived_id
from connect_shared.workflows import WorkflowTrigger, run_id_for, trigger_matches

pytestmark = pytest.mark.unit

TOKEN = {
    "type": "connect/share-token",
    "id": "cnst_1",
    "attributes": {"status": "created", "connection-id": "cxn_1", "direction": "inbound"},
    "relationships": {
        "connection": {"data": {"type": "connect/connection", "id": "cxn_1"}},
        "source": {"data": {"type": "inquiry", "id": "inq_1"}},
        "destination": {"data": None},
    },
}
INQUIRY = {"type": "inquiry", "id": "inq_9", "attributes": {"status": "approved", "score": 3}}
INBOUND = "connect/share-token.inbound-created"


def test_trigger_without_filter_matches_every_event_of_its_name() -> None:
    trigger = WorkflowTrigger(event="inquiry.approved")
    assert trigger_matches(trigger, "inquiry.approved", INQUIRY)
    assert not trigger_matches(trigger, "inquiry.completed", INQUIRY)


def test_filter_on_an_attribute_must_equal_it() -> None:
    assert trigger_matches(
        WorkflowTrigger(event=INBOUND, filter={"connection-id": "cxn_1"}), INBOUND, TOKEN
    )
    assert not trigger_matches(
        WorkflowTrigger(event=INBOUND, filter={"connection-id": "cxn_2"}), INBOUND, TOKEN
    )
    assert trigger_matches(
        WorkflowTrigger(event="inquiry.approved", filter={"status": "approved"}),
        "inquiry.approved",
        INQUIRY,
    )


def test_filter_reaches_relationship_ids_and_the_object_id() -> None:
    assert trigger_matches(
        WorkflowTrigger(event=INBOUND, filter={"source-id": "inq_1", "id": "cnst_1"}),
        INBOUND,
        TOKEN,
    )
    assert not trigger_matches(
        WorkflowTrigger(event=INBOUND, filter={"source-id": "inq_2"}), INBOUND, TOKEN
    )


def test_every_filter_entry_must_match() -> None:
    trigger = WorkflowTrigger(event=INBOUND, filter={"connection-id": "cxn_1", "status": "pending"})
    assert not trigger_matches(trigger, INBOUND, TOKEN)


def test_a_missing_key_or_a_value_of_another_type_matches_nothing() -> None:
    assert not trigger_matches(
        WorkflowTrigger(event=INBOUND, filter={"destination-id": "inq_1"}), INBOUND, TOKEN
    )
    assert not trigger_matches(
        WorkflowTrigger(event=INBOUND, filter={"nonexistent": "x"}), INBOUND, TOKEN
    )
    approved = "inquiry.approved"
    assert trigger_matches(WorkflowTrigger(event=approved, filter={"score": 3}), approved, INQUIRY)
    assert not trigger_matches(
        WorkflowTrigger(event=approved, filter={"score": "3"}), approved, INQUIRY
    )


def test_run_id_is_fixed_by_workflow_and_trigger_event() -> None:
    assert run_id_for("wfl_a", "evt_1") == run_id_for("wfl_a", "evt_1")
    assert run_id_for("wfl_a", "evt_1") != run_id_for("wfl_a", "evt_2")
    assert run_id_for("wfl_a", "evt_1") != run_id_for("wfl_b", "evt_1")
    assert run_id_for("wfl_a", "evt_1") == derived_id("wfr_", "wfl_a", "evt_1")
