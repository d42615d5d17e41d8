"""The stats service's aiohttp application factory."""

from __future__ import annotations

from aiohttp import web

from connect_shared.http.app import create_base_app
from connect_shared.web.pages import mount_dashboard
from stats.adapters.http import routes
from stats.bootstrap import stats_context
from stats.config import StatsSettings
from stats.dashboard import create_dashboard


def create_app(settings: StatsSettings) -> web.Application:
    """The stats app: shared middlewares and health, the stats route and the Insights page."""
    app = create_base_app(settings, "stats")
    app.cleanup_ctx.append(stats_context(settings))
    routes.add_routes(app)
    mount_dashboard(app, create_dashboard(settings))
    return app
