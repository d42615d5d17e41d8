"""What follows one attempt: delivered, retry later, dead letter, or the endpoint is gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from notifier.domain.schedule import RetryPolicy

OutcomeKind = Literal["delivered", "retry", "dead", "gone"]
RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class AttemptResult:
    """What the endpoint did: a status code, or an error and no status."""

    status: int | None
    duration_ms: float
    error: str | None = None
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        """Success is a 2xx within the timeout; redirects are failures."""
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Outcome:
    """The decision after an attempt; ``delay`` is set for retries."""

    kind: OutcomeKind
    delay: float | None = None


def decide(
    result: AttemptResult, attempt_number: int, policy: RetryPolicy, unit_random: float
) -> Outcome:
    """Decide what happens after attempt number ``attempt_number`` (1-based)."""
    if result.succeeded:
        return Outcome("delivered")
    if result.status == 410:
        return Outcome("gone")
    retry_after = result.retry_after if result.status in RETRY_AFTER_STATUSES else None
    delay = policy.next_delay(attempt_number, unit_random, retry_after)
    if delay is None:
        return Outcome("dead")
    return Outcome("retry", delay)


def failing_too_long(failing_since_ms: int | None, now_ms: int, limit_seconds: float) -> bool:
    """True when a webhook has failed without a single success for ``limit_seconds``."""
    return failing_since_ms is not None and now_ms - failing_since_ms >= limit_seconds * 1000
