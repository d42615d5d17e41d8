"""Connection pages: the list with create / accept / deactivate / reactivate, and one
connection with its sharing settings."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connect_shared.domain_errors import DomainError
from connect_shared.errors import ApiError
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import PageRequest
from connect_shared.records import ConnectionRecord
from connect_shared.web.forms import action_refusal, field_errors, form_refusal
from connect_shared.web.pages import PREFIX, Viewer, form, notify, redirect, render, require_session
from connect_shared.web.resources import ResourcePages
from issuer.adapters.http.requests import CreateConnection, UpdateConnection
from issuer.dashboard.common import issuer, organization_names
from issuer.usecases.connections import ConnectionFilter

BASE = PREFIX + "/connections"
PAGES = ResourcePages("connections")
HINTS = {"destination-organization-id": "Enter an organization id (org_...)."}
MOVES = {"accept": "accepted", "deactivate": "deactivated", "reactivate": "reactivated"}
LEVELS = (("full", "full value"), ("presence", "presence only"), ("none", "not shared"))


def _row(connection: ConnectionRecord, viewer: Viewer, names: dict[str, str]) -> dict[str, Any]:
    is_source = connection.source_organization_id == viewer.organization_id
    other = (
        connection.destination_organization_id if is_source else (connection.source_organization_id)
    )
    return {
        "record": connection,
        "role": "source" if is_source else "destination",
        "other_id": other,
        "other_name": names.get(other, other),
    }


async def _list_context(request: web.Request, viewer: Viewer) -> dict[str, Any]:
    page = await issuer(request).connections.listing(
        viewer.organization_id, ConnectionFilter(), PageRequest(size=100)
    )
    others = [
        org for c in page.items for org in (c.source_organization_id, c.destination_organization_id)
    ]
    names = await organization_names(request, others)
    return {
        "title": "Connections",
        "connections": [_row(c, viewer, names) for c in page.items],
        "more": page.has_next,
    }


@PAGES.listing
async def listing(request: web.Request) -> web.Response:
    """Every connection the organization is a side of, and the create form."""
    viewer = await require_session(request)
    context = await _list_context(request, viewer)
    return render(request, "connections.html", {**context, "errors": {}, "values": {}})


@PAGES.create
async def create(request: web.Request) -> web.Response:
    """Validate like ``POST /connect/connections``; errors go next to the field."""
    viewer = await require_session(request)
    destination = str(form(request).get("destination-organization-id", "")).strip()
    try:
        body = parse_attributes(CreateConnection, {"destination-organization-id": destination})
        connection = await issuer(request).connections.create(
            viewer.organization_id,
            body.destination_organization_id,
            creator_id=viewer.api_key_id,
        )
    except (ApiError, DomainError) as refused:
        error = form_refusal(request, refused)
        context = await _list_context(request, viewer)
        errors = field_errors(error, HINTS)
        values = {"destination-organization-id": destination}
        page = {**context, "errors": errors, "values": values}
        return render(request, "connections.html", page, status=422)
    notify(request, "info", "Connection created. The destination must accept it.")
    return redirect(f"{BASE}/{connection.id}")


@PAGES.action("{action:accept|deactivate|reactivate}")
async def move(request: web.Request) -> web.Response:
    """Accept, deactivate or reactivate (the use case checks who may)."""
    viewer = await require_session(request)
    connection_id, action = request.match_info["id"], request.match_info["action"]
    use_cases = issuer(request).connections
    try:
        await getattr(use_cases, action)(viewer.organization_id, connection_id)
        notify(request, "info", f"Connection {MOVES[action]}.")
    except (ApiError, DomainError) as refused:
        notify(request, "error", action_refusal(request, refused).details)
    return redirect(f"{BASE}/{connection_id}")


async def _detail_context(request: web.Request, viewer: Viewer) -> dict[str, Any]:
    connection = await issuer(request).connections.get(
        viewer.organization_id, request.match_info["id"]
    )
    names = await organization_names(
        request, (connection.source_organization_id, connection.destination_organization_id)
    )
    return {
        "title": f"Connection {connection.id}",
        "connection": connection,
        "row": _row(connection, viewer, names),
        "names": names,
        "levels": LEVELS,
    }


@PAGES.detail
async def detail(request: web.Request) -> web.Response:
    """One connection (404 page for anyone but its two sides)."""
    viewer = await require_session(request)
    context = await _detail_context(request, viewer)
    return render(request, "connection.html", {**context, "errors": {}, "values": {}})


@PAGES.action("sharing")
async def sharing(request: web.Request) -> web.Response:
    """The source sets one field's sharing level (validated like ``PATCH``)."""
    viewer = await require_session(request)
    context = await _detail_context(request, viewer)
    submitted = form(request)
    name = str(submitted.get("field-name", "")).strip()
    level = str(submitted.get("level", "")).strip()
    try:
        body = parse_attributes(UpdateConnection, {"sharing-settings": {name: level}})
        await issuer(request).connections.update_sharing(
            viewer.organization_id, context["connection"].id, dict(body.sharing_settings)
        )
    except (ApiError, DomainError) as refused:
        error = action_refusal(request, refused)
        errors = {"field-name": field_errors(error).popitem()[1]}
        values = {"field-name": name, "level": level}
        page = {**context, "errors": errors, "values": values}
        return render(request, "connection.html", page, status=422)
    notify(request, "info", f"'{name}' is now shared as: {level}.")
    return redirect(f"{BASE}/{context['connection'].id}")
