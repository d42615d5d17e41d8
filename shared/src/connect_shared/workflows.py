"""Workflows (contract section 2.5): the definition and run records both executors share, how a
trigger matches an event, how runs are rendered and announced, and the run ledger that makes
each (workflow, trigger event) run at most once.

The issuer stores definitions (``POST /workflows``...) and runs ``create-share-token`` actions;
the redeemer runs ``redeem-share-token`` actions. Each executor is a consumer group on
``connect.events`` and acts through its own domain code; what they have in common is here.

At most once per (workflow, trigger event): the run id derives from both, a run is recorded
durably (``connect.state`` plus its ``workflow-run.*`` event, acknowledged together) and a
recorded run is never redone; a Redis lease (redis-py's lock) keeps two consumers from running it
concurrently. An action's own effect must be idempotent by the run id for the crash window
between acting and recording (the issuer derives the token id from it; the redeemer's
single-use token guard refuses a second redeem).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings
from redis.exceptions import LockNotOwnedError

from connect_shared import jsonutil
from connect_shared.clock import epoch_ms, iso, parse_iso, utcnow
from connect_shared.errors import ApiError, Unavailable
from connect_shared.events import SOURCE_OBJECT_EVENTS, Event, build_event
from connect_shared.ids import derived_id, new_id
from connect_shared.inflection import to_kebab
from connect_shared.jsonapi import relationship, resource
from connect_shared.kafka import OutgoingMessage
from connect_shared.redemptions import FieldMapping
from connect_shared.state import VIEW_READY_KEY, StateRecord, StateStore

log = logging.getLogger(__name__)

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
    score = float(epoch_ms(parse_iso(workflow.created_at)))
    return StateRecord(
        id=workflow.id,
        kind="workflow",
        body=workflow.model_dump(mode="json"),
        indexes={workflow_index(workflow.organization_id): score},
    )


def run_index(workflow_id: str) -> str:
    """Index of one workflow's runs (the run log)."""
    return f"idx:workflow-run:{workflow_id}"


def run_state(run: WorkflowRunRecord) -> StateRecord:
    """State write of a run, listed in its workflow's run log by time."""
    score = float(epoch_ms(parse_iso(run.created_at)))
    return StateRecord(
        id=run.id,
        kind="workflow-run",
        body=run.model_dump(mode="json"),
        indexes={run_index(run.workflow_id): score},
    )


def run_id_for(workflow_id: str, trigger_event_id: str) -> str:
    """The one id a run of ``workflow_id`` for ``trigger_event_id`` can have."""
    return derived_id("wfr_", workflow_id, trigger_event_id)


_MISSING = object()


def object_value(obj: Mapping[str, Any], key: str) -> Any:
    """The value a filter ``key`` names on an event's object: ``id``/``type``, an attribute
    (``status``, ``connection-id``...) or the id of a relationship (``source-id`` ->
    ``relationships.source.data.id``). A missing one matches nothing.

    Filters are stored exactly as sent (user data), so a key in another inflection
    (``connection_id``, ``connectionId``) is looked up by its kebab-case name when the exact
    name is not there."""
    found = _named_value(obj, key)
    kebab = to_kebab(key)
    if found is _MISSING and kebab != key:
        found = _named_value(obj, kebab)
    return found


def _named_value(obj: Mapping[str, Any], key: str) -> Any:
    if key in ("id", "type"):
        return obj.get(key, _MISSING)
    attributes = obj.get("attributes")
    if isinstance(attributes, dict) and key in attributes:
        return attributes[key]
    relationships = obj.get("relationships")
    name = key.removesuffix("-id")
    related = relationships.get(name) if isinstance(relationships, dict) else None
    data = related.get("data") if isinstance(related, dict) else None
    if isinstance(data, dict) and "id" in data:
        return data["id"]
    return _MISSING


def trigger_matches(trigger: WorkflowTrigger, event_name: str, obj: Mapping[str, Any]) -> bool:
    """True when ``event_name`` is the trigger's and its object passes every filter entry."""
    if trigger.event != event_name:
        return False
    for key, wanted in trigger.filter.items():
        value = object_value(obj, key)
        if value is _MISSING or type(value) is not type(wanted) or value != wanted:
            return False
    return True


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


class RunFailed(Exception):
    """An action that cannot succeed for this trigger event (recorded as an errored run)."""

    def __init__(self, title: str, details: str) -> None:
        super().__init__(details)
        self.title = title
        self.details = details


@dataclass(frozen=True)
class RunContext:
    """What an action receives: the workflow, the trigger event, the run id, and whether an
    earlier attempt at this run may already have acted (a crash before it was recorded)."""

    workflow: WorkflowRecord
    event: Event
    run_id: str
    retried: bool


