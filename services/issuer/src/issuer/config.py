"""Issuer settings (env prefix ``ISSUER_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from connect_shared.config import ServiceSettings, development_secret
from connect_shared.secret_box import SealingKey
from connect_shared.web.settings import DashboardSettings
from connect_shared.workflows import WorkflowRunSettings

# Development only (public): seals ingest-key secrets when ISSUER_INGEST_SECRETS_KEY is unset.
INGEST_DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seS1pbmdlc3Qtc2VjcmV0cyE="


class IssuerSettings(ServiceSettings, DashboardSettings, WorkflowRunSettings):
    """Everything the issuer reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="ISSUER_", frozen=True, extra="ignore")

    http_port: int = Field(8001, ge=1, le=65535, description="TCP port of the issuer's API.")
    source_events_group: str = Field(
        "connect-issuer-source-events",
        min_length=1,
        description="Consumer group reading connect.source-events (shared by issuer replicas).",
    )
    expiry_sweep_interval_seconds: float = Field(
        1.0, gt=0, le=300, description="Pause between two scans for share tokens past expiry."
    )
    expiry_sweep_batch: int = Field(
        200, ge=1, le=10_000, description="Tokens looked at per expiry scan."
    )
    workflows_group: str = Field(
        "issuer-workflows",
        min_length=1,
        description="Consumer group running create-share-token workflows off connect.events.",
    )
    ingest_secrets_key: SealingKey = development_secret(
        INGEST_DEVELOPMENT_KEY,
        description="Base64 of 32 random bytes sealing ingest-key secrets at rest (AES-256-GCM). "
        "The default is for development only; keep the key as long as ingest keys exist.",
    )
