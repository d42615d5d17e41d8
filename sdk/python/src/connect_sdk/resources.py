"""One class per collection of the API; each method is one route (contract 2.1 to 2.6)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

from connect_sdk.models import (
    Connection,
    Delivery,
    DeliveryAttempt,
    Event,
    Model,
    ShareToken,
    SourceObject,
    Webhook,
    Workflow,
    WorkflowRun,
)
from connect_sdk.pages import Page, fetch_page, iterate, page_params
from connect_sdk.transport import Transport

R = TypeVar("R", bound=Model)


def _document(
    attributes: Mapping[str, Any] | None = None, meta: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"data": {"attributes": dict(attributes or {})}}
    if meta:
        body["meta"] = dict(meta)
    return body


def _given(**values: Any) -> dict[str, Any]:
    """Attributes with kebab-case names, leaving out those not given (None)."""
    return {k.replace("_", "-"): v for k, v in values.items() if v is not None}


class _Collection(Generic[R]):
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


class ShareTokens(_Collection[ShareToken]):
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
        attributes = _given(
            connection_id=connection_id, source_id=source_id, expires_in_seconds=expires_in_seconds
        )
        return await self._one("POST", self._path, _document(attributes), key=idempotency_key)

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
        body = _document(_given(destination_id=destination_id), meta)
        return await self._one("POST", f"{self._path}/{id_}/redeem", body, key=idempotency_key)


class Connections(_Collection[Connection]):
    """``/connect/connections``."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/connect/connections", Connection)

    async def create(
        self, destination_organization_id: str, *, idempotency_key: str | None = None
    ) -> Connection:
        """Propose a connection to another organization (pending until it accepts)."""
        body = _document(_given(destination_organization_id=destination_organization_id))
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
        body = _document({"sharing-settings": dict(sharing_settings)})
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


class SourceObjects(_Collection[SourceObject]):
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
        body = _document(_given(fields=dict(fields or {}), reference_id=reference_id, **attributes))
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


class Webhooks(_Collection[Webhook]):
    """``/webhooks``."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/webhooks", Webhook)

    async def create(
        self,
        url: str,
        enabled_events: Sequence[str] = ("*",),
        *,
        signature_format: str = "persona",
        idempotency_key: str | None = None,
    ) -> Webhook:
        """Create a webhook; ``attributes.secret`` is in this answer only."""
        body = _document(
            {
                "url": url,
                "enabled-events": list(enabled_events),
                "signature-format": signature_format,
            }
        )
        return await self._one("POST", self._path, body, key=idempotency_key)

    async def list(self) -> list[Webhook]:
        """Every webhook of the organization (one short list)."""
        reply = await self._transport.request("GET", self._path)
        return [Webhook.model_validate(item) for item in reply.body["data"]]

    async def update(
        self,
        id_: str,
        *,
        url: str | None = None,
        enabled_events: Sequence[str] | None = None,
        status: str | None = None,
    ) -> Webhook:
        """Change url, enabled-events or status (``enabled`` / ``disabled``)."""
        events = list(enabled_events) if enabled_events is not None else None
        body = _document(_given(url=url, enabled_events=events, status=status))
        return await self._one("PATCH", f"{self._path}/{id_}", body)

    async def delete(self, id_: str) -> None:
        """Delete the webhook."""
        await self._transport.request("DELETE", f"{self._path}/{id_}")

    async def rotate_secret(self, id_: str, *, expires_in_seconds: int | None = None) -> Webhook:
        """A new secret (in this answer); the old one keeps signing until it expires."""
        meta = _given(expires_in_seconds=expires_in_seconds)
        body: dict[str, Any] = {"meta": meta} if meta else {}
        return await self._one("POST", f"{self._path}/{id_}/rotate-secret", body or None)

    async def enable(self, id_: str) -> Webhook:
        """Enable (409 when archived); its failure streak is forgotten."""
        return await self._one("POST", f"{self._path}/{id_}/enable")

    async def disable(self, id_: str) -> Webhook:
        """Disable: nothing is delivered until it is enabled again."""
        return await self._one("POST", f"{self._path}/{id_}/disable")

    async def archive(self, id_: str) -> Webhook:
        """Archive for good: it delivers nothing and cannot be enabled again."""
        return await self._one("POST", f"{self._path}/{id_}/archive")

    async def clone(self, id_: str, *, idempotency_key: str | None = None) -> Webhook:
        """A new webhook with the same settings; its own ``attributes.secret`` is in this
        answer only."""
        return await self._one("POST", f"{self._path}/{id_}/clone", key=idempotency_key)

    async def deliveries(
        self, id_: str, *, event_id: str | None = None, size: int | None = None
    ) -> builtins.list[DeliveryAttempt]:
        """The attempt log, newest first (one page)."""
        params = page_params({"event-id": event_id}, size)
        page = await fetch_page(
            self._transport, DeliveryAttempt, f"{self._path}/{id_}/deliveries", params
        )
        return page.items

    async def resend(self, id_: str, event_id: str) -> Delivery:
        """Deliver one event again from attempt 1."""
        reply = await self._transport.request(
            "POST", f"{self._path}/{id_}/events/{event_id}/resend"
        )
        return Delivery.model_validate(reply.body["data"])


class Events(_Collection[Event]):
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


class Workflows(_Collection[Workflow]):
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
        body = _document(
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
        body = _document(
            _given(
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
