"""How workflows and runs are rendered (API, dashboard) and announced (run events)."""

from __future__ import annotations

from typing import Any

from connect_shared.clock import parse_iso
from connect_shared.events import Event, build_event
from connect_shared.jsonapi import relationship, resource
from connect_shared.workflows.records import (
    WORKFLOW_RUN_TYPE,
    WORKFLOW_TYPE,
    WorkflowRecord,
    WorkflowRunRecord,
)


def workflow_resource(workflow: WorkflowRecord) -> dict[str, Any]:
    """The workflow resource object (API and dashboard)."""
    action = workflow.action
    rendered: dict[str, Any] = {"type": action.type}
    if action.type == "create-share-token":
        rendered["connection-id"] = action.connection_id
        rendered["expires-in-seconds"] = action.expires_in_seconds
    else:
        rendered["destination-id"] = action.destination_id
        rendered["field-mappings"] = [
            {
                "source-field-name": m.source_field_name,
                "destination-field-name": m.destination_field_name,
            }
            for m in action.field_mappings
        ]
    attributes = {
        "name": workflow.name,
        "enabled": workflow.enabled,
        "trigger": {"event": workflow.trigger.event, "filter": dict(workflow.trigger.filter)},
        "action": rendered,
        "created-at": workflow.created_at,
        "updated-at": workflow.updated_at,
    }
    return resource(WORKFLOW_TYPE, workflow.id, attributes)


def run_resource(run: WorkflowRunRecord) -> dict[str, Any]:
    """A run-log entry: trigger event, action, outcome, error, time and the object it made."""
    error = {"title": run.error.title, "details": run.error.details} if run.error else None
    attributes = {
        "workflow-id": run.workflow_id,
        "trigger-event-id": run.trigger_event_id,
        "trigger-event-name": run.trigger_event_name,
        "action": run.action,
        "outcome": run.outcome,
        "error": error,
        "object-id": run.object_id,
        "created-at": run.created_at,
    }
    relationships = {
        "workflow": relationship(WORKFLOW_TYPE, run.workflow_id),
        "object": relationship(run.object_type, run.object_id),
    }
    return resource(WORKFLOW_RUN_TYPE, run.id, attributes, relationships)


def run_event(run: WorkflowRunRecord) -> Event:
    """``workflow-run.created`` (the action was carried out) or ``workflow-run.errored``, to the
    workflow's organization; the id derives from the run, so a re-announcement dedupes."""
    return build_event(
        f"workflow-run.{run.outcome}",
        run.organization_id,
        run_resource(run),
        idempotency_parts=(run.id,),
        created_at=parse_iso(run.created_at),
    )
