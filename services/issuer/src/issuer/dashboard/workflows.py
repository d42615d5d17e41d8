"""Workflow pages: the list with a create form, one workflow with its runs, enable / disable
and delete, over the same request models and use cases as ``/api/v1/workflows``."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connect_shared.domain_errors import DomainError
from connect_shared.errors import ApiError
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import PageRequest
from connect_shared.web.forms import form_refusal, whole_number
from connect_shared.web.pages import PREFIX, Viewer, form, notify, redirect, render, require_session
from connect_shared.web.resources import ResourcePages
from connect_shared.workflows import TRIGGERS_BY_ACTION, WorkflowTrigger
from issuer.adapters.http.workflow_requests import CreateWorkflow, parse_action
from issuer.dashboard.common import issuer
from issuer.dashboard.share_tokens import outbound_connections
from issuer.domain.share_tokens import DEFAULT_TTL_SECONDS
from issuer.usecases.workflows import WorkflowChanges

BASE = PREFIX + "/workflows"
PAGES = ResourcePages("workflows")
ATTRIBUTES = "/data/attributes/"
# Where an error of the workflow document is shown in the form.
FIELDS = {
    "name": "name",
    "trigger/event": "trigger-event",
    "trigger/filter": "trigger-status",
    "action/type": "action-type",
    "action/connection-id": "connection-id",
    "action/expires-in-seconds": "expires-in-seconds",
    "action/destination-id": "destination-id",
}
HINTS = {
    "name": "Give the workflow a name (up to 200 characters).",
    "connection-id": "Choose one of your active outbound connections.",
    "expires-in-seconds": "Enter a lifetime from 60 seconds to 21 days (1814400 seconds).",
}
ACTIONS = (
    ("create-share-token", "Create a share token of the trigger's object"),
    ("redeem-share-token", "Redeem the inbound share token"),
)


def _errors(error: ApiError) -> dict[str, str]:
    pointer = (error.pointer or "").removeprefix(ATTRIBUTES)
    for prefix, field in FIELDS.items():
        if pointer == prefix or pointer.startswith(prefix + "/"):
            message = error.details
            if field in HINTS and message.startswith("'"):
                message = HINTS[field]
            return {field: message}
    return {"": error.details}


async def _list_context(request: web.Request, viewer: Viewer) -> dict[str, Any]:
    page = await issuer(request).workflows.listing(viewer.organization_id, PageRequest(size=100))
    events = sorted(
        TRIGGERS_BY_ACTION["create-share-token"] | TRIGGERS_BY_ACTION["redeem-share-token"]
    )
    return {
        "title": "Workflows",
        "workflows": page.items,
        "events": [(e, e) for e in events],
        "actions": ACTIONS,
        "connections": await outbound_connections(request, viewer),
        "default_ttl": DEFAULT_TTL_SECONDS,
    }


@PAGES.listing
async def listing(request: web.Request) -> web.Response:
    """The organization's workflows and the create form."""
    viewer = await require_session(request)
    context = await _list_context(request, viewer)
    values = {"trigger-event": "inquiry.completed", "action-type": "create-share-token"}
    return render(request, "workflows.html", {**context, "errors": {}, "values": values})


def _document(values: dict[str, str]) -> dict[str, Any]:
    trigger: dict[str, Any] = {"event": values["trigger-event"]}
    if values["trigger-status"]:
        trigger["filter"] = {"status": values["trigger-status"]}
    action: dict[str, Any] = {"type": values["action-type"]}
    if values["action-type"] == "create-share-token":
        action["connection-id"] = values["connection-id"]
        ttl = whole_number(values["expires-in-seconds"])
        if ttl is not None:
            action["expires-in-seconds"] = ttl
    elif values["destination-id"]:
        action["destination-id"] = values["destination-id"]
    return {"name": values["name"], "enabled": True, "trigger": trigger, "action": action}


@PAGES.create
async def create(request: web.Request) -> web.Response:
    """Validate like ``POST /workflows``; errors go next to their field."""
    viewer = await require_session(request)
    submitted = form(request)
    names = ("name", "trigger-event", "trigger-status", "action-type", "connection-id")
    values = {
        name: str(submitted.get(name, "")).strip()
        for name in (*names, "expires-in-seconds", "destination-id")
    }
    try:
        body = parse_attributes(CreateWorkflow, _document(values))
        workflow = await issuer(request).workflows.create(
            viewer.organization_id,
            body.name,
            body.enabled,
            WorkflowTrigger(event=body.trigger.event, filter=dict(body.trigger.filter)),
            parse_action(body.action),
        )
    except (ApiError, DomainError) as refused:
        error = form_refusal(request, refused)
        context = await _list_context(request, viewer)
        page = {**context, "errors": _errors(error), "values": values}
        return render(request, "workflows.html", page, status=422)
    notify(request, "info", "Workflow created.")
    return redirect(f"{BASE}/{workflow.id}")


@PAGES.detail
async def detail(request: web.Request) -> web.Response:
    """One workflow and its newest runs (404 page for other organizations)."""
    viewer = await require_session(request)
    use_cases = issuer(request).workflows
    workflow = await use_cases.get(viewer.organization_id, request.match_info["id"])
    runs = await use_cases.runs(viewer.organization_id, workflow.id, PageRequest(size=50))
    context = {"title": f"Workflow {workflow.name}", "workflow": workflow, "runs": runs.items}
    return render(request, "workflow.html", context)


@PAGES.action("enabled")
async def toggle(request: web.Request) -> web.Response:
    """Enable or disable."""
    viewer = await require_session(request)
    enabled = form(request).get("enabled") == "true"
    workflow = await issuer(request).workflows.update(
        viewer.organization_id, request.match_info["id"], WorkflowChanges(enabled=enabled)
    )
    notify(request, "info", f"The workflow is {'enabled' if enabled else 'disabled'}.")
    return redirect(f"{BASE}/{workflow.id}")


@PAGES.action("delete")
async def delete(request: web.Request) -> web.Response:
    """Delete the workflow."""
    viewer = await require_session(request)
    await issuer(request).workflows.delete(viewer.organization_id, request.match_info["id"])
    notify(request, "info", "Workflow deleted.")
    return redirect(BASE)
