"""Share-token pages: the list, the create form, a token with peek and expire.

The redeem form on an inbound token posts to the redeemer's own page route."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connect_shared.clock import epoch_ms, utcnow
from connect_shared.domain_errors import DomainError, WrongState
from connect_shared.errors import ApiError
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import PageRequest, parse_page_request
from connect_shared.records import ShareTokenRecord
from connect_shared.views import share_token_resource
from connect_shared.web.forms import action_refusal, field_errors, form_refusal, whole_number
from connect_shared.web.pages import PREFIX, Viewer, form, notify, redirect, render, require_session
from connect_shared.web.resources import ResourcePages
from issuer.adapters.http.queries import token_filter
from issuer.adapters.http.requests import CreateShareToken
from issuer.dashboard.common import issuer, organization_names
from issuer.domain.share_tokens import DEFAULT_TTL_SECONDS
from issuer.domain.source_objects import INQUIRIES
from issuer.usecases.connections import ConnectionFilter

BASE = PREFIX + "/share-tokens"
PAGES = ResourcePages("share-tokens")
PAGE_SIZE = "20"
HINTS = {
    "connection-id": "Choose one of your active outbound connections.",
    "source-id": "Enter the id of one of your inquiries, accounts, transactions or "
    "verifications (inq_..., act_..., txn_..., ver_...).",
    "expires-in-seconds": "Enter a lifetime from 60 seconds to 21 days (1814400 seconds).",
}


def _view(token: ShareTokenRecord, org_id: str) -> dict[str, Any]:
    return share_token_resource(token, org_id, epoch_ms(utcnow()))


@PAGES.listing
async def listing(request: web.Request) -> web.Response:
    """Outbound and inbound tokens, newest first, with direction and status filters."""
    viewer = await require_session(request)
    query = {
        f"filter[{name}]": value
        for name in ("status", "direction")
        if (value := request.query.get(name))
    }
    page_query = {"page[size]": PAGE_SIZE}
    for name in ("after", "before"):
        if cursor := request.query.get(name):
            page_query[f"page[{name}]"] = cursor
    page = await issuer(request).tokens.listing(
        viewer.organization_id, token_filter(query), parse_page_request(page_query)
    )
    kept = {k: v for k, v in request.query.items() if k in ("status", "direction") and v}
    context = {
        "title": "Share tokens",
        "tokens": [_view(t, viewer.organization_id) for t in page.items],
        "filters": kept,
        "next": page.ids[-1] if page.has_next and page.ids else None,
        "prev": page.ids[0] if page.has_prev and page.ids else None,
    }
    return render(request, "share_tokens.html", context)


async def outbound_connections(request: web.Request, viewer: Viewer) -> list[tuple[str, str]]:
    """``(id, label)`` of the active connections the viewer may issue tokens on."""
    active = await issuer(request).connections.listing(
        viewer.organization_id, ConnectionFilter(status="active"), PageRequest(size=100)
    )
    outbound = [c for c in active.items if c.source_organization_id == viewer.organization_id]
    names = await organization_names(request, (c.destination_organization_id for c in outbound))
    return [(c.id, f"{names.get(c.destination_organization_id, '?')} ({c.id})") for c in outbound]


async def _form_context(viewer: Viewer, request: web.Request) -> dict[str, Any]:
    use_cases = issuer(request)
    recent = await use_cases.objects.listing(
        INQUIRIES, viewer.organization_id, PageRequest(size=20)
    )
    return {
        "title": "New share token",
        "connections": await outbound_connections(request, viewer),
        "recent_sources": [obj.id for obj in recent.items],
        "default_ttl": DEFAULT_TTL_SECONDS,
    }


@PAGES.new
async def new_page(request: web.Request) -> web.Response:
    """The create form."""
    viewer = await require_session(request)
    context = await _form_context(viewer, request)
    return render(request, "share_token_new.html", {**context, "errors": {}, "values": {}})


@PAGES.create
async def create(request: web.Request) -> web.Response:
    """Validate like ``POST /connect/share-tokens`` and issue the token; errors go next to
    their field and nothing is created."""
    viewer = await require_session(request)
    submitted = form(request)
    values = {
        name: str(submitted.get(name, "")).strip()
        for name in ("connection-id", "source-id", "expires-in-seconds")
    }
    attributes: dict[str, Any] = {
        "connection-id": values["connection-id"],
        "source-id": values["source-id"],
    }
    ttl = whole_number(values["expires-in-seconds"])
    if ttl is not None:
        attributes["expires-in-seconds"] = ttl
    try:
        body = parse_attributes(CreateShareToken, attributes)
        token = await issuer(request).tokens.create(
            viewer.organization_id,
            body.connection_id,
            body.source_id,
            body.expires_in_seconds,
            creator_id=viewer.api_key_id,
        )
    except (ApiError, DomainError) as refused:
        error = form_refusal(request, refused)
        context = await _form_context(viewer, request)
        errors = field_errors(error, HINTS)
        page = {**context, "errors": errors, "values": values}
        return render(request, "share_token_new.html", page, status=422)
    notify(request, "info", "Share token created.")
    return redirect(f"{BASE}/{token.id}")


async def _token_context(request: web.Request, viewer: Viewer) -> dict[str, Any]:
    use_cases = issuer(request).tokens
    token = await use_cases.get(viewer.organization_id, request.match_info["id"])
    resource = _view(token, viewer.organization_id)
    names = await organization_names(
        request, (token.source_organization_id, token.destination_organization_id)
    )
    return {"token": resource, "record": token, "names": names}


@PAGES.detail
async def detail(request: web.Request) -> web.Response:
    """One token (404 page for anyone but its two sides); ``?peek=1`` shows the source data
    to the destination, filtered by the connection's sharing settings, while the token is
    ``created`` on an ``active`` connection (a notice says why not otherwise)."""
    viewer = await require_session(request)
    context = await _token_context(request, viewer)
    source_data = None
    if request.query.get("peek") == "1":
        try:
            source_data = await issuer(request).tokens.peek(
                viewer.organization_id, context["record"]
            )
        except WrongState as refused:  # no longer created, or the connection ended
            notify(request, "error", refused.details)
    context.update(title=f"Share token {context['token']['id']}", source_data=source_data)
    return render(request, "share_token.html", context)


@PAGES.page("panel")
async def panel(request: web.Request) -> web.Response:
    """The token's status panel alone, polled by the page until the status is final."""
    viewer = await require_session(request)
    context = await _token_context(request, viewer)
    return render(request, "_token_panel.html", context)


@PAGES.action("expire")
async def expire(request: web.Request) -> web.Response:
    """The source expires a ``created`` token."""
    viewer = await require_session(request)
    token_id = request.match_info["id"]
    try:
        await issuer(request).tokens.expire(viewer.organization_id, token_id)
        notify(request, "info", "The share token is expired.")
    except (ApiError, DomainError) as refused:
        notify(request, "error", action_refusal(request, refused).details)
    return redirect(f"{BASE}/{token_id}")
