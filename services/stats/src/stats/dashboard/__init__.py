"""The stats service's dashboard page: ``/dashboard/insights``."""

from __future__ import annotations

import jinja2
from aiohttp import web

from connect_shared.web.pages import create_dashboard_app
from stats.config import StatsSettings
from stats.dashboard import insights


def create_dashboard(settings: StatsSettings) -> web.Application:
    """The stats ``/dashboard`` sub-app."""
    loader = jinja2.PackageLoader("stats.dashboard", "templates")
    sub = create_dashboard_app(settings, settings.profile, [loader])
    insights.PAGES.add_to(sub)
    return sub
