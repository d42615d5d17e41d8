"""The notifier's dashboard pages (``/dashboard/webhooks...``): list, create (the secret shown
once), rotate the secret, enable / disable, the attempt log with resend."""

from __future__ import annotations

import jinja2
from aiohttp import web

from connect_shared.web.pages import create_dashboard_app
from notifier.config import NotifierSettings
from notifier.dashboard import webhooks


def create_dashboard(settings: NotifierSettings) -> web.Application:
    """The notifier's ``/dashboard`` sub-app."""
    loader = jinja2.PackageLoader("notifier.dashboard", "templates")
    sub = create_dashboard_app(settings, settings.profile, [loader])
    webhooks.PAGES.add_to(sub)
    return sub
