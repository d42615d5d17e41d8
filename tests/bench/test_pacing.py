"""Open-loop pacing of the bench load generator."""

from __future__ import annotations

import pytest

from bench.pacing import due_count, intended_offset, next_due_in, total_requests

pytestmark = pytest.mark.unit


def test_total_requests_is_rate_times_duration() -> None:
    assert total_requests(500, 10) == 5000
    assert total_requests(0.5, 3) == 1
    assert total_requests(100, 0.1) == 10  # no float rounding loss
    assert total_requests(0, 10) == 0
    assert total_requests(10, 0) == 0


def test_requests_are_due_at_fixed_intervals_from_the_start() -> None:
    assert [intended_offset(i, 4) for i in range(4)] == [0.0, 0.25, 0.5, 0.75]
    with pytest.raises(ValueError):
        intended_offset(1, 0)


def test_due_count_counts_the_first_request_at_zero_and_caps_at_total() -> None:
    assert due_count(10, -0.1, 100) == 0
    assert due_count(10, 0.0, 100) == 1
    assert due_count(10, 0.0999, 100) == 1
    assert due_count(10, 0.1, 100) == 2
    assert due_count(10, 0.95, 100) == 10
    assert due_count(10, 60.0, 100) == 100


def test_a_late_generator_catches_up_instead_of_slowing_down() -> None:
    # 1 s late at 200/s: 201 requests are due at once, none are skipped (open loop)
    assert due_count(200, 1.0, 10_000) == 201
    assert next_due_in(200, 201, 1.0) == pytest.approx(0.005)
    assert next_due_in(200, 50, 1.0) == 0.0
