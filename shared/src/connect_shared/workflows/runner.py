"""The run ledger: each (workflow, trigger event) runs at most once, and its outcome is recorded."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.exceptions import LockNotOwnedError

from connect_shared import jsonutil
from connect_shared.clock import iso, parse_epoch_ms, utcnow
from connect_shared.domain.workflow_triggers import trigger_matches
from connect_shared.errors import ApiError, Unavailable
from connect_shared.events import Event
from connect_shared.ids import new_id
from connect_shared.kafka import OutgoingMessage
from connect_shared.redis_replies import as_texts
from connect_shared.state import VIEW_READY_KEY, StateStore
from connect_shared.workflows.records import (
    TRIGGERS_BY_ACTION,
    ActionType,
    RunError,
    WorkflowRecord,
    WorkflowRunRecord,
    run_id_for,
    run_state,
    workflow_index,
)
from connect_shared.workflows.views import run_event

log = logging.getLogger(__name__)


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

    @property
    def triggers(self) -> frozenset[str]:
        """The event names that can trigger a workflow of this runner's action."""
        return self._triggers

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
        ids = as_texts(raw_ids)
        found = []
        for body in await self._store.get_many(ids):
            if body is None:
                continue
            workflow = WorkflowRecord.model_validate(body)
            if (
                workflow.enabled
                and workflow.action.type == self._action_type
                and parse_epoch_ms(workflow.created_at) <= produced_ms
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
