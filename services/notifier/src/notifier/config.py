"""Notifier settings (env prefix ``NOTIFIER_``)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from connect_shared.config import ServiceSettings, development_secret
from connect_shared.secret_box import DEVELOPMENT_KEY, SealingKey
from connect_shared.web.settings import DashboardSettings
from notifier.domain.schedule import parse_schedule
from notifier.domain.ssrf import Network, parse_cidrs

DEFAULT_SCHEDULE = "0,5,300,1800,7200,18000,36000,36000"


class NotifierSettings(ServiceSettings, DashboardSettings):
    """Everything the notifier reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", frozen=True, extra="ignore")

    http_port: int = Field(8003, ge=1, le=65535, description="TCP port of the notifier's API.")
    retry_schedule: str = Field(
        DEFAULT_SCHEDULE,
        description="Comma-separated delays in seconds before each attempt (the first is "
        "usually 0); the number of values is the number of attempts.",
    )
    retry_jitter_ratio: float = Field(
        0.2, ge=0, le=0.5, description="Each delay is spread by up to this fraction (+/-)."
    )
    retry_after_max_seconds: float = Field(
        3600, ge=0, description="Upper bound on a Retry-After honoured after 429/503."
    )
    delivery_timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Total time one attempt may take (connect + answer)."
    )
    connect_timeout_seconds: float = Field(
        3.0, gt=0, le=60, description="Time to open the TCP/TLS connection of one attempt."
    )
    delivery_lease_seconds: float = Field(
        30.0,
        gt=0,
        description="A claimed delivery becomes due again after this long if its holder dies "
        "(raised automatically to at least twice the delivery timeout plus 5 s).",
    )
    ssrf_allow_cidrs: str = Field(
        "",
        description="Comma-separated CIDRs webhook URLs may reach even though they are "
        "private/loopback (e.g. 127.0.0.0/8 for local sinks).",
    )
    max_in_flight: int = Field(
        512, ge=1, le=100_000, description="Attempts in flight at once in this process."
    )
    per_webhook_concurrency: int = Field(
        8, ge=1, le=1000, description="Attempts in flight at once to one webhook."
    )
    claim_batch_size: int = Field(
        200, ge=1, le=10_000, description="Due deliveries claimed per Redis round trip."
    )
    poll_interval_seconds: float = Field(
        0.2, gt=0, le=10, description="How often the dispatcher looks for due deliveries."
    )
    busy_defer_seconds: float = Field(
        1.0, gt=0, le=60, description="Delay for a due delivery whose webhook is at capacity."
    )
    max_due_backlog: int = Field(
        50_000,
        ge=1,
        description="The event consumer pauses while more deliveries than this are due.",
    )
    auto_disable_after_seconds: float = Field(
        5 * 24 * 3600,
        gt=0,
        description="A webhook failing without any success for this long is disabled.",
    )
    attempt_log_max_entries: int = Field(
        1000, ge=10, le=1_000_000, description="Attempt-log entries kept per webhook."
    )
    event_retention_seconds: int = Field(
        30 * 24 * 3600, ge=3600, description="How long event bodies are kept for resends."
    )
    events_view_retention_seconds: int = Field(
        30 * 24 * 3600,
        ge=30 * 24 * 3600,
        description="How long GET /api/v1/events keeps an event (contract 2.6: at least 30 "
        "days; connect.events must retain at least as long for a rebuild to restore them).",
    )
    events_view_group: str = Field(
        "notifier-events-view",
        min_length=1,
        description="Consumer group feeding the events view from connect.events.",
    )
    max_webhooks_per_organization: int = Field(
        100, ge=1, le=100_000, description="Webhooks one organization may have; more is 422."
    )
    workers_enabled: bool = Field(
        True, description="Run the fan-out consumer and the dispatcher (false: API only)."
    )
    fanout_group: str = Field(
        "notifier-fanout", min_length=1, description="Consumer group reading connect.events."
    )

    secrets_key: SealingKey = development_secret(
        DEVELOPMENT_KEY,
        description="Base64 of 32 random bytes sealing webhook secrets at rest (AES-256-GCM). "
        "The development default is refused in production; keep the key as long as "
        "webhooks exist.",
    )

    @field_validator("retry_schedule")
    @classmethod
    def _valid_schedule(cls, value: str) -> str:
        parse_schedule(value)
        return value

    @field_validator("ssrf_allow_cidrs")
    @classmethod
    def _valid_cidrs(cls, value: str) -> str:
        parse_cidrs(value)
        return value

    @property
    def schedule(self) -> tuple[float, ...]:
        """The parsed retry schedule."""
        return parse_schedule(self.retry_schedule)

    @property
    def allow_networks(self) -> tuple[Network, ...]:
        """The parsed SSRF allow-list."""
        return parse_cidrs(self.ssrf_allow_cidrs)

    @property
    def lease_seconds(self) -> float:
        """The effective lease: never shorter than an attempt can take."""
        return max(self.delivery_lease_seconds, 2 * self.delivery_timeout_seconds + 5)
