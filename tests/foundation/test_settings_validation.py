"""A malformed setting, or a secret setting left at its public development default in the
production profile, stops a service at start-up with a message naming the setting."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys

import pytest
from pydantic import SecretStr

from connect_shared.config import development_secret_settings, development_secrets_in_use
from connect_shared.logs import JsonFormatter
from issuer.config import IssuerSettings
from notifier.config import NotifierSettings
from redeemer.config import RedeemerSettings
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


SECRET_SETTINGS = {
    "issuer": ["ISSUER_DASHBOARD_SESSION_SECRET", "ISSUER_INGEST_SECRETS_KEY"],
    "redeemer": ["REDEEMER_DASHBOARD_SESSION_SECRET"],
    "notifier": ["NOTIFIER_DASHBOARD_SESSION_SECRET", "NOTIFIER_SECRETS_KEY"],
}
OWN_VALUES = {
    "DASHBOARD_SESSION_SECRET": "an-operator-chosen-session-secret-0123456789",
    "SECRETS_KEY": base64.b64encode(b"k" * 32).decode(),
    "INGEST_SECRETS_KEY": base64.b64encode(b"i" * 32).decode(),
}


def _production_env(service: str, **overrides: str) -> dict[str, str]:
    """The service in the production profile with every secret of its own, then ``overrides``;
    an empty override removes the variable (the setting falls back to its default)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(f"{service.upper()}_")}
    env[f"{service.upper()}_PROFILE"] = "production"
    for variable in SECRET_SETTINGS[service]:
        env[variable] = OWN_VALUES[variable.split("_", 1)[1]]
    env.update(overrides)
    return {k: v for k, v in env.items() if v}


@pytest.mark.parametrize(
    ("service", "variable"),
    [(s, v) for s, variables in SECRET_SETTINGS.items() for v in variables],
)
def test_production_refuses_to_start_with_a_public_development_secret_and_names_it(
    service: str, variable: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", service],
        cwd=ROOT,
        env=_production_env(service, **{variable: ""}),
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert variable in stderr and "development default" in stderr
    others = set(SECRET_SETTINGS[service]) - {variable}
    assert not any(other in stderr for other in others)


def test_every_secret_setting_with_a_default_is_refused_in_production() -> None:
    """A new secret setting with a built-in default gets the production refusal for free only
    if it is declared with development_secret(); this keeps anyone from forgetting."""
    for cls in (IssuerSettings, RedeemerSettings, NotifierSettings):
        marked = set(development_secret_settings(cls))
        for name, field in cls.model_fields.items():
            if field.annotation is SecretStr or "SecretStr" in str(field.annotation):
                default = field.get_default()
                plain = default.get_secret_value() if isinstance(default, SecretStr) else default
                if plain:  # None or empty means "not configured", not a public secret
                    assert name in marked, f"{cls.__name__}.{name} has an unmarked default"
        expected = {v.split("_", 1)[1].lower() for vs in SECRET_SETTINGS.values() for v in vs}
        assert marked <= expected


def test_the_development_profile_accepts_the_development_secrets() -> None:
    settings = NotifierSettings(profile="development")
    assert set(development_secrets_in_use(settings)) == {"dashboard_session_secret", "secrets_key"}
    own = NotifierSettings(
        profile="production",
        secrets_key=OWN_VALUES["SECRETS_KEY"],  # type: ignore[arg-type]
        dashboard_session_secret=OWN_VALUES["DASHBOARD_SESSION_SECRET"],  # type: ignore[arg-type]
    )
    assert development_secrets_in_use(own) == []


def test_a_malformed_secret_setting_is_named_but_its_value_never_printed() -> None:
    value = "not-base64-but-still-a-secret-value"
    result = subprocess.run(
        [sys.executable, "-m", "notifier"],
        cwd=ROOT,
        env=_production_env("notifier", NOTIFIER_SECRETS_KEY=value),
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "NOTIFIER_SECRETS_KEY" in result.stderr.decode()
    assert value not in result.stderr.decode()


def test_log_lines_redact_fields_named_like_secrets() -> None:
    record = logging.LogRecord("t", logging.INFO, "", 0, "hello", None, None)
    fields = {
        "webhook_secret": "wbhsec_x",
        "Authorization": "Bearer k",
        "api_key": "connect_key_x",
        "session_cookie": "v1.x.y",
        "token": "cnst_id",
    }
    for name, value in fields.items():
        setattr(record, name, value)
    line = JsonFormatter("tests").format(record)
    for secret in ("wbhsec_x", "Bearer k", "connect_key_x", "v1.x.y"):
        assert secret not in line
    assert "cnst_id" in line
