"""``python -m issuer``: run the issuer alone."""

from __future__ import annotations

from connect_shared.config import load_settings
from connect_shared.http.app import run_app
from connect_shared.logs import configure_logging
from issuer.app import create_app
from issuer.config import IssuerSettings


def main() -> None:
    """Load settings (exit 2 naming any bad one), then serve until stopped."""
    settings = load_settings(IssuerSettings)
    configure_logging("issuer", settings.log_level)
    run_app(create_app(settings), settings)


if __name__ == "__main__":
    main()
