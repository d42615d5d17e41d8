"""The redeemer's aiohttp application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from connect_shared.background import background_task
from connect_shared.http.app import create_base_app
from connect_shared.runtime import RUNTIME
from connect_shared.web.pages import mount_dashboard
from redeemer.adapters.consumers.redemption_worker import redemption_worker
from redeemer.adapters.consumers.workflows import workflow_executor
from redeemer.adapters.http.errors import REDEEMER_ERRORS
from redeemer.adapters.http.routes import add_routes
from redeemer.adapters.key_directory import KeyDirectory, KeyRing
from redeemer.bootstrap import REDEEMER, bootstrap
from redeemer.config import RedeemerSettings
from redeemer.dashboard import create_dashboard

log = logging.getLogger(__name__)


def create_app(settings: RedeemerSettings) -> web.Application:
    """The redeemer app: shared middlewares and health, plus the redeemer's routes and workers."""
    app = create_base_app(settings, "redeemer", REDEEMER_ERRORS)
    add_routes(app)
    mount_dashboard(app, create_dashboard(settings))

    async def wire(app: web.Application) -> AsyncIterator[None]:
        directory = KeyDirectory(settings.signing_key_dir)
        keyring = await asyncio.to_thread(KeyRing, directory)
        app[REDEEMER] = bootstrap(app[RUNTIME], settings, keyring)
        yield

    async def run_worker(app: web.Application) -> None:
        await redemption_worker(settings, app[REDEEMER].processor).run()

    async def run_workflows(app: web.Application) -> None:
        redeem_service = app[REDEEMER].redeem_service
        await workflow_executor(settings, app[RUNTIME], redeem_service).run()

    async def reap_pending(app: web.Application) -> None:
        reaper = app[REDEEMER].reaper
        while True:
            try:
                await reaper.reap_once()
            except Exception:
                log.exception("pending reaper scan failed; retrying")
            await asyncio.sleep(settings.reaper_interval_seconds)

    async def refresh_keys(app: web.Application) -> None:
        keyring = app[REDEEMER].keyring
        while True:
            await asyncio.sleep(settings.key_reload_seconds)
            if await asyncio.to_thread(keyring.refresh):
                log.info("signing keys reloaded", extra={"kid": keyring.current.active.kid})

    app.cleanup_ctx.append(wire)
    app.cleanup_ctx.append(background_task("redemption-worker", run_worker))
    app.cleanup_ctx.append(background_task("signing-key-refresh", refresh_keys))
    app.cleanup_ctx.append(background_task("workflows", run_workflows))
    app.cleanup_ctx.append(background_task("pending-reaper", reap_pending))
    return app
