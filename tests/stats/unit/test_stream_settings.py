"""The faust settings the decision record names (docs/decisions/0002-faust-for-statistics.md)."""

from __future__ import annotations

from typing import Any

import pytest

from stats.adapters.consumers.faust_app import StatsApp
from stats.adapters.consumers.stream import TABLE_NAMES, create_stream_app
from stats.config import StatsSettings

pytestmark = pytest.mark.unit


class _NoView:
    async def publish(self, updates: Any) -> None:
        raise AssertionError("nothing is published while the app is only built")

    async def read(self, *args: Any) -> Any:
        raise AssertionError("nothing is read while the app is only built")


def _app(**overrides: Any) -> Any:
    settings = StatsSettings(profile="development", **overrides)
    return create_stream_app(settings, _NoView())


def test_faust_runs_at_least_once_with_a_short_commit_interval() -> None:
    app = _app(commit_interval_seconds=0.5)
    assert isinstance(app, StatsApp)
    assert app.conf.processing_guarantee.value == "at_least_once"
    assert app.conf.broker_commit_interval == 0.5


def test_faust_web_server_binds_loopback_only_and_is_off_by_default() -> None:
    assert _app().conf.web_enabled is False
    app = _app(faust_web_enabled=True, faust_web_port=51106)
    assert app.conf.web_enabled is True
    assert app.conf.web_bind == "127.0.0.1"
    assert app.conf.web_port == 51106


def test_changelog_partitions_follow_the_events_topic() -> None:
    app = _app(events_partitions=12)
    assert app.conf.topic_partitions == 12
    assert {table.name for table in app.tables.values()} == set(TABLE_NAMES.values())
