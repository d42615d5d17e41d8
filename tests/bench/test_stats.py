"""Percentile math and throughput of the bench harness."""

from __future__ import annotations

import math

import pytest

from bench.stats import percentile, rate, steady_rate, summarize

pytestmark = pytest.mark.unit


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(values, 25) == pytest.approx(1.75)


def test_percentile_does_not_depend_on_order() -> None:
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0


def test_percentile_of_one_value_and_of_none() -> None:
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_percentile_matches_the_linear_method_on_a_long_series() -> None:
    values = [float(i) for i in range(1, 1001)]  # 1..1000
    assert percentile(values, 99) == pytest.approx(990.01)
    assert percentile(values, 99.9) == pytest.approx(999.001)


@pytest.mark.parametrize("q", [-1.0, 100.5])
def test_percentile_refuses_out_of_range(q: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], q)


def test_summarize_converts_seconds_to_milliseconds() -> None:
    summary = summarize([0.001 * i for i in range(1, 101)])  # 1..100 ms
    assert summary.count == 100
    assert summary.p50_ms == pytest.approx(50.5)
    assert summary.p99_ms == pytest.approx(99.01)
    assert summary.max_ms == pytest.approx(100.0)
    assert summary.mean_ms == pytest.approx(50.5)
    assert summary.as_dict()["p99-ms"] == summary.p99_ms


def test_summarize_nothing_is_nan_not_an_error() -> None:
    summary = summarize([])
    assert summary.count == 0
    assert math.isnan(summary.p99_ms)


def test_rate_and_steady_rate() -> None:
    assert rate(100, 2.0) == 50.0
    assert rate(5, 0.0) == 0.0
    # 1000 completions evenly over 10 s, plus a slow tail that trimming ignores
    times = [i / 100 for i in range(1000)] + [30.0]
    assert steady_rate(times, trim=0.05) == pytest.approx(100.0, rel=0.01)
    assert steady_rate([1.0]) == 0.0
    with pytest.raises(ValueError):
        steady_rate(times, trim=0.5)
