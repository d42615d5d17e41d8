"""The issuer's aiohttp application factory."""

from __future__ import annotations

from aiohttp import web
from connect_shared.http.app import create_base_app

from issuer.config import IssuerSettings


def create_app(settings: IssuerSettings) -> web.Application:
    """The issuer app: shared middlewares and health, plus the issuer's routes and workers."""
    app = create_base_app(settings, "issuer")
    return app
