"""The issuer's aiohttp application factory."""

from __future__ import annotations

from aiohttp import web

from connect_shared.background import background_task
from connect_shared.http.app import create_base_app
from connect_shared.openapi import serving as openapi
from connect_shared.web.pages import mount_dashboard
from issuer.adapters.consumers.workers import consume_source_events, sweep_expired_tokens
from issuer.adapters.consumers.workflows import execute_workflows
from issuer.adapters.http import connections, includes, share_tokens, source_objects
from issuer.adapters.http import workflows as workflows_http
from issuer.adapters.http.errors import ISSUER_ERRORS
from issuer.bootstrap import issuer_context
from issuer.config import IssuerSettings
from issuer.dashboard import create_dashboard


def create_app(settings: IssuerSettings) -> web.Application:
    """The issuer app: shared middlewares and health, plus the issuer's routes and workers."""
    app = create_base_app(settings, "issuer", ISSUER_ERRORS)
    app.cleanup_ctx.append(issuer_context(settings))
    app.cleanup_ctx.append(background_task("source-events", consume_source_events))
    app.cleanup_ctx.append(background_task("expiry-sweeper", sweep_expired_tokens))
    app.cleanup_ctx.append(background_task("workflows", execute_workflows))
    connections.add_routes(app)
    source_objects.add_routes(app)
    share_tokens.add_routes(app)
    includes.register(app)
    openapi.add_routes(app)
    workflows_http.add_routes(app)
    mount_dashboard(app, create_dashboard(settings))
    return app
