"""Workflows (contract section 2.5): the definition and run records both executors share, how
runs are rendered and announced, and the run ledger that makes each (workflow, trigger event)
run at most once. How a trigger matches an event is a rule both apply
(``connect_shared.domain.workflow_triggers``, re-exported here).

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

import importlib
from typing import TYPE_CHECKING, Any

from connect_shared.domain.workflow_triggers import (
    object_value,
    trigger_matches,
)
from connect_shared.workflows.records import (
    ACTION_TYPES,
    TRIGGERS_BY_ACTION,
    WORKFLOW_RUN_TYPE,
    WORKFLOW_TYPE,
    ActionType,
    FilterValue,
    RunError,
    RunOutcome,
    WorkflowAction,
    WorkflowRecord,
    WorkflowRunRecord,
    WorkflowRunSettings,
    WorkflowTrigger,
    run_id_for,
    run_index,
    run_state,
    workflow_index,
    workflow_state,
)
from connect_shared.workflows.views import (
    run_event,
    run_resource,
    workflow_resource,
)

if TYPE_CHECKING:
    from connect_shared.workflows.runner import (
        ATTEMPT_SECONDS,
        ActionDone,
        Perform,
        RunContext,
        RunFailed,
        RunInProgress,
        WorkflowRunner,
    )

# The runner (a Redis lease and Kafka writes) loads only when one of its names is asked for, so
# use cases that import the records and rules load no I/O client.
_RUNNER_NAMES = frozenset(
    {
        "ATTEMPT_SECONDS",
        "ActionDone",
        "Perform",
        "RunContext",
        "RunFailed",
        "RunInProgress",
        "WorkflowRunner",
    }
)


def __getattr__(name: str) -> Any:
    """The runner's names, imported on first use."""
    if name in _RUNNER_NAMES:
        return getattr(importlib.import_module("connect_shared.workflows.runner"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACTION_TYPES",
    "ATTEMPT_SECONDS",
    "TRIGGERS_BY_ACTION",
    "WORKFLOW_RUN_TYPE",
    "WORKFLOW_TYPE",
    "ActionDone",
    "ActionType",
    "FilterValue",
    "Perform",
    "RunContext",
    "RunError",
    "RunFailed",
    "RunInProgress",
    "RunOutcome",
    "WorkflowAction",
    "WorkflowRecord",
    "WorkflowRunRecord",
    "WorkflowRunSettings",
    "WorkflowRunner",
    "WorkflowTrigger",
    "object_value",
    "run_event",
    "run_id_for",
    "run_index",
    "run_resource",
    "run_state",
    "trigger_matches",
    "workflow_index",
    "workflow_resource",
    "workflow_state",
]