@dataclass(frozen=True)
class ActionDone:
    """The object a successful action made or acted on (e.g. the share token)."""

    object_type: str
    object_id: str


Perform = Callable[[RunContext], Awaitable[ActionDone]]

ATTEMPT_SECONDS = 8 * 24 * 3600  # longer than connect.events' retention


class RunInProgress(Exception):
    """Another consumer holds this run's lease; retry once it recorded the run or the lease
    lapsed."""


class WorkflowRunner:
    """Finds the organization's enabled workflows an event triggers for one action type and
    runs each at most once, recording the outcome (one executor per owning service)."""

    def __init__(
        self,
        store: StateStore,
        events_topic: str,
        action_type: ActionType,
        perform: Perform,
        *,
        lease_seconds: float,
    ) -> None:
        self._store = store
        self._events_topic = events_topic
        self._action_type = action_type
        self._perform = perform
        self._lease_seconds = max(1.0, lease_seconds)
        self._triggers = TRIGGERS_BY_ACTION[action_type]

    async def handle(self, event: Event, produced_ms: int) -> None:
        """Run every workflow ``event`` triggers; raises only when a retry may succeed."""
        if event.name not in self._triggers:
            return
        for workflow in await self.triggered(event, produced_ms):
            await self._run_once(workflow, event)

    async def triggered(self, event: Event, produced_ms: int) -> list[WorkflowRecord]:
        """Enabled workflows of the event's organization for this action whose trigger matches,
        created before the event was produced (a new workflow does not act on the past)."""
        async with self._store.redis.pipeline(transaction=False) as pipe:
            pipe.exists(VIEW_READY_KEY)
            pipe.zrange(workflow_index(event.organization_id), 0, -1)
            ready, raw_ids = await pipe.execute()
        if not ready:
            # A lost view shows no workflows and no runs: wait for the rebuild, never guess.
            raise Unavailable("The state view is being rebuilt.")
        ids = [item.decode() if isinstance(item, bytes) else str(item) for item in raw_ids]
        found = []
        for body in await self._store.get_many(ids):
            if body is None:
                continue
            workflow = WorkflowRecord.model_validate(body)
            if (
                workflow.enabled
                and workflow.action.type == self._action_type
                and epoch_ms(parse_iso(workflow.created_at)) <= produced_ms
                and trigger_matches(workflow.trigger, event.name, event.payload_object)
            ):
                found.append(workflow)
        return found

    async def _run_once(self, workflow: WorkflowRecord, event: Event) -> None:
        run_id = run_id_for(workflow.id, event.id)
        if await self._store.get(run_id) is not None:
            return  # recorded: a redelivery
        redis = self._store.redis
        # redis-py's lock: SET NX PX to take it, a compare-and-delete script to give it back.
        lease = redis.lock(
            f"guard:workflow-run:{run_id}", timeout=self._lease_seconds, thread_local=False
        )
        if not await lease.acquire(blocking=False, token=new_id("wlc_")):
            raise RunInProgress(run_id)
        try:
            if await self._store.get(run_id) is not None:
                return  # recorded by the lease's previous holder
            first = await redis.set(
                f"workflow-run:attempt:{run_id}", "1", nx=True, ex=ATTEMPT_SECONDS
            )
            context = RunContext(workflow, event, run_id, retried=not first)
            run = await self._attempt(context)
            message = OutgoingMessage(
                self._events_topic, workflow.id, jsonutil.dumps(run_event(run).to_wire())
            )
            await self._store.put(run_state(run), also=[message])
            log.info(
                "workflow ran",
                extra={"workflow": workflow.id, "run": run_id, "outcome": run.outcome},
            )
        finally:
            # Recorded or failed: either way the lease has done its job (if it is still ours;
            # one that lapsed meanwhile may be another consumer's now, and stays).
            with contextlib.suppress(LockNotOwnedError):
                await lease.release()

    async def _attempt(self, context: RunContext) -> WorkflowRunRecord:
        error: RunError | None = None
        done: ActionDone | None = None
        try:
            done = await self._perform(context)
        except RunFailed as failed:
            error = RunError(title=failed.title, details=failed.details)
        except ApiError as refused:
            if refused.status >= 500:
                raise  # 503: a dependency is down; the consumer retries
            error = RunError(title=refused.title, details=refused.details)
        workflow, event = context.workflow, context.event
        return WorkflowRunRecord(
            id=context.run_id,
            workflow_id=workflow.id,
            organization_id=workflow.organization_id,
            trigger_event_id=event.id,
            trigger_event_name=event.name,
            action=workflow.action.type,
            outcome="errored" if error else "created",
            error=error,
            object_type=done.object_type if done else None,
            object_id=done.object_id if done else None,
            created_at=iso(utcnow()),
        )
