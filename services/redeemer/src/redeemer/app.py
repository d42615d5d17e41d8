"""The redeemer's aiohttp application factory."""

from __future__ import annotations

from aiohttp import web
from connect_shared.http.app import create_base_app

from redeemer.config import RedeemerSettings


def create_app(settings: RedeemerSettings) -> web.Application:
    """The redeemer app: shared middlewares and health, plus the redeemer's routes and workers."""
    app = create_base_app(settings, "redeemer")
    return app
