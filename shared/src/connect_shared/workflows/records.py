"""The workflow and run records both executors share, their state writes and the run id."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings

from connect_shared.events import SOURCE_OBJECT_EVENTS
from connect_shared.ids import derived_id
from connect_shared.redemptions import FieldMapping
from connect_shared.state_record import StateRecord, indexed_state

WORKFLOW_TYPE = "workflow"
WORKFLOW_RUN_TYPE = "workflow-run"
ActionType = Literal["create-share-token", "redeem-share-token"]
ACTION_TYPES: tuple[ActionType, ...] = ("create-share-token", "redeem-share-token")
RunOutcome = Literal["created", "errored"]
FilterValue = str | int | bool

# Which trigger events each action can act on: a share token is made of the trigger's source
# object; a redemption needs a token the organization received. (This also rules out loops: no
# action emits an event that triggers its own kind of action.)
TRIGGERS_BY_ACTION: dict[ActionType, frozenset[str]] = {
    "create-share-token": frozenset(SOURCE_OBJECT_EVENTS),
    "redeem-share-token": frozenset({"connect/share-token.inbound-created"}),
}


class _Stored(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class WorkflowTrigger(_Stored):
    """An event name of the organization and an optional filter on the event's object."""

    event: str
    filter: dict[str, FilterValue] = Field(default_factory=dict)


class WorkflowAction(_Stored):
    """What a run does; which fields apply depends on ``type``."""

    type: ActionType
    connection_id: str | None = None  # create-share-token
    expires_in_seconds: int | None = None  # create-share-token
    destination_id: str | None = None  # redeem-share-token: hydrate this object
    field_mappings: tuple[FieldMapping, ...] = ()  # redeem-share-token


class WorkflowRecord(_Stored):
    """A workflow definition of one organization."""

    id: str
    organization_id: str
    name: str
    enabled: bool = True
    trigger: WorkflowTrigger
    action: WorkflowAction
    created_at: str
    updated_at: str


class RunError(_Stored):
    """Why a run errored, as the use case refused it."""

    title: str
    details: str


class WorkflowRunRecord(_Stored):
    """One run: the outcome of one workflow for one trigger event."""

    id: str
    workflow_id: str
    organization_id: str
    trigger_event_id: str
    trigger_event_name: str
    action: ActionType
    outcome: RunOutcome
    error: RunError | None = None
    object_type: str | None = None
    object_id: str | None = None
    created_at: str


class WorkflowRunSettings(BaseSettings):
    """Settings of a workflow executor, the same in every service that runs one."""

    workflow_run_lease_seconds: float = Field(
        30.0,
        gt=0,
        le=600,
        description="How long a workflow run is reserved for one consumer (a crashed one's "
        "runs are redone by another after this).",
    )


def workflow_index(org_id: str) -> str:
    """Index of one organization's workflows."""
    return f"idx:workflow:{org_id}"


def workflow_state(workflow: WorkflowRecord) -> StateRecord:
    """State write of a workflow, listed by creation time in its organization's index."""
    body = workflow.model_dump(mode="json")
    return indexed_state("workflow", workflow, workflow_index(workflow.organization_id), body=body)


def run_index(workflow_id: str) -> str:
    """Index of one workflow's runs (the run log)."""
    return f"idx:workflow-run:{workflow_id}"


def run_state(run: WorkflowRunRecord) -> StateRecord:
    """State write of a run, listed in its workflow's run log by time."""
    body = run.model_dump(mode="json")
    return indexed_state("workflow-run", run, run_index(run.workflow_id), body=body)


def run_id_for(workflow_id: str, trigger_event_id: str) -> str:
    """The one id a run of ``workflow_id`` for ``trigger_event_id`` can have."""
    return derived_id("wfr_", workflow_id, trigger_event_id)
