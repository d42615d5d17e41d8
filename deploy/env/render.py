"""Write deploy/env/<service>.env.example from each service's settings class.

Run `.venv/bin/python deploy/env/render.py`; a test fails when the committed files are stale,
so the examples always document every setting with its default and description.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic_settings import BaseSettings

from issuer.config import IssuerSettings
from notifier.config import NotifierSettings
from redeemer.config import RedeemerSettings
from stats.config import StatsSettings

HERE = Path(__file__).resolve().parent
SERVICES: dict[str, type[BaseSettings]] = {
    "issuer": IssuerSettings,
    "redeemer": RedeemerSettings,
    "notifier": NotifierSettings,
    "stats": StatsSettings,
}


def render(service: str, settings: type[BaseSettings]) -> str:
    """The example env file of one service."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    lines = [f"# {service}: every setting, its default and what it does (generated).", ""]
    for name, field in sorted(settings.model_fields.items()):
        if field.description:
            lines.append(f"# {field.description}")
        default = field.get_default(call_default_factory=True)
        if hasattr(default, "get_secret_value"):
            default = ""  # never write a secret's default into an example
        value = "" if default is None else default
        if isinstance(value, (list, tuple)):
            value = ",".join(str(item) for item in value)
        lines.append(f"{prefix}{name.upper()}={value}")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    for service, settings in SERVICES.items():
        (HERE / f"{service}.env.example").write_text(render(service, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
