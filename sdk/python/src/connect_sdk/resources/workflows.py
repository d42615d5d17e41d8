"""``/workflows`` and their runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connect_sdk.models import Workflow, WorkflowRun
from connect_sdk.pages import Page, fetch_page, page_params
from connect_sdk.resources._base import Collection, document, given
from connect_sdk.transport import Transport


class Workflows(Collection[Workflow]):
    """``/workflows``."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/workflows", Workflow)

    async def create(
        self,
        name: str,
        trigger: Mapping[str, Any],
        action: Mapping[str, Any],
        *,
        enabled: bool = True,
        idempotency_key: str | None = None,
    ) -> Workflow:
        """Create a workflow (``trigger``: event and filter; ``action``: see contract 2.5)."""
        body = document(
            {"name": name, "enabled": enabled, "trigger": dict(trigger), "action": dict(action)}
        )
        return await self._one("POST", self._path, body, key=idempotency_key)

    async def list(
        self, *, size: int | None = None, after: str | None = None, before: str | None = None
    ) -> Page[Workflow]:
        """One page, newest first."""
        return await self._page({}, size, after, before)

    async def update(
        self,
        id_: str,
        *,
        name: str | None = None,
        enabled: bool | None = None,
        trigger: Mapping[str, Any] | None = None,
        action: Mapping[str, Any] | None = None,
    ) -> Workflow:
        """Change what is given."""
        body = document(
            given(
                name=name,
                enabled=enabled,
                trigger=dict(trigger) if trigger else None,
                action=dict(action) if action else None,
            )
        )
        return await self._one("PATCH", f"{self._path}/{id_}", body)

    async def delete(self, id_: str) -> None:
        """Delete the workflow."""
        await self._transport.request("DELETE", f"{self._path}/{id_}")

    async def runs(self, id_: str, *, size: int | None = None) -> Page[WorkflowRun]:
        """One page of the workflow's runs, newest first."""
        return await fetch_page(
            self._transport, WorkflowRun, f"{self._path}/{id_}/runs", page_params({}, size)
        )
