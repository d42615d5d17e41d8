"""``/connect/share-tokens``: issue, list, expire and redeem share tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from connect_sdk.models import ShareToken
from connect_sdk.pages import Page
from connect_sdk.resources._base import Collection, document, given
from connect_sdk.transport import Transport


class ShareTokens(Collection[ShareToken]):
    """``/connect/share-tokens`` (the redeem is the redeemer's route, same base)."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/connect/share-tokens", ShareToken)

    async def create(
        self,
        connection_id: str,
        source_id: str,
        *,
        expires_in_seconds: int | None = None,
        idempotency_key: str | None = None,
    ) -> ShareToken:
        """Issue a token sharing ``source_id`` over ``connection_id`` (source)."""
        attributes = given(
            connection_id=connection_id, source_id=source_id, expires_in_seconds=expires_in_seconds
        )
        return await self._one("POST", self._path, document(attributes), key=idempotency_key)

    async def get(self, id_: str, *, peek_source_data: bool = False) -> ShareToken:
        """One token; ``peek_source_data`` (destination) adds the filtered source fields."""
        params = {"peek-source-data": "true"} if peek_source_data else None
        return await self._one("GET", f"{self._path}/{id_}", params=params)

    async def list(
        self,
        *,
        status: str | None = None,
        direction: str | None = None,
        connection_id: str | None = None,
        size: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> Page[ShareToken]:
        """One page of outbound and inbound tokens, newest first."""
        filters = {"status": status, "direction": direction, "connection-id": connection_id}
        return await self._page(filters, size, after, before)

    def iterate(
        self,
        *,
        status: str | None = None,
        direction: str | None = None,
        connection_id: str | None = None,
    ) -> AsyncIterator[ShareToken]:
        """Every token matching the filters, newest first, across pages."""
        return self._iterate(
            {"status": status, "direction": direction, "connection-id": connection_id}
        )

    async def expire(self, id_: str) -> ShareToken:
        """Expire a ``created`` token (source)."""
        return await self._one("POST", f"{self._path}/{id_}/expire")

    async def redeem(
        self,
        id_: str,
        *,
        destination_id: str | None = None,
        field_mappings: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> ShareToken:
        """Redeem (destination): clone, or hydrate ``destination_id`` with ``field_mappings``
        (source field name -> destination field name). Answers the token in ``pending``."""
        meta = None
        if field_mappings:
            meta = {
                "field-mappings": [
                    {"source-field-name": s, "destination-field-name": d}
                    for s, d in field_mappings.items()
                ]
            }
        body = document(given(destination_id=destination_id), meta)
        return await self._one("POST", f"{self._path}/{id_}/redeem", body, key=idempotency_key)
