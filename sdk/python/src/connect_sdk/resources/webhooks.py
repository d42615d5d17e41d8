"""``/webhooks``: settings, Persona's actions, the attempt log and resends."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from connect_sdk.models import Delivery, DeliveryAttempt, Webhook
from connect_sdk.pages import fetch_page, page_params
from connect_sdk.resources._base import Collection, document, given
from connect_sdk.transport import Transport


def _settings(
    name: str | None,
    description: str | None,
    api_version: str | None,
    api_key_inflection: str | None,
    payload_filter: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return given(
        name=name,
        description=description,
        api_version=api_version,
        api_key_inflection=api_key_inflection,
        payload_filter=dict(payload_filter) if payload_filter is not None else None,
    )


class Webhooks(Collection[Webhook]):
    """``/webhooks``."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, "/webhooks", Webhook)

    async def create(
        self,
        url: str,
        enabled_events: Sequence[str] = ("*",),
        *,
        signature_format: str = "persona",
        name: str | None = None,
        description: str | None = None,
        api_version: str | None = None,
        api_key_inflection: str | None = None,
        payload_filter: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Webhook:
        """Create a webhook; ``attributes.secret`` is in this answer only. ``api_version``
        (e.g. ``2025-12-08``) delivers events in that Persona version's shape;
        ``payload_filter`` holds back events whose payload does not match it."""
        attributes = {
            "url": url,
            "enabled-events": list(enabled_events),
            "signature-format": signature_format,
            **_settings(name, description, api_version, api_key_inflection, payload_filter),
        }
        return await self._one("POST", self._path, document(attributes), key=idempotency_key)

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
        name: str | None = None,
        description: str | None = None,
        api_version: str | None = None,
        api_key_inflection: str | None = None,
        payload_filter: Mapping[str, Any] | None = None,
    ) -> Webhook:
        """Change what is given: url, enabled-events, status (``enabled`` / ``disabled``) and
        the settings."""
        events = list(enabled_events) if enabled_events is not None else None
        attributes = {
            **given(url=url, enabled_events=events, status=status),
            **_settings(name, description, api_version, api_key_inflection, payload_filter),
        }
        return await self._one("PATCH", f"{self._path}/{id_}", document(attributes))

    async def delete(self, id_: str) -> None:
        """Delete the webhook."""
        await self._transport.request("DELETE", f"{self._path}/{id_}")

    async def rotate_secret(self, id_: str, *, expires_in_seconds: int | None = None) -> Webhook:
        """A new secret (in this answer); the old one keeps signing until it expires."""
        meta = given(expires_in_seconds=expires_in_seconds)
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
