"""Outcome events: one per side, ids and bodies fixed by the token and its outcome."""

from __future__ import annotations

import pytest

from redeemer.domain.outcome import outcome_events
from redeemer.domain.tokens import mark_failed, mark_redeemed
from tests.redeemer.unit.builders import DEST_ORG, NOW, SOURCE_ORG, token

pytestmark = pytest.mark.unit


def test_redeemed_events_go_outbound_to_the_source_and_inbound_to_the_destination() -> None:
    redeemed = mark_redeemed(token(status="pending"), "inq_copy", "inquiry", NOW)
    outbound, inbound = outcome_events(redeemed)
    assert outbound.name == "connect/share-token.outbound-redeemed"
    assert outbound.organization_id == SOURCE_ORG
    assert outbound.payload_object["attributes"]["direction"] == "outbound"
    assert inbound.name == "connect/share-token.inbound-redeemed"
    assert inbound.organization_id == DEST_ORG
    assert inbound.payload_object["attributes"]["status"] == "redeemed"
    assert inbound.payload_object["relationships"]["destination"]["data"] == {
        "type": "inquiry",
        "id": "inq_copy",
    }


def test_the_same_outcome_gives_byte_identical_events() -> None:
    redeemed = mark_redeemed(token(status="pending"), "inq_copy", "inquiry", NOW)
    first = [e.to_wire() for e in outcome_events(redeemed)]
    again = [e.to_wire() for e in outcome_events(redeemed)]
    assert first == again
    assert len({e["data"]["id"] for e in first}) == 2


def test_failed_events_carry_the_reason() -> None:
    failed = mark_failed(token(status="pending"), "source_redacted", NOW)
    names = [e.name for e in outcome_events(failed)]
    assert names == ["connect/share-token.outbound-failed", "connect/share-token.inbound-failed"]
    assert outcome_events(failed)[0].payload_object["attributes"]["failure-reason"] == (
        "source_redacted"
    )


def test_an_unfinished_token_has_no_outcome_events() -> None:
    with pytest.raises(ValueError):
        outcome_events(token(status="pending"))
