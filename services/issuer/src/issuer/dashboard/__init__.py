"""The issuer's dashboard pages: sign-in, share tokens, connections (and workflows), rendered
over the same use cases and request models as the API."""

from __future__ import annotations

import jinja2
from aiohttp import web

from connect_shared.web.pages import create_dashboard_app
from issuer.config import IssuerSettings
from issuer.dashboard import auth, connections, share_tokens, workflows


def create_dashboard(settings: IssuerSettings) -> web.Application:
    """The ``/dashboard`` sub-app of the issuer (it also serves the shared stylesheet)."""
    loader = jinja2.PackageLoader("issuer.dashboard", "templates")
    sub = create_dashboard_app(settings, settings.profile, [loader], serve_static=True)
    auth.add_routes(sub)
    share_tokens.PAGES.add_to(sub)
    connections.PAGES.add_to(sub)
    workflows.PAGES.add_to(sub)
    return sub
