"""Issuer settings (env prefix ``ISSUER_``)."""

from __future__ import annotations

from connect_shared.config import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class IssuerSettings(ServiceSettings):
    """Everything the issuer reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="ISSUER_", frozen=True, extra="ignore")

    http_port: int = Field(8001, ge=1, le=65535, description="TCP port of the issuer's API.")
