"""Notifier settings (env prefix ``NOTIFIER_``)."""

from __future__ import annotations

from connect_shared.config import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class NotifierSettings(ServiceSettings):
    """Everything the notifier reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", frozen=True, extra="ignore")

    http_port: int = Field(8003, ge=1, le=65535, description="TCP port of the notifier's API.")
