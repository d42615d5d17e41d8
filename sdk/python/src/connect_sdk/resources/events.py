"""``/events``: the organization's events of the retention window."""

from __future__ import annotations

from collections.abc import AsyncIterator

from connect_sdk.models import Event
from connect_sdk.pages import Page
from connect_sdk.resources._base import Collection
from connect_sdk.transport import Transport


class Events(Collection[Event]):
    """``/events``: the organization's events of the last 30 days."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/events", Event)

    async def list(
        self,
        *,
        name: str | None = None,
        object_id: str | None = None,
        size: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> Page[Event]:
        """One page, newest first, optionally one event name or one object's events."""
        return await self._page({"name": name, "object-id": object_id}, size, after, before)

    def iterate(
        self, *, name: str | None = None, object_id: str | None = None
    ) -> AsyncIterator[Event]:
        """Every matching event, newest first, across pages."""
        return self._iterate({"name": name, "object-id": object_id})
