"""``/api/v1/workflows`` routes (contract section 2.5)."""

from __future__ import annotations

from aiohttp import web

from connect_shared.http.keys import principal
from connect_shared.http.responses import read_document
from connect_shared.http.routes import collection_routes
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import parse_page_request
from connect_shared.workflows import WorkflowTrigger, run_resource, workflow_resource
from issuer.adapters.http import render
from issuer.adapters.http.queries import PAGED_LIST, parameters
from issuer.adapters.http.workflow_requests import (
    CreateWorkflow,
    TriggerAttributes,
    UpdateWorkflow,
    parse_action,
)
from issuer.bootstrap import ISSUER
from issuer.usecases.workflows import WorkflowChanges, WorkflowUseCases

BASE = "/api/v1/workflows"


def _workflows(request: web.Request) -> WorkflowUseCases:
    return request.app[ISSUER].workflows


def _trigger(body: TriggerAttributes) -> WorkflowTrigger:
    return WorkflowTrigger(event=body.event, filter=dict(body.filter))


async def create(request: web.Request) -> web.Response:
    """``POST /workflows``: 201."""
    attributes, _ = await read_document(request)
    body = parse_attributes(CreateWorkflow, attributes)
    workflow = await _workflows(request).create(
        principal(request).organization_id,
        body.name,
        body.enabled,
        _trigger(body.trigger),
        parse_action(body.action),
    )
    return render.one(workflow_resource(workflow), status=201)


async def listing(request: web.Request) -> web.Response:
    """``GET /workflows``: newest first, cursor pagination."""
    query = parameters(request, PAGED_LIST)
    page = await _workflows(request).listing(
        principal(request).organization_id, parse_page_request(query)
    )
    return render.many(request, page, workflow_resource)


async def retrieve(request: web.Request) -> web.Response:
    """``GET /workflows/{id}``."""
    workflow = await _workflows(request).get(
        principal(request).organization_id, request.match_info["id"]
    )
    return render.one(workflow_resource(workflow))


async def update(request: web.Request) -> web.Response:
    """``PATCH /workflows/{id}``: name, enabled, trigger, action."""
    use_cases = _workflows(request)
    org_id = principal(request).organization_id
    await use_cases.get(org_id, request.match_info["id"])  # 404 before looking at the body
    attributes, _ = await read_document(request)
    body = parse_attributes(UpdateWorkflow, attributes)
    changes = WorkflowChanges(
        name=body.name,
        enabled=body.enabled,
        trigger=_trigger(body.trigger) if body.trigger is not None else None,
        action=parse_action(body.action) if body.action is not None else None,
    )
    workflow = await use_cases.update(org_id, request.match_info["id"], changes)
    return render.one(workflow_resource(workflow))


async def delete(request: web.Request) -> web.Response:
    """``DELETE /workflows/{id}``: 204."""
    await _workflows(request).delete(principal(request).organization_id, request.match_info["id"])
    return web.Response(status=204)


async def runs(request: web.Request) -> web.Response:
    """``GET /workflows/{id}/runs``: the run log, newest first."""
    query = parameters(request, PAGED_LIST)
    page = await _workflows(request).runs(
        principal(request).organization_id,
        request.match_info["id"],
        parse_page_request(query),
    )
    return render.many(request, page, run_resource)


def add_routes(app: web.Application) -> None:
    """Register the workflow routes."""
    app.router.add_routes(
        collection_routes(
            BASE, create=create, listing=listing, retrieve=retrieve, update=update, delete=delete
        )
    )
    app.router.add_get(BASE + "/{id}/runs", runs)
