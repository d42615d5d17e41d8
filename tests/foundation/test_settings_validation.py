"""A malformed setting stops a service at start-up with a message naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.services import ROOT

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("service", "variable", "value"),
    [
        ("issuer", "ISSUER_HTTP_PORT", "eighty"),
        ("redeemer", "REDEEMER_REDIS_URL", "http://not-redis"),
        ("notifier", "NOTIFIER_KAFKA_PRODUCE_TIMEOUT_SECONDS", "-1"),
    ],
)
def test_malformed_setting_stops_the_service_and_names_the_setting(
    service: str, variable: str, value: str
) -> None:
    env = {**os.environ, variable: value}
    result = subprocess.run(
        [sys.executable, "-m", service], cwd=ROOT, env=env, capture_output=True, timeout=30
    )
    assert result.returncode == 2
    assert variable in result.stderr.decode()
