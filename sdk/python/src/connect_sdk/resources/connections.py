"""``/connect/connections``: propose, accept, share and (de)activate connections."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from connect_sdk.models import Connection
from connect_sdk.pages import Page
from connect_sdk.resources._base import Collection, document, given
from connect_sdk.transport import Transport


class Connections(Collection[Connection]):
    """``/connect/connections``."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/connect/connections", Connection)

    async def create(
        self, destination_organization_id: str, *, idempotency_key: str | None = None
    ) -> Connection:
        """Propose a connection to another organization (pending until it accepts)."""
        body = document(given(destination_organization_id=destination_organization_id))
        return await self._one("POST", self._path, body, key=idempotency_key)

    async def list(
        self,
        *,
        status: str | None = None,
        destination_organization_id: str | None = None,
        size: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> Page[Connection]:
        """One page of the connections the caller is a side of."""
        filters = {"status": status, "destination-organization-id": destination_organization_id}
        return await self._page(filters, size, after, before)

    def iterate(self, *, status: str | None = None) -> AsyncIterator[Connection]:
        """Every connection, newest first, across pages."""
        return self._iterate({"status": status})

    async def update_sharing(self, id_: str, sharing_settings: Mapping[str, str]) -> Connection:
        """Set the sharing settings (source): field -> ``full`` | ``presence`` | ``none``."""
        body = document({"sharing-settings": dict(sharing_settings)})
        return await self._one("PATCH", f"{self._path}/{id_}", body)

    async def accept(self, id_: str) -> Connection:
        """Accept (destination)."""
        return await self._one("POST", f"{self._path}/{id_}/accept")

    async def deactivate(self, id_: str) -> Connection:
        """Deactivate (either side)."""
        return await self._one("POST", f"{self._path}/{id_}/deactivate")

    async def reactivate(self, id_: str) -> Connection:
        """Reactivate (source): back to pending."""
        return await self._one("POST", f"{self._path}/{id_}/reactivate")
