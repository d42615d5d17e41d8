"""Validating ``connect.source-events`` messages without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connect_shared import jsonutil
from connect_shared.records import SourceObjectRecord
from issuer.domain.source_events import (
    MalformedSourceEvent,
    parse_source_event,
    upserted,
    verification_ids,
)

pytestmark = pytest.mark.unit


def message(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "inquiry.completed",
        "organization-id": "org_1",
        "created-at": "2026-01-02T03:04:05.000Z",
        "payload": {
            "data": {
                "type": "inquiry",
                "id": "inq_1",
                "attributes": {"status": "completed", "fields": {"a": 1}, "extra": "kept out"},
                "relationships": {"verifications": {"data": [{"type": "x", "id": "ver_1"}]}},
            },
            "included": [{"type": "verification/selfie", "id": "ver_2", "attributes": {}}],
        },
    }
    base.update(overrides)
    return base


def test_valid_message_parses_and_lists_verifications() -> None:
    event = parse_source_event(jsonutil.dumps(message()))
    assert event.object.id == "inq_1"
    assert verification_ids(event) == ["ver_1", "ver_2"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"{", "not JSON"),
        (jsonutil.dumps(message(name="inquiry.exploded")), "name"),
        (jsonutil.dumps(message(name="account.created")), "does not match"),
        (jsonutil.dumps(message(**{"organization-id": "acme"})), "organization-id"),
        (jsonutil.dumps(message(**{"created-at": "yesterday"})), "created-at"),
    ],
)
def test_malformed_messages_name_their_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedSourceEvent) as refused:
        parse_source_event(raw)
    assert reason in str(refused.value)


def test_unknown_inquiry_status_is_malformed() -> None:
    bad = message()
    bad["payload"]["data"]["attributes"]["status"] = "archived"
    with pytest.raises(MalformedSourceEvent):
        parse_source_event(jsonutil.dumps(bad))


def test_verification_type_needs_a_kind() -> None:
    bad = message()
    bad["payload"]["included"][0]["type"] = "verification"
    with pytest.raises(MalformedSourceEvent):
        parse_source_event(jsonutil.dumps(bad))


def test_redaction_keeps_creation_time_and_clears_fields_for_good() -> None:
    event = parse_source_event(jsonutil.dumps(message()))
    at = datetime(2026, 2, 1, tzinfo=UTC)
    existing = SourceObjectRecord(
        id="inq_1",
        organization_id="org_1",
        type="inquiry",
        created_at="2025-01-01T00:00:00.000Z",
        updated_at="2025-01-01T00:00:00.000Z",
    )
    redacted = upserted(event.object, "org_1", existing, at, redact=True)
    assert redacted.redacted and redacted.fields == {}
    assert redacted.created_at == existing.created_at
    later = upserted(event.object, "org_1", redacted, at, redact=False)
    assert later.redacted and later.fields == {}
