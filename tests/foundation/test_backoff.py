"""The one back-off helper: retries what may pass next time, gives up when told, and lets
everything else through at once."""

from __future__ import annotations

import pytest

from connect_shared.backoff import Backoff, retry

QUICK = Backoff(first=0.001, cap=0.002)


class Flaky:
    def __init__(self, failures: int, error: type[Exception] = ConnectionError) -> None:
        self.calls = 0
        self._failures = failures
        self._error = error

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self._failures:
            raise self._error(f"attempt {self.calls}")
        return "done"


async def test_a_failing_call_is_retried_until_it_succeeds_and_each_failure_is_reported() -> None:
    flaky = Flaky(failures=4)
    seen: list[str] = []
    assert await retry(flaky, QUICK, failed=lambda exc: seen.append(str(exc))) == "done"
    assert flaky.calls == 5
    assert seen == [f"attempt {n}" for n in range(1, 5)]


async def test_the_last_failure_propagates_once_the_attempts_are_used_up() -> None:
    flaky = Flaky(failures=10)
    with pytest.raises(ConnectionError, match="attempt 3"):
        await retry(flaky, Backoff(first=0.001, cap=0.002, attempts=3))
    assert flaky.calls == 3


async def test_exceptions_outside_on_are_not_retried() -> None:
    flaky = Flaky(failures=1, error=KeyError)
    with pytest.raises(KeyError):
        await retry(flaky, QUICK, on=ConnectionError)
    assert flaky.calls == 1
