"""The workflow executors' decoder: events no workflow of the action can trigger are skipped
before model validation; wanted and malformed ones are validated (malformed ones fail)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from connect_shared import jsonutil
from connect_shared.events import build_event
from connect_shared.subscriber import Received
from connect_shared.workflow_events import named_events

pytestmark = pytest.mark.unit

WANTED = "connect/share-token.inbound-created"


def _received(value: bytes) -> Received:
    return Received("connect.events", 0, 7, b"k", value, [], 0, 0)


def _event_bytes(name: str) -> bytes:
    token = {"type": "connect/share-token", "id": "cnst_1", "attributes": {}}
    return jsonutil.dumps(build_event(name, "org_a", token).to_wire())


def test_an_event_named_as_a_trigger_is_decoded() -> None:
    event = named_events({WANTED})(_received(_event_bytes(WANTED)))
    assert event is not None
    assert (event.name, event.organization_id) == (WANTED, "org_a")


def test_an_event_no_workflow_of_the_action_can_trigger_is_skipped() -> None:
    decode = named_events({WANTED})
    assert decode(_received(_event_bytes("connect/share-token.outbound-created"))) is None


def test_a_value_not_shaped_like_an_event_is_still_refused_as_unreadable() -> None:
    decode = named_events({WANTED})
    with pytest.raises(ValidationError):
        decode(_received(b'{"data": {"id": "evt_1"}}'))
    with pytest.raises(ValueError):
        decode(_received(b"not json"))


def test_an_empty_value_is_skipped() -> None:
    assert named_events({WANTED})(_received(b"")) is None
