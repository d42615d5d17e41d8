"""Signing in with an organization's API key, and out again."""

from __future__ import annotations

from aiohttp import web

from connect_shared.auth import lookup_key_for, principal_from_lookup
from connect_shared.errors import Unavailable
from connect_shared.runtime import RUNTIME
from connect_shared.state import VIEW_READY_KEY
from connect_shared.web.pages import (
    PREFIX,
    end_session,
    form,
    notify,
    redirect,
    render,
    start_session,
)

HOME = PREFIX + "/share-tokens"
SIGN_IN = PREFIX + "/sign-in"


async def index(request: web.Request) -> web.Response:
    """``/dashboard/``: the share tokens, or the sign-in page."""
    del request
    return redirect(HOME)


async def sign_in_page(request: web.Request) -> web.Response:
    """The sign-in form."""
    return render(request, "sign_in.html", {"title": "Sign in", "errors": {}})


async def sign_in(request: web.Request) -> web.Response:
    """Check the API key like the API does; the session keeps its id, never the key."""
    secret = str(form(request).get("api-key", "")).strip()
    runtime = request.config_dict[RUNTIME]
    try:
        ready, owner = await runtime.redis.mget(VIEW_READY_KEY, lookup_key_for(secret or "-"))
    except Exception as exc:
        raise Unavailable("State store unavailable; try again shortly.") from exc
    if not ready:
        runtime.guardian.start_rebuild()
        raise Unavailable("State is being rebuilt; try again shortly.")
    principal = principal_from_lookup(owner) if secret else None
    if principal is None:
        errors = {"api-key": "That API key is unknown or revoked." if secret else "Enter a key."}
        return render(request, "sign_in.html", {"title": "Sign in", "errors": errors}, status=401)
    await start_session(request, principal.organization_id, principal.api_key_id)
    return redirect(HOME)


async def sign_out(request: web.Request) -> web.Response:
    """End the session here and on the server, so a copy of the cookie stops working too."""
    await end_session(request)
    notify(request, "info", "You are signed out.")
    return redirect(SIGN_IN)


def add_routes(sub: web.Application) -> None:
    """Register the sign-in routes on the dashboard sub-app."""
    sub.router.add_get("/", index)
    sub.router.add_get("/sign-in", sign_in_page)
    sub.router.add_post("/sign-in", sign_in)
    sub.router.add_post("/sign-out", sign_out)
