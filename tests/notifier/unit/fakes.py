"""In-memory fakes of the notifier's ports (``notifier.ports``) for the use cases' unit tests;
``tests/notifier/integration/test_port_contracts.py`` holds them to the real stores."""

from __future__ import annotations

from dataclasses import dataclass, field

from connect_shared.domain_errors import StoreUnavailable
from connect_shared.state_record import Versioned
from connect_shared.versioned import DELETED, LostRace
from notifier.domain.webhooks import WebhookRecord


@dataclass
class FakeWebhooks:
    """Webhooks by id with a version each; a deleted one keeps its version (as the view does)."""

    records: dict[str, WebhookRecord | None] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    reserved: dict[str, set[str]] = field(default_factory=dict)
    unavailable: bool = False
    _offset: int = 0

    def _write(self, webhook_id: str, webhook: WebhookRecord | None) -> None:
        if self.unavailable:
            raise StoreUnavailable("Kafka did not acknowledge the write; nothing was stored.")
        self._offset += 1
        self.records[webhook_id] = webhook
        self.versions[webhook_id] = self._offset

    async def read_for(self, org_id: str, webhook_id: str) -> Versioned[WebhookRecord] | None:
        found = self.records.get(webhook_id)
        if found is None or found.organization_id != org_id:
            return None
        return Versioned(found, self.versions[webhook_id])

    async def list_for(self, org_id: str) -> list[WebhookRecord]:
        mine = [w for w in self.records.values() if w is not None and w.organization_id == org_id]
        return sorted(mine, key=lambda w: (w.created_at, w.id), reverse=True)

    async def reserve(self, org_id: str, webhook_id: str, cap: int) -> bool:
        held = self.reserved.setdefault(org_id, set())
        if len(await self.list_for(org_id)) + len(held) >= cap:
            return False
        held.add(webhook_id)
        return True

    async def release(self, org_id: str, webhook_id: str) -> None:
        self.reserved.get(org_id, set()).discard(webhook_id)

    async def create(self, webhook: WebhookRecord) -> None:
        self._write(webhook.id, webhook)

    def _check(self, webhook_id: str, version: int) -> None:
        if self.versions.get(webhook_id) != version:
            current = self.records.get(webhook_id)
            raise LostRace("webhook", DELETED if current is None else current.status)

    async def change(self, webhook: WebhookRecord, version: int) -> None:
        self._check(webhook.id, version)
        self._write(webhook.id, webhook)

    async def delete(self, webhook_id: str, version: int) -> None:
        self._check(webhook_id, version)
        self._write(webhook_id, None)


@dataclass
class FakeRedeliveries:
    """Kept events by id (organization, name), resends and failure streaks."""

    events: dict[str, tuple[str, str]] = field(default_factory=dict)
    resent: list[tuple[str, str, int]] = field(default_factory=list)
    streaks: set[str] = field(default_factory=set)

    async def event_name(self, event_id: str, org_id: str) -> str | None:
        found = self.events.get(event_id)
        return found[1] if found is not None and found[0] == org_id else None

    async def resend(self, webhook_id: str, event_id: str, org_id: str, due_ms: int) -> str | None:
        if await self.event_name(event_id, org_id) is None:
            return None
        self.resent.append((webhook_id, event_id, due_ms))
        return f"dlv_{webhook_id}_{event_id}"

    async def reset_health(self, webhook_id: str) -> None:
        self.streaks.discard(webhook_id)


@dataclass
class FakeVetting:
    """Refuses the URLs it was told to, with their reason."""

    refused: dict[str, str] = field(default_factory=dict)

    async def refusal(self, url: str) -> str | None:
        return self.refused.get(url)
