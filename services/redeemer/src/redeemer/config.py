"""Redeemer settings (env prefix ``REDEEMER_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from connect_shared.config import ServiceSettings
from connect_shared.web.settings import DashboardSettings
from connect_shared.workflows import WorkflowRunSettings


class RedeemerSettings(ServiceSettings, DashboardSettings, WorkflowRunSettings):
    """Everything the redeemer reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="REDEEMER_", frozen=True, extra="ignore")

    http_port: int = Field(8002, ge=1, le=65535, description="TCP port of the redeemer API.")
    signing_key_dir: Path = Field(
        Path(".data/keys/redeemer"),
        description=(
            "Directory of the Ed25519 provenance signing keys (PEM, one file per key). The "
            "newest signs, every key in it is published in the JWKS. Created with a first key "
            "when missing; rotate with `python -m redeemer.keys rotate`. Replicas must share it."
        ),
    )
    key_reload_seconds: float = Field(
        5.0, gt=0, le=3600, description="How often a running process looks for rotated keys."
    )
    worker_group: str = Field(
        "redeemer-worker", min_length=1, description="Consumer group of the redemption workers."
    )
    worker_session_timeout_seconds: float = Field(
        10.0,
        ge=6,
        le=300,
        description="How soon a dead worker's partitions move to the others (Kafka session).",
    )
    worker_pending_grace_seconds: float = Field(
        15.0,
        gt=0,
        le=120,
        description=(
            "How long a worker waits for a request's token to show as pending in the view "
            "before deciding the request's token write failed and dropping it."
        ),
    )
    pending_timeout_seconds: float = Field(
        300.0,
        ge=10,
        le=86_400,
        description=(
            "A redemption still pending this long after it was accepted (its worker gave up or "
            "lost it) ends failed with unrecoverable_error, with its events."
        ),
    )
    reaper_interval_seconds: float = Field(
        10.0, gt=0, le=3600, description="How often each replica looks for overdue redemptions."
    )
    rebuild_wait_seconds: float = Field(
        300.0, gt=0, description="How long connect-redeemer-rebuild waits for the view."
    )
    workflows_group: str = Field(
        "redeemer-workflows",
        min_length=1,
        description="Consumer group running redeem-share-token workflows off connect.events.",
    )
