"""The retry schedule, jitter, Retry-After, and what each answer leads to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifier.config import NotifierSettings
from notifier.domain.outcome import AttemptResult, decide, failing_too_long
from notifier.domain.schedule import RetryPolicy, parse_retry_after, parse_schedule
from notifier.domain.webhooks import subscribed

pytestmark = pytest.mark.unit

POLICY = RetryPolicy((0, 10, 100), jitter_ratio=0.2, retry_after_max=60)


def test_the_default_schedule_spans_more_than_a_day() -> None:
    schedule = NotifierSettings().schedule
    assert schedule[0] == 0 and sum(schedule) > 24 * 3600


def test_a_schedule_is_comma_separated_seconds() -> None:
    assert parse_schedule("0, 1,1,2") == (0, 1, 1, 2)
    for bad in ("", "a,b", "1,-2"):
        with pytest.raises(ValueError):
            parse_schedule(bad)


def test_jitter_spreads_a_delay_by_at_most_twenty_percent() -> None:
    assert POLICY.next_delay(1, 0.0) == pytest.approx(8)
    assert POLICY.next_delay(1, 0.999999) == pytest.approx(12, rel=1e-4)
    assert POLICY.next_delay(3, 0.5) is None


def test_retry_after_is_honoured_within_bounds_on_429_and_503() -> None:
    for status in (429, 503):
        assert decide(AttemptResult(status, 1, retry_after=30), 1, POLICY, 0.5).delay == 30
        assert decide(AttemptResult(status, 1, retry_after=9999), 1, POLICY, 0.5).delay == 60
    assert decide(AttemptResult(500, 1, retry_after=30), 1, POLICY, 0.5).delay == 10


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    later = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(later, now) == 90
    assert parse_retry_after("soon", now) is None


def test_only_a_2xx_succeeds_and_410_means_gone() -> None:
    assert decide(AttemptResult(204, 1), 1, POLICY, 0.5).kind == "delivered"
    assert decide(AttemptResult(301, 1), 1, POLICY, 0.5).kind == "retry"
    assert decide(AttemptResult(None, 1, "timed out"), 2, POLICY, 0.5).kind == "retry"
    assert decide(AttemptResult(500, 1), 3, POLICY, 0.5).kind == "dead"
    assert decide(AttemptResult(410, 1), 1, POLICY, 0.5).kind == "gone"


def test_a_webhook_failing_longer_than_the_limit_is_due_for_disabling() -> None:
    assert failing_too_long(0, 5_000, 5)
    assert not failing_too_long(1_000, 5_000, 5)
    assert not failing_too_long(None, 5_000, 5)


def test_enabled_events_match_by_exact_name_or_star() -> None:
    assert subscribed(["*"], "connect/share-token.inbound-created")
    assert subscribed(["inquiry.completed"], "inquiry.completed")
    assert not subscribed(["inquiry.completed"], "inquiry.approved")
