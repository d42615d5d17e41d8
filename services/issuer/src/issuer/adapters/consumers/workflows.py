"""The issuer's workflow executor: ``create-share-token`` actions, run from ``connect.events``
(consumer group ``issuer-workflows``) through the same use case as ``POST
/connect/share-tokens``.

The token's id derives from the run id, so a run redone after a crash (the token was issued but
the run not yet recorded) finds its token instead of issuing a second one.
"""

from __future__ import annotations

import contextlib

from aiohttp import web

from connect_shared.http.error_table import translated
from connect_shared.ids import derived_id, has_prefix
from connect_shared.views import SHARE_TOKEN_TYPE
from connect_shared.workflow_events import workflow_events
from connect_shared.workflows import ActionDone, RunContext, RunFailed, WorkflowRunner
from issuer.adapters.http.errors import ISSUER_ERRORS
from issuer.bootstrap import ISSUER
from issuer.domain.share_tokens import DEFAULT_TTL_SECONDS, SOURCE_PREFIXES
from issuer.usecases.share_tokens import ShareTokenExists, ShareTokenUseCases


def run_token_id(run_id: str) -> str:
    """The id of the token a run issues."""
    return derived_id("cnst_", run_id)


class CreateShareTokenAction:
    """Shares the trigger event's object over the action's connection."""

    def __init__(self, tokens: ShareTokenUseCases) -> None:
        self._tokens = tokens

    async def __call__(self, run: RunContext) -> ActionDone:
        action = run.workflow.action
        source_id = run.event.payload_object.get("id")
        if not isinstance(source_id, str) or not has_prefix(source_id, *SOURCE_PREFIXES):
            raise RunFailed("Source missing", "The trigger event's object cannot be shared.")
        if action.connection_id is None:
            raise RunFailed("Invalid action", "The action names no connection.")
        token_id = run_token_id(run.run_id)
        # ShareTokenExists: an earlier attempt of this run issued it but did not record the run.
        # Other refusals are recorded on the run as the API would answer them.
        with translated(ISSUER_ERRORS), contextlib.suppress(ShareTokenExists):
            await self._tokens.create(
                run.workflow.organization_id,
                action.connection_id,
                source_id,
                action.expires_in_seconds or DEFAULT_TTL_SECONDS,
                token_id=token_id,
                creator_id=run.workflow.id,
            )
        return ActionDone(SHARE_TOKEN_TYPE, token_id)


async def execute_workflows(app: web.Application) -> None:
    """Consume ``connect.events`` in the issuers' workflow group; commit after the work."""
    issuer = app[ISSUER]
    settings = issuer.settings
    runner = WorkflowRunner(
        issuer.runtime.store,
        settings.topic_events,
        "create-share-token",
        CreateShareTokenAction(issuer.tokens),
        lease_seconds=settings.workflow_run_lease_seconds,
    )
    await workflow_events(
        settings,
        settings.topic_events,
        settings.workflows_group,
        "issuer-workflows",
        runner.handle,
        runner.triggers,
    ).run()
