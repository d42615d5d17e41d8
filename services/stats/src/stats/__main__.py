"""``python -m stats``: the faust worker with the stats API and dashboard in one process."""

from __future__ import annotations

from connect_shared.config import load_settings
from connect_shared.http.app import run_app
from connect_shared.logs import configure_logging
from stats.app import create_app
from stats.bootstrap import build_worker
from stats.config import StatsSettings


def main() -> None:
    """Load settings (exit 2 naming any bad one), then run until stopped."""
    settings = load_settings(StatsSettings)
    configure_logging("stats", settings.log_level)
    app = create_app(settings)
    if not settings.worker_enabled:
        run_app(app, settings)
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    build_worker(settings, app).execute_from_commandline()


if __name__ == "__main__":
    main()
