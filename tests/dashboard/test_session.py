"""The signed session cookie and its CSRF token (no I/O)."""

from __future__ import annotations

import pytest

from connect_shared.errors import Unprocessable
from connect_shared.web import session as sessions
from connect_shared.web.forms import field_errors, whole_number
from connect_shared.web.pages import DASHBOARD_CONFIG, create_dashboard_app
from connect_shared.web.session import SessionCodec
from connect_shared.web.settings import DashboardSettings

pytestmark = pytest.mark.unit

CODEC = SessionCodec(b"k" * 32)


def test_a_signed_session_round_trips_without_the_api_key() -> None:
    session = sessions.signed_in("org_a", "api_b", now=1000, ttl_seconds=60)
    value = CODEC.encode(session)
    assert CODEC.decode(value, now=1001) == session
    assert "connect_key_" not in value


def test_a_tampered_or_foreign_cookie_is_ignored() -> None:
    value = CODEC.encode(sessions.signed_in("org_a", "api_b", now=1000, ttl_seconds=60))
    version, _, signature = value.split(".")
    forged = CODEC.encode(sessions.signed_in("org_x", "api_b", now=1000, ttl_seconds=60))
    assert CODEC.decode(f"{version}.{forged.split('.')[1]}.{signature}", now=1001) is None
    assert SessionCodec(b"z" * 32).decode(value, now=1001) is None
    assert CODEC.decode("garbage", now=1001) is None
    assert CODEC.decode(None, now=1001) is None


def test_an_expired_session_is_ignored() -> None:
    value = CODEC.encode(sessions.anonymous(now=1000, ttl_seconds=60))
    assert CODEC.decode(value, now=1060) is None


def test_csrf_token_must_match_the_session() -> None:
    session = sessions.anonymous(now=0, ttl_seconds=60)
    assert sessions.csrf_matches(session, session.csrf)
    assert not sessions.csrf_matches(session, None)
    assert not sessions.csrf_matches(session, "")
    assert not sessions.csrf_matches(session, session.csrf + "x")


def test_signing_in_changes_the_csrf_token() -> None:
    before = sessions.anonymous(now=0, ttl_seconds=60)
    after = sessions.signed_in("org_a", "api_b", now=0, ttl_seconds=60)
    assert before.csrf != after.csrf


def test_the_development_secret_is_refused_in_production() -> None:
    settings = DashboardSettings()
    assert settings.dashboard_secret_usable("development")
    assert not settings.dashboard_secret_usable("production")
    configured = DashboardSettings(dashboard_session_secret="s" * 40)  # type: ignore[arg-type]
    assert configured.dashboard_secret_usable("production")


def test_api_errors_land_next_to_the_field_they_point_at() -> None:
    error = Unprocessable("'source-id': pattern", pointer="/data/attributes/source-id")
    assert field_errors(error, {"source-id": "Enter an id."}) == {"source-id": "Enter an id."}
    domain = Unprocessable("No such object.", pointer="/data/attributes/source-id")
    assert field_errors(domain, {"source-id": "Enter an id."}) == {"source-id": "No such object."}
    assert field_errors(Unprocessable("Nope.")) == {"": "Nope."}
    assert whole_number(" 3600 ") == 3600
    assert whole_number("ten") == "ten"
    assert whole_number("") is None


def test_a_signed_in_session_names_a_fresh_server_side_record() -> None:
    first = sessions.signed_in("org_a", "api_b", now=1000, ttl_seconds=60)
    second = sessions.signed_in("org_a", "api_b", now=1000, ttl_seconds=60)
    assert first.session_id and second.session_id and first.session_id != second.session_id
    assert CODEC.decode(CODEC.encode(first), now=1001) == first
    assert sessions.record_key(first.session_id) == f"dash:session:{first.session_id}"
    assert sessions.record_value(first) == "org_a api_b"


def test_a_cookie_without_a_server_side_record_is_not_signed_in() -> None:
    legacy = sessions.Session(csrf="c", expires_at=2000, organization_id="o", api_key_id="k")
    assert not legacy.signed_in
    assert not CODEC.decode(CODEC.encode(legacy), now=1001).signed_in  # type: ignore[union-attr]


@pytest.mark.parametrize(("profile", "secure"), [("production", True), ("development", False)])
def test_the_cookie_is_secure_in_the_production_profile(profile: str, secure: bool) -> None:
    settings = DashboardSettings(dashboard_session_secret="s" * 40)  # type: ignore[arg-type]
    config = create_dashboard_app(settings, profile)[DASHBOARD_CONFIG]
    assert config.secure_cookie is secure
