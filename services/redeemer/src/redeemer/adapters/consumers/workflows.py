"""The redeemer's workflow executor: ``redeem-share-token`` actions, run from ``connect.events``
(consumer group ``redeemer-workflows``) through :class:`RedeemService`, as ``POST
.../redeem`` runs them.

The single-use guard redeems a token at most once. A 409 for a run that an earlier attempt
already acted on (it crashed before recording the run) means the redeem went through: the run
is recorded as done, not as an error.
"""

from __future__ import annotations

from connect_shared.domain_errors import WrongState
from connect_shared.events import Event
from connect_shared.http.error_table import translated
from connect_shared.ids import has_prefix
from connect_shared.runtime import Runtime
from connect_shared.subscriber import Subscriber
from connect_shared.views import SHARE_TOKEN_TYPE
from connect_shared.workflow_events import workflow_events
from connect_shared.workflows import ActionDone, RunContext, RunFailed, WorkflowRunner
from redeemer.adapters.http.errors import REDEEMER_ERRORS
from redeemer.config import RedeemerSettings
from redeemer.domain.commands import RedeemCommand
from redeemer.usecases.redeeming import RedeemService


class RedeemShareTokenAction:
    """Redeems the trigger event's token for the workflow's (destination) organization."""

    def __init__(self, service: RedeemService) -> None:
        self._service = service

    async def __call__(self, run: RunContext) -> ActionDone:
        token_id = run.event.payload_object.get("id")
        if not isinstance(token_id, str) or not has_prefix(token_id, "cnst_"):
            raise RunFailed("Token missing", "The trigger event's object is not a share token.")
        action = run.workflow.action
        command = RedeemCommand(action.destination_id, tuple(action.field_mappings))
        # Refusals are recorded on the run as the API would answer them.
        with translated(REDEEMER_ERRORS):
            try:
                await self._service.redeem(run.workflow.organization_id, token_id, command)
            except WrongState:
                if not run.retried:
                    raise  # redeemed, expired or failed before this workflow got to it: errored
        return ActionDone(SHARE_TOKEN_TYPE, token_id)


def workflow_executor(
    settings: RedeemerSettings, runtime: Runtime, service: RedeemService
) -> Subscriber[Event]:
    """A consumer-group worker running the redeem workflows that events trigger."""
    runner = WorkflowRunner(
        runtime.store,
        settings.topic_events,
        "redeem-share-token",
        RedeemShareTokenAction(service),
        lease_seconds=settings.workflow_run_lease_seconds,
    )
    return workflow_events(
        settings,
        settings.topic_events,
        settings.workflows_group,
        "redeemer-workflows",
        runner.handle,
        runner.triggers,
    )
