"""The dashboard as an aiohttp sub-application mounted at ``/dashboard`` by each service.

Its middleware loads (or starts) the signed session, refuses every POST without the session's
CSRF token (403 page), renders errors as HTML pages (an API error's status, never JSON) and
writes the cookie back when the session changed. Handlers call :func:`require_session` for
the signed-in organization and :func:`render` / :func:`redirect` to answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from connect_shared import jsonutil
from connect_shared.domain_errors import DomainError
from connect_shared.errors import ApiError, Forbidden, NotFound, Unavailable
from connect_shared.http.error_table import table_of
from connect_shared.runtime import RUNTIME
from connect_shared.state import VIEW_READY_KEY, record_key
from connect_shared.web import session as sessions
from connect_shared.web.session import NoticeKind, Session, SessionCodec
from connect_shared.web.settings import DashboardSettings

log = logging.getLogger(__name__)

PREFIX = "/dashboard"
COOKIE_NAME = "connect_dashboard"
CSRF_FIELD = "csrf_token"
STATIC_PREFIX = PREFIX + "/static/"
STATIC_DIR = Path(__file__).parent / "static"
TEMPLATE_DIR = Path(__file__).parent / "templates"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class DashboardConfig:
    """How this service signs sessions, and whether it may (see the production guard)."""

    codec: SessionCodec
    ttl_seconds: int
    secure_cookie: bool
    enabled: bool


@dataclass
class _SessionState:
    session: Session
    changed: bool
    form: MultiDictProxy[str] | None = None


@dataclass(frozen=True)
class Viewer:
    """The signed-in organization (and the key it signed in with)."""

    organization_id: str
    organization_name: str
    api_key_id: str


DASHBOARD_CONFIG = web.AppKey("dashboard_config", DashboardConfig)
_STATE = web.RequestKey("dashboard.session", _SessionState)
_VIEWER = web.RequestKey("dashboard.viewer", Viewer)


def create_dashboard_app(
    settings: DashboardSettings,
    profile: str,
    templates: Sequence[jinja2.BaseLoader] = (),
    *,
    serve_static: bool = False,
) -> web.Application:
    """The ``/dashboard`` sub-app: mount it with ``app.add_subapp(PREFIX, sub)``.

    ``templates`` are the service's page templates, searched before the shared layout.
    ``serve_static`` adds ``/dashboard/static/`` (one service serves it behind the gateway).
    """
    enabled = settings.dashboard_secret_usable(profile)
    if not enabled:
        log.warning("dashboard disabled: set the DASHBOARD_SESSION_SECRET setting in production")
    secret = settings.dashboard_session_secret.get_secret_value().encode()
    sub = web.Application(middlewares=[dashboard_pages])
    sub[DASHBOARD_CONFIG] = DashboardConfig(
        codec=SessionCodec(secret),
        ttl_seconds=settings.dashboard_session_ttl_seconds,
        # Production is served over HTTPS: the cookie must never travel in the clear.
        secure_cookie=settings.dashboard_cookie_secure or profile == "production",
        enabled=enabled,
    )
    loader = jinja2.ChoiceLoader([*templates, jinja2.FileSystemLoader(TEMPLATE_DIR)])
    aiohttp_jinja2.setup(sub, loader=loader, autoescape=True, default_helpers=False)
    if serve_static:
        sub.router.add_static("/static/", STATIC_DIR, append_version=False)
    return sub


def _now() -> int:
    return int(time.time())


def _config(request: web.Request) -> DashboardConfig:
    return request.config_dict[DASHBOARD_CONFIG]


def _state(request: web.Request) -> _SessionState:
    return request[_STATE]


@web.middleware
async def dashboard_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Session, CSRF and HTML errors for every dashboard route."""
    if request.path.startswith(STATIC_PREFIX):
        return await handler(request)
    config = _config(request)
    found = config.codec.decode(request.cookies.get(COOKIE_NAME), _now())
    state = _SessionState(
        session=found or sessions.anonymous(_now(), config.ttl_seconds), changed=found is None
    )
    request[_STATE] = state
    try:
        if not config.enabled:
            raise Unavailable("The dashboard is not configured on this server yet.")
        if request.method == "POST":
            state.form = await request.post()  # type: ignore[assignment]
            submitted = state.form.get(CSRF_FIELD) if state.form is not None else None
            if found is None or not sessions.csrf_matches(state.session, submitted):
                raise Forbidden("The form has expired or did not come from this dashboard.")
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status in (404, 405):
            response = _error_page(request, NotFound("There is no such page."))
        else:
            response = exc
    except ApiError as error:
        response = _error_page(request, error)
    except DomainError as refused:
        response = _error_page(request, table_of(request).api_error(refused))
    _finish(request, response)
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _finish(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    state = _state(request)
    if state.changed:
        config = _config(request)
        response.set_cookie(
            COOKIE_NAME,
            config.codec.encode(state.session),
            max_age=max(state.session.expires_at - _now(), 0),
            path=PREFIX,
            httponly=True,
            samesite="Lax",
            secure=config.secure_cookie,
        )


def _error_page(request: web.Request, error: ApiError) -> web.Response:
    if error.status >= 500 and error.status != 503:
        log.error("dashboard error", extra={"path": request.path, "details": error.details})
    context = {"title": error.title, "error": error}
    return render(request, "error.html", context, status=error.status)


def form(request: web.Request) -> MultiDictProxy[str]:
    """The submitted form of a POST (read and CSRF-checked by the middleware)."""
    submitted = _state(request).form
    if submitted is None:
        raise RuntimeError("form() is only for POST requests of the dashboard")
    return submitted


def set_session(request: web.Request, session: Session | None) -> None:
    """Replace the session in the cookie (None: an anonymous one). Sign-in and sign-out use
    :func:`start_session` and :func:`end_session`, which also keep the server-side record."""
    config = _config(request)
    state = _state(request)
    state.session = session or sessions.anonymous(_now(), config.ttl_seconds)
    state.changed = True


async def start_session(request: web.Request, organization_id: str, api_key_id: str) -> None:
    """Sign in: record the new session in Redis (for as long as it lasts), then in the cookie."""
    config = _config(request)
    session = sessions.signed_in(organization_id, api_key_id, _now(), config.ttl_seconds)
    if session.session_id is None:
        raise RuntimeError("a signed-in session always has a server-side record id")
    redis = request.config_dict[RUNTIME].redis
    try:
        await redis.set(
            sessions.record_key(session.session_id),
            sessions.record_value(session),
            ex=config.ttl_seconds,
        )
    except Exception as exc:
        raise Unavailable("State store unavailable; try again shortly.") from exc
    set_session(request, session)


async def end_session(request: web.Request) -> None:
    """Sign out: delete the server-side record, so a copy of the cookie is worthless too."""
    session = _state(request).session
    if session.session_id is not None:
        redis = request.config_dict[RUNTIME].redis
        try:
            await redis.delete(sessions.record_key(session.session_id))
        except Exception as exc:
            raise Unavailable("State store unavailable; try again shortly.") from exc
    set_session(request, None)


def notify(request: web.Request, kind: NoticeKind, text: str) -> None:
    """Show ``text`` on the next page rendered for this session (e.g. after a redirect)."""
    state = _state(request)
    state.session = state.session.with_notice(kind, text)
    state.changed = True


async def require_session(request: web.Request) -> Viewer:
    """The signed-in organization; redirects to the sign-in page otherwise.

    The server-side record of the session (gone after sign-out) and the key the session was
    opened with are checked again on every request, in one round trip, so signing out or
    revoking the key ends the session at once.
    """
    if _VIEWER in request:
        return request[_VIEWER]
    session = _state(request).session
    if (
        not session.signed_in
        or session.organization_id is None
        or session.api_key_id is None
        or session.session_id is None
    ):
        raise web.HTTPSeeOther(PREFIX + "/sign-in")
    runtime = request.config_dict[RUNTIME]
    try:
        async with runtime.redis.pipeline(transaction=False) as pipe:
            pipe.exists(VIEW_READY_KEY)
            pipe.get(sessions.record_key(session.session_id))
            pipe.hget(record_key(session.api_key_id), "body")
            pipe.hget(record_key(session.organization_id), "body")
            ready, recorded, raw_key, raw_org = await pipe.execute()
    except Exception as exc:
        raise Unavailable("State store unavailable; try again shortly.") from exc
    if not ready:
        runtime.guardian.start_rebuild()
        raise Unavailable("State is being rebuilt; try again shortly.")
    if recorded is None or recorded.decode() != sessions.record_value(session):
        set_session(request, None)
        notify(request, "info", "Your session ended; sign in again.")
        raise web.HTTPSeeOther(PREFIX + "/sign-in")
    key = jsonutil.loads(raw_key) if raw_key else None
    org = jsonutil.loads(raw_org) if raw_org else None
    if (
        key is None
        or key.get("revoked_at") is not None
        or key.get("organization_id") != session.organization_id
        or org is None
    ):
        await end_session(request)
        notify(request, "error", "Your session ended: its API key is no longer valid.")
        raise web.HTTPSeeOther(PREFIX + "/sign-in")
    viewer = Viewer(session.organization_id, str(org.get("name", "")), session.api_key_id)
    request[_VIEWER] = viewer
    return viewer


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """A page: ``context`` plus the CSRF token, the signed-in viewer and any pending notice."""
    state = _state(request)
    notice = state.session.notice
    if notice is not None:
        state.session = replace(state.session, notice=None)
        state.changed = True
    full = {
        "csrf_field": CSRF_FIELD,
        "csrf_token": state.session.csrf,
        "viewer": request.get(_VIEWER),
        "notice": notice,
        "path": request.path,
        **(context or {}),
    }
    return aiohttp_jinja2.render_template(template, request, full, status=status)


def redirect(location: str) -> web.Response:
    """303 See Other to ``location`` (a dashboard path), the answer to a successful form."""
    return web.Response(status=303, headers={"Location": location})


async def _to_index(request: web.Request) -> web.Response:
    del request
    return redirect(PREFIX + "/")


def mount_dashboard(app: web.Application, sub: web.Application) -> None:
    """Mount the dashboard sub-app under ``/dashboard`` (and send ``/dashboard`` to ``/``)."""
    app.router.add_get(PREFIX, _to_index)
    app.add_subapp(PREFIX, sub)
