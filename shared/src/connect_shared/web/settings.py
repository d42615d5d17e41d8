"""Dashboard settings, mixed into each service's settings class (``<SVC>_DASHBOARD_...``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from connect_shared.config import development_secret

# Known to everyone, so it signs sessions only in the development profile: a service in the
# production profile refuses to start with it (and an app built in-process with it anyway
# answers 503 on every page).
DEVELOPMENT_SESSION_SECRET = "connect-dashboard-development-secret-do-not-use-in-production"


class DashboardSettings(BaseSettings):
    """The signed session cookie shared by the issuer's, redeemer's and notifier's pages."""

    dashboard_session_secret: SecretStr = development_secret(
        DEVELOPMENT_SESSION_SECRET,
        min_length=32,
        description="HMAC-SHA256 key of the dashboard session cookie; the same value in all "
        "three services. The development default is refused in the production profile.",
    )
    dashboard_session_ttl_seconds: int = Field(
        8 * 3600, ge=300, le=7 * 24 * 3600, description="How long a dashboard sign-in lasts."
    )
    dashboard_cookie_secure: bool = Field(
        False,
        description="Mark the session cookie Secure in the development profile too (it always "
        "is in production).",
    )

    def dashboard_secret_usable(self, profile: str) -> bool:
        """False when production would run with the publicly known development secret."""
        default = self.dashboard_session_secret.get_secret_value() == DEVELOPMENT_SESSION_SECRET
        return profile != "production" or not default
