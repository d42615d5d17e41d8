"""The tally rules: which events count, de-duplication by source offset, exact merges."""

from __future__ import annotations

from typing import Any

import pytest

from connect_shared.clock import parse_iso
from connect_shared.events import build_event
from stats.domain import histogram
from stats.domain.facts import Fact, fact_from_event
from stats.domain.tallies import Tally, Totals
from stats.domain.windows import window_start, window_starts

pytestmark = pytest.mark.unit


def _event(name: str, attributes: dict[str, Any], at: str = "2026-03-01T10:00:00.000Z") -> Any:
    token = {"type": "connect/share-token", "id": "stk_1", "attributes": attributes}
    return build_event(name, "org_a", token, created_at=parse_iso(at)).to_wire()


def _fact(kind: str = "created", seconds: float | None = None) -> Fact:
    return Fact("evt_1", "org_a", "outbound", "cxn_1", kind, 0.0, seconds)  # type: ignore[arg-type]


def test_redeemed_event_states_seconds_from_creation_to_redemption() -> None:
    event = _event(
        "connect/share-token.inbound-redeemed",
        {
            "connection-id": "cxn_1",
            "created-at": "2026-03-01T09:00:00.000Z",
            "redeemed-at": "2026-03-01T09:30:00.500Z",
        },
    )
    fact = fact_from_event(event)
    assert fact is not None
    assert (fact.direction, fact.kind, fact.connection_id) == ("inbound", "redeemed", "cxn_1")
    assert fact.seconds_to_redeem == 1800.5


@pytest.mark.parametrize(
    "name",
    ["connect/connection.created", "inquiry.created", "connect/share-token.sideways-created"],
)
def test_events_other_than_share_token_events_are_not_counted(name: str) -> None:
    assert fact_from_event(_event(name, {"connection-id": "cxn_1"})) is None


@pytest.mark.parametrize("document", [None, [], {"data": "x"}, {"data": {"attributes": {}}}])
def test_malformed_documents_are_not_counted(document: Any) -> None:
    assert fact_from_event(document) is None


def test_a_message_at_or_below_the_tally_offset_changes_nothing() -> None:
    tally = Tally().applied(_fact(), 7)
    assert tally is not None and tally.created == 1 and tally.offset == 7
    assert tally.applied(_fact(), 7) is None
    assert tally.applied(_fact(), 3) is None
    later = tally.applied(_fact("failed"), 8)
    assert later is not None and (later.created, later.failed, later.offset) == (1, 1, 8)


def test_tally_survives_its_json_round_trip() -> None:
    tally = Tally().applied(_fact("redeemed", 42.0), 1)
    assert tally is not None
    assert Tally.from_value(tally.to_value()) == tally


def test_totals_add_counts_and_merge_histograms_exactly() -> None:
    first = Tally(created=2, redeem_seconds=histogram.add({}, 10), offset=4)
    second = Tally(created=1, redeemed=3, redeem_seconds=histogram.add({}, 1000), offset=9)
    totals = Totals.of([first, second])
    assert (totals.created, totals.redeemed) == (3, 3)
    assert sum(totals.redeem_seconds.values()) == 2


@pytest.mark.parametrize("value", [0.2, 1.0, 2.0, 59.0, 900.0, 1800.0, 43200.0, 2_500_000.0])
def test_histogram_quantile_is_within_its_relative_error(value: float) -> None:
    result = histogram.quantile(histogram.add({}, value), 0.5)
    assert result is not None
    if value <= 1.0:
        assert result == 0.0
    else:
        assert abs(result - value) <= value * histogram.RELATIVE_ERROR


def test_histogram_p95_of_a_hundred_values_is_the_ninety_fifth() -> None:
    bins: histogram.Bins = {}
    for value in range(1, 101):
        bins = histogram.add(bins, float(value * 10))
    p95 = histogram.quantile(bins, 0.95)
    assert p95 is not None and abs(p95 - 950) <= 950 * histogram.RELATIVE_ERROR
    assert histogram.quantile({}, 0.5) is None


def test_windows_are_utc_hours_and_days() -> None:
    midnight = parse_iso("2026-03-02T00:00:00.000Z").timestamp()
    assert window_start(midnight - 0.001, "day") == midnight - 86400
    assert window_start(midnight, "day") == midnight
    assert window_start(midnight + 3599.999, "hour") == midnight
    assert window_starts(midnight - 1, midnight + 3600, "hour") == [
        midnight - 3600,
        midnight,
        midnight + 3600,
    ]
