"""One event on its way to one webhook: its id, its attempt headers and its log entries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from connect_shared.clock import iso
from connect_shared.ids import derived_id
from connect_shared.persona.events import event_body
from notifier.domain.signing import signature_headers
from notifier.domain.webhooks import WebhookRecord


def delivery_id(webhook_id: str, event_id: str) -> str:
    """Fixed by (webhook, event): scheduling the same pair twice is one delivery."""
    return derived_id("dlv_", webhook_id, event_id)


@dataclass(frozen=True)
class ClaimedDelivery:
    """A due delivery this process holds a lease on."""

    id: str
    webhook_id: str
    event_id: str
    event_name: str
    attempts_made: int
    first_attempted_at: int | None
    lease: str
    body: bytes

    @property
    def attempt_number(self) -> int:
        """The number of the attempt about to be made (1-based)."""
        return self.attempts_made + 1


def for_webhook(delivery: ClaimedDelivery, webhook: WebhookRecord) -> ClaimedDelivery:
    """``delivery`` with the body ``webhook`` receives: the event in the shape of its
    ``api-version`` (Persona's event shape for a Persona version) and its key inflection."""
    body = event_body(delivery.body, webhook.api_version, webhook.api_key_inflection)
    return delivery if body is delivery.body else replace(delivery, body=body)


def attempt_headers(
    webhook: WebhookRecord,
    delivery: ClaimedDelivery,
    total_attempts: int,
    now_s: int,
) -> dict[str, str]:
    """Every header of one attempt: content type, attempt counters and the signature."""
    number = delivery.attempt_number
    first = delivery.first_attempted_at or now_s
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Connect-Webhooks/1.0",
        "Persona-Webhook-Attempts-Made": str(number),
        "Persona-Webhook-Attempts-Left": str(max(0, total_attempts - number)),
        "Persona-Webhook-First-Attempted-At": str(first),
    }
    headers.update(
        signature_headers(
            webhook.signature_format,
            webhook.live_secrets(now_s * 1000),
            delivery.event_id,
            now_s,
            delivery.body,
        )
    )
    return headers


def attempt_entry(
    delivery: ClaimedDelivery,
    *,
    result: str,
    at: datetime,
    total_attempts: int,
    status_code: int | None = None,
    duration_ms: float | None = None,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
    attempt_number: int | None = None,
) -> dict[str, Any]:
    """One attempt-log entry. ``result``: delivered, retrying, dead-lettered (the schedule is
    spent, or the endpoint is gone / the webhook disabled), or the like."""
    number = delivery.attempt_number if attempt_number is None else attempt_number
    return {
        "event-id": delivery.event_id,
        "event-name": delivery.event_name,
        "delivery-id": delivery.id,
        "attempt-number": number,
        "attempts-left": max(0, total_attempts - number),
        "status-code": status_code,
        "duration-ms": duration_ms,
        "error": error,
        "result": result,
        "dead-letter": result == "dead-lettered",
        "next-attempt-at": iso(next_attempt_at) if next_attempt_at else None,
        "created-at": iso(at),
    }
