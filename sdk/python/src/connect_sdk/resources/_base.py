"""What every collection shares: documents, attribute names, get / list / iterate."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Generic, TypeVar

from connect_sdk.models import Model
from connect_sdk.pages import Page, fetch_page, iterate, page_params
from connect_sdk.transport import Transport

R = TypeVar("R", bound=Model)


def document(
    attributes: Mapping[str, Any] | None = None, meta: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A request document: ``data.attributes`` and, when given, ``meta``."""
    body: dict[str, Any] = {"data": {"attributes": dict(attributes or {})}}
    if meta:
        body["meta"] = dict(meta)
    return body


def given(**values: Any) -> dict[str, Any]:
    """Attributes with kebab-case names, leaving out those not given (None)."""
    return {k.replace("_", "-"): v for k, v in values.items() if v is not None}


class Collection(Generic[R]):
    """Retrieve, list and iterate one collection of ``model`` resources at ``path``."""

    def __init__(self, transport: Transport, path: str, model: type[R]) -> None:
        self._transport = transport
        self._path = path
        self._model = model

    async def _one(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> R:
        reply = await self._transport.request(
            method, path, json_body=body, idempotency_key=key, params=params
        )
        return self._model.model_validate(reply.body["data"])

    async def get(self, id_: str) -> R:
        """One resource by id (404 ``ApiError`` when it is not the caller's)."""
        return await self._one("GET", f"{self._path}/{id_}")

    async def _page(
        self,
        filters: Mapping[str, str | None],
        size: int | None,
        after: str | None,
        before: str | None,
    ) -> Page[R]:
        params = page_params(filters, size, after, before)
        return await fetch_page(self._transport, self._model, self._path, params)

    def _iterate(self, filters: Mapping[str, str | None]) -> AsyncIterator[R]:
        return iterate(self._transport, self._model, self._path, page_params(filters, 100))
