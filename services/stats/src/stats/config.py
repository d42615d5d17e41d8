"""Stats settings (env prefix ``STATS_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from connect_shared.config import ServiceSettings
from connect_shared.web.settings import DashboardSettings


class StatsSettings(ServiceSettings, DashboardSettings):
    """Everything the stats service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="STATS_", frozen=True, extra="ignore")

    http_port: int = Field(8004, ge=1, le=65535, description="TCP port of the stats API.")
    app_id: str = Field(
        "connect-stats",
        min_length=1,
        description="faust application id: the consumer group on connect.events and the "
        "prefix of the table changelog topics.",
    )
    data_dir: Path = Field(
        Path(".data/stats"),
        description="faust's data directory (table state of this worker); under "
        "CONNECT_DATA_DIR locally.",
    )
    events_partitions: int = Field(
        6,
        ge=1,
        le=10_000,
        description="Partitions of connect.events; the changelog topics get the same number "
        "(each table key is written from one source partition).",
    )
    changelog_replication: int = Field(
        1, ge=1, le=10, description="Replication factor of the changelog topics faust creates."
    )
    commit_interval_seconds: float = Field(
        1.0,
        gt=0,
        le=60,
        description="How often faust commits consumed offsets (after flushing the changelog); "
        "a crash re-reads at most this much, and the tallies skip what they already hold.",
    )
    changelog_linger_seconds: float = Field(
        0.02,
        ge=0,
        le=1,
        description="How long faust's producer collects changelog records into one request.",
    )
    batch_max_events: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Events the worker counts together at most: each tally a batch changes is "
        "written to its changelog and to Redis once, not once per event.",
    )
    batch_wait_seconds: float = Field(
        0.05,
        gt=0,
        le=5,
        description="How long the worker collects events into a batch before counting them.",
    )
    publish_interval_seconds: float = Field(
        0.2,
        gt=0,
        le=10,
        description="How often the worker writes changed tallies to Redis (one pipeline), "
        "which is how soon the API shows a counted event.",
    )
    session_timeout_seconds: float = Field(
        10.0,
        ge=6,
        le=300,
        description="Consumer group session timeout: how long a worker that died without "
        "leaving holds its partitions before the group moves them (a kill -9 or a lost node).",
    )
    faust_web_enabled: bool = Field(
        False,
        description="Run faust's own web server (its agent and table views, for operators "
        "on the host). The service's /healthz, /readyz and /metrics do not need it.",
    )
    faust_web_port: int = Field(
        6066,
        ge=1,
        le=65535,
        description="Port of faust's own web server (its agent and table views), always "
        "bound to 127.0.0.1.",
    )
    worker_enabled: bool = Field(
        True, description="Run the faust worker next to the API (false: API and dashboard only)."
    )
