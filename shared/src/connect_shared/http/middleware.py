"""Middlewares every service runs, outermost first:

request context (id, logs, metrics) -> errors as JSON:API -> key inflection -> authentication
(with the view-ready guard and the per-key rate limit) -> idempotency keys -> domain errors
(the service's table turns domain exceptions into API errors, so everything outside, the
idempotency cache included, sees the same errors as before).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiokafka.errors import KafkaError
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from connect_shared import jsonutil
from connect_shared.auth import bearer_secret, lookup_key_for
from connect_shared.domain_errors import DomainError
from connect_shared.errors import (
    ApiError,
    BadRequest,
    InternalError,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from connect_shared.http.error_table import table_of
from connect_shared.http.keys import PRINCIPAL_KEY, REQUEST_ID_KEY, SERVICE_NAME
from connect_shared.http.metrics import HTTP_LATENCY, HTTP_REQUESTS, route_label
from connect_shared.http.rate_limit import ADMISSION_KEY, BURST_SECONDS, Verdict, admit
from connect_shared.http.responses import DOCUMENT, json_response
from connect_shared.ids import new_id
from connect_shared.inflection import INFLECTIONS, inflect_keys
from connect_shared.logs import request_id_var
from connect_shared.runtime import RUNTIME
from connect_shared.stages import stage

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIX = "/api/v1/"
# Public routes under the API prefix that need no key.
PUBLIC_API_PATHS = frozenset({"/api/v1/openapi.json"})


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give the request an id (``Request-Id`` header, logs) and record metrics."""
    request_id = new_id("req_")
    request[REQUEST_ID_KEY] = request_id
    token = request_id_var.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["Request-Id"] = request_id
        return response
    finally:
        service = request.app[SERVICE_NAME]
        route = route_label(request)
        HTTP_REQUESTS.labels(service, request.method, route, str(status)).inc()
        HTTP_LATENCY.labels(service, route).observe(time.perf_counter() - started)
        request_id_var.reset(token)


def _error_response(error: ApiError) -> web.Response:
    return json_response(error.document(), status=error.status, headers=error.headers)


@web.middleware
async def errors_as_jsonapi(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render every failure as a JSON:API error document; a 5xx other than 503 is logged."""
    try:
        return await handler(request)
    except ApiError as error:
        return _error_response(error)
    except web.HTTPRequestEntityTooLarge:
        return _error_response(PayloadTooLarge("The request body is larger than 1 MiB."))
    except web.HTTPNotFound:
        return _error_response(NotFound("No such route."))
    except web.HTTPMethodNotAllowed as exc:
        allowed = ",".join(sorted(exc.allowed_methods))
        return _error_response(
            MethodNotAllowed(
                f"Method {exc.method} is not allowed here.", headers={"Allow": allowed}
            )
        )
    except web.HTTPException:
        raise
    except (RedisConnectionError, RedisTimeoutError, BusyLoadingError, KafkaError) as exc:
        # A dependency is down: the contract's 503 (nothing was written), not a bug.
        log.warning("dependency unavailable", extra={"error": repr(exc), "path": request.path})
        return _error_response(
            Unavailable("A dependency is unavailable; retry shortly.", headers={"Retry-After": "1"})
        )
    except Exception:
        log.exception("unhandled error", extra={"path": request.path})
        return _error_response(InternalError("An unexpected error occurred."))


@web.middleware
async def key_inflection(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Rewrite the contract's member names of JSON:API responses when ``Key-Inflection`` is
    ``camel`` or ``snake``; user data inside them (``fields``...) is left exactly as stored,
    and documents that are not JSON:API (the OpenAPI description) are left alone."""
    style = request.headers.get("Key-Inflection", "kebab").strip().lower()
    if style not in INFLECTIONS:
        raise BadRequest(
            "Key-Inflection must be one of kebab, camel, snake.",
            meta={"header": "Key-Inflection"},
        )
    response = await handler(request)
    if style == "kebab" or not isinstance(response, web.Response):
        return response
    if not request.path.startswith(API_PREFIX) or request.path in PUBLIC_API_PATHS:
        return response
    if response.content_type != "application/json" or not response.body:
        return response
    body = response.body
    if not isinstance(body, bytes):
        return response
    with stage("inflection"):
        rendered_body, rendered = response.get(DOCUMENT, (None, None))
        source = rendered if rendered_body is body else jsonutil.loads(body)
        document = inflect_keys(source, style)
        response.body = jsonutil.dumps(document)
    return response


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resolve the Bearer key of every ``/api/v1`` request to its organization and charge the
    key's rate budget.

    One round trip (:mod:`connect_shared.http.rate_limit`) also reads the view marker: if Redis
    lost its state the answer is 503 (and a rebuild starts), never a misleading 401 or 404.
    Over budget is 429 with ``Retry-After``, before any handler (so nothing is written).
    """
    if not request.path.startswith(API_PREFIX) or request.path in PUBLIC_API_PATHS:
        return await handler(request)
    runtime = request.app[RUNTIME]
    secret = bearer_secret(request.headers.get("Authorization"))
    lookup = lookup_key_for(secret) if secret else "lk:api-key:-"
    try:
        with stage("auth_rate_limit"):
            admission = await admit(runtime.redis, lookup)
    except Exception as exc:
        raise Unavailable("State store unavailable; try again shortly.") from exc
    if admission.verdict is Verdict.VIEW_MISSING:
        runtime.guardian.start_rebuild()
        raise Unavailable(
            "State is being rebuilt; nothing was written. Retry shortly.",
            headers={"Retry-After": "1"},
        )
    if admission.principal is None or not secret:
        raise Unauthorized(
            "A valid API key is required: 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request[ADMISSION_KEY] = admission
    if admission.verdict is Verdict.OVER_BUDGET:
        raise TooManyRequests(
            f"This API key is over its budget of {admission.rate_limit} requests per second "
            f"(bursts of {admission.rate_limit * BURST_SECONDS}); retry after "
            f"{admission.retry_after_seconds} s.",
            meta={
                "rate-limit": admission.rate_limit,
                "burst": admission.rate_limit * BURST_SECONDS,
                "retry-after": admission.retry_after_seconds,
            },
            headers={"Retry-After": str(admission.retry_after_seconds)},
        )
    request[PRINCIPAL_KEY] = admission.principal
    return await handler(request)


@web.middleware
async def domain_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Raise what use cases and domain rules refuse as the API error the service's table
    (:mod:`connect_shared.http.error_table`) maps it to."""
    try:
        return await handler(request)
    except DomainError as error:
        raise table_of(request).api_error(error) from error
