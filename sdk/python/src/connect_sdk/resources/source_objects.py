"""The source-object collections (inquiries, accounts, transactions, verifications)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from connect_sdk.models import SourceObject
from connect_sdk.pages import Page
from connect_sdk.resources._base import Collection, document, given
from connect_sdk.transport import Transport


class SourceObjects(Collection[SourceObject]):
    """``/inquiries``, ``/accounts``, ``/transactions`` or ``/verifications``."""

    def __init__(self, transport: Transport, collection: str) -> None:
        super().__init__(transport, f"/{collection}", SourceObject)

    async def create(
        self,
        fields: Mapping[str, Any] | None = None,
        *,
        reference_id: str | None = None,
        idempotency_key: str | None = None,
        **attributes: Any,
    ) -> SourceObject:
        """Create an object of the caller's organization (extra attributes such as an
        inquiry's ``status`` go by their python names)."""
        body = document(given(fields=dict(fields or {}), reference_id=reference_id, **attributes))
        return await self._one("POST", self._path, body, key=idempotency_key)

    async def list(
        self, *, size: int | None = None, after: str | None = None, before: str | None = None
    ) -> Page[SourceObject]:
        """One page, newest first."""
        return await self._page({}, size, after, before)

    def iterate(self) -> AsyncIterator[SourceObject]:
        """Every object, newest first, across pages."""
        return self._iterate({})

    async def redact(self, id_: str) -> SourceObject:
        """Redact the object's fields."""
        return await self._one("POST", f"{self._path}/{id_}/redact")
