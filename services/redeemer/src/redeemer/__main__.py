"""``python -m redeemer``: run the redeemer alone."""

from __future__ import annotations

from connect_shared.config import load_settings
from connect_shared.http.app import run_app
from connect_shared.logs import configure_logging
from redeemer.app import create_app
from redeemer.config import RedeemerSettings


def main() -> None:
    """Load settings (exit 2 naming any bad one), then serve until stopped."""
    settings = load_settings(RedeemerSettings)
    configure_logging("redeemer", settings.log_level)
    run_app(create_app(settings), settings)


if __name__ == "__main__":
    main()
