"""The aiohttp application factory every service starts from."""

from __future__ import annotations

from aiohttp import web

from connect_shared.config import HttpSettings, ServiceSettings
from connect_shared.http.error_table import ERROR_TABLE, ErrorTable, error_table
from connect_shared.http.health import healthz, readyz
from connect_shared.http.idempotency import idempotency_keys
from connect_shared.http.keys import SERVICE_NAME
from connect_shared.http.metrics import metrics_handler
from connect_shared.http.middleware import (
    authenticate,
    domain_errors,
    errors_as_jsonapi,
    key_inflection,
    request_context,
)
from connect_shared.http.workers import extra_workers, is_worker
from connect_shared.persona.middleware import persona_compat
from connect_shared.runtime import runtime_context
from connect_shared.stages import set_service


def create_base_app(
    settings: ServiceSettings, service_name: str, errors: ErrorTable | None = None
) -> web.Application:
    """An app with the shared middlewares, the runtime clients and health/metrics routes.

    ``errors`` is the service's table from domain exceptions to API errors (the shared
    defaults when None).

    The service adds its own routes and ``cleanup_ctx`` entries (after the runtime's, so the
    runtime is open before and closed after them).
    """
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[
            request_context,
            errors_as_jsonapi,
            key_inflection,
            persona_compat,
            authenticate,
            idempotency_keys,
            domain_errors,
        ],
    )
    app[SERVICE_NAME] = service_name
    set_service(service_name)
    app[ERROR_TABLE] = errors if errors is not None else error_table()
    app.cleanup_ctx.append(runtime_context(settings, service_name))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler)
    return app


def run_app(app: web.Application, settings: HttpSettings) -> None:
    """Serve ``app`` on uvloop until SIGTERM/SIGINT, then shut down gracefully; with
    ``workers`` > 1, in that many processes sharing the port (:mod:`.workers`)."""
    import uvloop

    uvloop.install()
    extra = 0 if is_worker() else settings.workers - 1
    with extra_workers(extra):
        web.run_app(
            app,
            host=settings.http_host,
            port=settings.http_port,
            access_log=None,
            print=None,
            shutdown_timeout=10,
            reuse_port=settings.workers > 1 or is_worker(),
        )
