"""Workflow definitions of one organization: create, read, list, change, delete, run log.

A definition is checked as a whole before it is stored: the trigger names a known event the
action can act on, and a ``create-share-token`` action's connection is the caller's (as its
source) and active. Other organizations' workflows are not visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connect_shared.clock import iso
from connect_shared.domain_errors import InvalidValue, NotVisible
from connect_shared.events import EVENT_NAMES
from connect_shared.ids import new_id
from connect_shared.pagination import Page, PageRequest
from connect_shared.state_record import StateRecord, Versioned
from connect_shared.workflows import (
    TRIGGERS_BY_ACTION,
    WorkflowAction,
    WorkflowRecord,
    WorkflowRunRecord,
    WorkflowTrigger,
    run_index,
    workflow_index,
    workflow_state,
)
from issuer.domain import share_tokens as token_rules
from issuer.ports import WorkflowStore
from issuer.usecases import Clock


@dataclass(frozen=True)
class WorkflowChanges:
    """What a PATCH changes (None: unchanged)."""

    name: str | None = None
    enabled: bool | None = None
    trigger: WorkflowTrigger | None = None
    action: WorkflowAction | None = None


def check_trigger(trigger: WorkflowTrigger, action: WorkflowAction) -> None:
    """The trigger names an event of the platform that the action can act on."""
    if trigger.event not in EVENT_NAMES:
        raise InvalidValue(f"Unknown event '{trigger.event}'.", field="trigger/event")
    allowed = TRIGGERS_BY_ACTION[action.type]
    if trigger.event not in allowed:
        what = (
            "an inquiry, account, transaction or verification event"
            if action.type == "create-share-token"
            else "connect/share-token.inbound-created"
        )
        raise InvalidValue(
            f"A {action.type} action runs on {what}, not on '{trigger.event}'.",
            field="trigger/event",
        )


def workflow_status(body: dict[str, Any]) -> str:
    """What a lost race reports as the workflow's current ``status``."""
    return "enabled" if body.get("enabled") else "disabled"


class WorkflowUseCases:
    """Definitions in ``connect.state`` (kind ``workflow``), listed per organization."""

    def __init__(self, entities: WorkflowStore, clock: Clock) -> None:
        self._entities = entities
        self._clock = clock

    async def _check_action(self, org_id: str, action: WorkflowAction) -> None:
        if action.type == "create-share-token" and action.connection_id is not None:
            connection = await self._entities.connection(action.connection_id)
            try:
                token_rules.check_connection(connection, org_id)
            except InvalidValue as refused:  # the rule names the action's own attribute
                raise refused.nested_in("action") from None

    async def create(
        self,
        org_id: str,
        name: str,
        enabled: bool,
        trigger: WorkflowTrigger,
        action: WorkflowAction,
    ) -> WorkflowRecord:
        """A new workflow; answered once it is durable."""
        check_trigger(trigger, action)
        await self._check_action(org_id, action)
        stamp = iso(self._clock())
        workflow = WorkflowRecord(
            id=new_id("wfl_"),
            organization_id=org_id,
            name=name,
            enabled=enabled,
            trigger=trigger,
            action=action,
            created_at=stamp,
            updated_at=stamp,
        )
        await self._entities.put(workflow_state(workflow))
        return workflow

    async def _current(self, org_id: str, workflow_id: str) -> Versioned[WorkflowRecord]:
        found = await self._entities.read(WorkflowRecord, workflow_id, "wfl_")
        if found is None or found.value.organization_id != org_id:
            raise NotVisible("No such workflow.")
        return found

    async def get(self, org_id: str, workflow_id: str) -> WorkflowRecord:
        """One of the organization's workflows; not visible for anything else."""
        return (await self._current(org_id, workflow_id)).value

    async def update(
        self, org_id: str, workflow_id: str, changes: WorkflowChanges
    ) -> WorkflowRecord:
        """Apply ``changes``; a changed trigger or action is checked like a new one (an
        unchanged connection is not re-checked, so a rename never fails on it). A compare-and-set
        against the version read: a concurrent change that won first makes this 409."""
        read = await self._current(org_id, workflow_id)
        workflow = read.value
        trigger = changes.trigger or workflow.trigger
        action = changes.action or workflow.action
        if changes.trigger is not None or changes.action is not None:
            check_trigger(trigger, action)
        if changes.action is not None:
            await self._check_action(org_id, action)
        updated = workflow.model_copy(
            update={
                "name": changes.name if changes.name is not None else workflow.name,
                "enabled": changes.enabled if changes.enabled is not None else workflow.enabled,
                "trigger": trigger,
                "action": action,
                "updated_at": iso(self._clock()),
            }
        )
        await self._put_if(workflow_state(updated), read.version)
        return updated

    async def delete(self, org_id: str, workflow_id: str) -> None:
        """Remove the workflow with a tombstone (its run log stays in the state log, unlisted);
        409 if it changed since it was read."""
        read = await self._current(org_id, workflow_id)
        await self._put_if(StateRecord.tombstone(read.value.id, "workflow"), read.version)

    async def _put_if(self, record: StateRecord, version: int) -> None:
        await self._entities.put_if(record, version, noun="workflow", status_of=workflow_status)

    async def listing(self, org_id: str, page: PageRequest) -> Page[WorkflowRecord]:
        """The organization's workflows, newest first."""
        return await self._entities.page(
            WorkflowRecord, [workflow_index(org_id)], page, lambda w: w.organization_id == org_id
        )

    async def runs(
        self, org_id: str, workflow_id: str, page: PageRequest
    ) -> Page[WorkflowRunRecord]:
        """The workflow's run log, newest first."""
        workflow = await self.get(org_id, workflow_id)
        return await self._entities.page(
            WorkflowRunRecord, [run_index(workflow.id)], page, lambda r: r.organization_id == org_id
        )
