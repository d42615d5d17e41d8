"""Redeemer settings (env prefix ``REDEEMER_``)."""

from __future__ import annotations

from connect_shared.config import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class RedeemerSettings(ServiceSettings):
    """Everything the redeemer reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="REDEEMER_", frozen=True, extra="ignore")

    http_port: int = Field(8002, ge=1, le=65535, description="TCP port of the redeemer API.")
