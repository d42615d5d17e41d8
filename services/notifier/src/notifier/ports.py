"""What the notifier's use cases need from the outside world, named for what they do with it.

``adapters/stores`` implements them over ``connect.state`` and Redis, ``adapters/guard.py`` the
registration check (it resolves names); the unit tests use ``tests/notifier/unit/fakes.py``, held
to the real stores by ``tests/notifier/integration/test_port_contracts.py``.
"""

from __future__ import annotations

from typing import Protocol

from connect_shared.state_record import Versioned
from notifier.domain.webhooks import WebhookRecord


class WebhookRegistry(Protocol):
    """An organization's webhooks: reads with their version, compare-and-set changes."""

    async def read_for(self, org_id: str, webhook_id: str) -> Versioned[WebhookRecord] | None:
        """The webhook with its version if it belongs to ``org_id`` (None otherwise)."""
        ...

    async def list_for(self, org_id: str) -> list[WebhookRecord]:
        """The organization's webhooks, newest first."""
        ...

    async def reserve(self, org_id: str, webhook_id: str, cap: int) -> bool:
        """Hold a place for a new webhook unless the organization has ``cap`` already."""
        ...

    async def release(self, org_id: str, webhook_id: str) -> None:
        """Drop a reservation (the saved webhook counts through the list from now on)."""
        ...

    async def create(self, webhook: WebhookRecord) -> None:
        """Write a new webhook durably."""
        ...

    async def change(self, webhook: WebhookRecord, version: int) -> None:
        """Write a change if the webhook is still at ``version`` (``LostRace`` otherwise)."""
        ...

    async def delete(self, webhook_id: str, version: int) -> None:
        """Delete if still at ``version`` (``LostRace`` otherwise)."""
        ...


class Redeliveries(Protocol):
    """The delivery queue as the management use cases see it."""

    async def event_name(self, event_id: str, org_id: str) -> str | None:
        """The name of a kept event of ``org_id`` (None when unknown or another org's)."""
        ...

    async def resend(self, webhook_id: str, event_id: str, org_id: str, due_ms: int) -> str | None:
        """Schedule the event to the webhook again from attempt 1; the delivery id, or None
        when the event is no longer kept."""
        ...

    async def reset_health(self, webhook_id: str) -> None:
        """Forget the webhook's failure streak."""
        ...


class UrlVetting(Protocol):
    """The registration-time SSRF check of a webhook URL."""

    async def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be registered, or None."""
        ...
