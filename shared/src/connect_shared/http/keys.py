"""Typed keys for state kept on aiohttp applications and requests."""

from __future__ import annotations

from aiohttp import web

from connect_shared.auth import Principal

PRINCIPAL_KEY = web.RequestKey("connect.principal", Principal)
REQUEST_ID_KEY = web.RequestKey("connect.request_id", str)
SERVICE_NAME = web.AppKey("service_name", str)


def principal(request: web.Request) -> Principal:
    """The authenticated caller of an ``/api/v1`` request."""
    value = request.get(PRINCIPAL_KEY)
    if not isinstance(value, Principal):
        raise RuntimeError("route is not behind the authentication middleware")
    return value
