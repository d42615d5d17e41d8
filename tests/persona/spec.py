"""Facts of Persona's published API, version 2025-12-08 (``persona-id/persona-openapi``,
folder ``2025-12-08``), written down as the compatibility suite checks them. Each set names
exactly the members Persona's schema declares (its objects allow no additional properties).
"""

from __future__ import annotations

import re
from typing import Any

VERSION = "2025-12-08"
HEADERS = {"Persona-Version": VERSION}

# components/schemas/connect-share-token.yaml, with the members its list example
# (components/examples/connect-share-token-list.yaml) shows: the caller's side and the outcome.
SHARE_TOKEN_ATTRIBUTES = {
    "status",
    "direction",
    "failed-at",
    "failure-reason",
    "redeem-mode",
    "source-id",
    "destination-id",
    "created-at",
    "updated-at",
    "pending-at",
    "redeemed-at",
    "expires-at",
    "expired-at",
}
SHARE_TOKEN_NULLABLE = {
    "destination-id",
    "pending-at",
    "redeemed-at",
    "expires-at",
    "expired-at",
    "failed-at",
    "failure-reason",
    "redeem-mode",
}
SHARE_TOKEN_DATES = {
    "failed-at",
    "created-at",
    "updated-at",
    "pending-at",
    "redeemed-at",
    "expires-at",
    "expired-at",
}
SHARE_TOKEN_RELATIONSHIPS = {"connection", "creator", "source", "destination"}
# components/schemas/source-data-base.yaml: required members of a peek.
SOURCE_DATA_MEMBERS = {"type", "id", "peekable-attributes"}

# components/schemas/connect-connection.yaml
CONNECTION_ATTRIBUTES = {
    "status",
    "destination-organization-id",
    "source-organization-id",
    "created-at",
    "updated-at",
}
CONNECTION_RELATIONSHIPS = {"creator"}

# components/schemas/webhook.yaml (plus ``secret`` in the create answer, webhook-with-secret)
WEBHOOK_ATTRIBUTES = {
    "status",
    "url",
    "name",
    "description",
    "api-version",
    "api-key-inflection",
    "api-attributes-blocklist",
    "file-access-token-expires-in",
    "enabled-events",
    "payload-filter",
    "included-allowlist",
    "created-at",
}

# components/schemas/event.yaml
EVENT_ATTRIBUTES = {"name", "payload", "created-at"}
EVENT_PAYLOAD_MEMBERS = {"data"}
EVENT_PAYLOAD_DATA_MEMBERS = {"type", "id", "attributes", "relationships"}

# components/responses/*: the members of one error item per status.
ERROR_MEMBERS = {
    400: {"title", "details", "meta"},
    401: {"title"},
    403: {"title", "details", "meta"},
    404: {"title", "details", "meta"},
    409: {"title", "details", "meta"},
    422: {"title", "details", "source"},
    429: {"title", "details"},
}

# Top-level members: one object (``data`` and an empty ``included``), a list (``data``, ``links``).
ONE_DOCUMENT = {"data", "included"}
CONNECTION_DOCUMENT = {"data"}
LIST_DOCUMENT = {"data", "links"}

# The headers of every documented 2xx answer (components/headers).
RESPONSE_HEADERS = (
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Request-Id",
    "Persona-Environment-Id",
    "Persona-Organization-Id",
)

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_date_time(value: Any) -> bool:
    """RFC 3339 ``date-time`` (``format: date-time``)."""
    return isinstance(value, str) and _DATE_TIME.match(value) is not None


def assert_identifier(relationship: Any, *, nullable: bool = False) -> None:
    """``{"data": {"type": str, "id": str}}`` with nothing else (``data`` null if allowed)."""
    assert set(relationship) == {"data"}, relationship
    data = relationship["data"]
    if data is None:
        assert nullable, relationship
        return
    assert set(data) == {"type", "id"}, data
    assert isinstance(data["type"], str) and isinstance(data["id"], str)


def assert_share_token(token: dict[str, Any]) -> None:
    """A share token exactly as ``connect-share-token.yaml`` declares it."""
    assert set(token) <= {"type", "id", "attributes", "relationships"}, set(token)
    assert token["type"] == "connect/share-token"
    assert isinstance(token["id"], str) and token["id"].startswith("cnst_")
    attributes = token["attributes"]
    extra = set(attributes) - SHARE_TOKEN_ATTRIBUTES - {"source-data"}
    assert not extra, extra
    assert isinstance(attributes["status"], str)
    for name in SHARE_TOKEN_DATES & set(attributes):
        value = attributes[name]
        assert is_date_time(value) or (value is None and name in SHARE_TOKEN_NULLABLE), name
    for name in ("source-id", "destination-id", "direction", "failure-reason", "redeem-mode"):
        if name in attributes:
            assert isinstance(attributes[name], str) or (
                attributes[name] is None and name in SHARE_TOKEN_NULLABLE
            )
    relationships = token.get("relationships", {})
    assert set(relationships) <= SHARE_TOKEN_RELATIONSHIPS, set(relationships)
    for name, relationship in relationships.items():
        assert_identifier(relationship, nullable=name == "destination")


def assert_connection(connection: dict[str, Any]) -> None:
    """A connection exactly as ``connect-connection.yaml`` declares it."""
    assert set(connection) <= {"type", "id", "attributes", "relationships"}, set(connection)
    assert connection["type"] == "connect/connection"
    assert connection["id"].startswith("cxn_")
    attributes = connection["attributes"]
    assert set(attributes) <= CONNECTION_ATTRIBUTES, set(attributes)
    for name in ("created-at", "updated-at"):
        assert is_date_time(attributes[name]), name
    for name in ("status", "destination-organization-id", "source-organization-id"):
        assert isinstance(attributes[name], str), name
    relationships = connection.get("relationships", {})
    assert set(relationships) <= CONNECTION_RELATIONSHIPS, set(relationships)
    for relationship in relationships.values():
        assert_identifier(relationship)


def assert_webhook(webhook: dict[str, Any], *, with_secret: bool = False) -> None:
    """A webhook exactly as ``webhook.yaml`` (or webhook-with-secret) declares it."""
    assert set(webhook) == {"type", "id", "attributes"}, set(webhook)
    assert webhook["type"] == "webhook" and webhook["id"].startswith("wbh_")
    attributes = webhook["attributes"]
    allowed = WEBHOOK_ATTRIBUTES | ({"secret"} if with_secret else set())
    assert set(attributes) <= allowed, set(attributes) - allowed
    assert isinstance(attributes["status"], str) and isinstance(attributes["url"], str)
    assert attributes["name"] is None or isinstance(attributes["name"], str)
    assert attributes["description"] is None or isinstance(attributes["description"], str)
    assert isinstance(attributes["api-key-inflection"], str)
    assert all(isinstance(e, str) for e in attributes["enabled-events"])
    assert attributes["payload-filter"] is None or isinstance(attributes["payload-filter"], dict)
    assert is_date_time(attributes["created-at"])


def assert_event(event: dict[str, Any]) -> None:
    """An event exactly as ``event.yaml`` declares it."""
    assert set(event) == {"type", "id", "attributes"}, set(event)
    assert event["type"] == "event" and event["id"].startswith("evt_")
    attributes = event["attributes"]
    assert set(attributes) == EVENT_ATTRIBUTES, set(attributes)
    assert isinstance(attributes["name"], str)
    assert is_date_time(attributes["created-at"])
    payload = attributes["payload"]
    assert set(payload) == EVENT_PAYLOAD_MEMBERS, set(payload)
    assert set(payload["data"]) <= EVENT_PAYLOAD_DATA_MEMBERS, set(payload["data"])
    assert isinstance(payload["data"]["type"], str) and isinstance(payload["data"]["id"], str)


def assert_error(body: dict[str, Any], status: int) -> dict[str, Any]:
    """An error document whose items carry only what Persona allows for ``status``; the
    first item."""
    assert set(body) == {"errors"}, set(body)
    assert body["errors"], body
    for item in body["errors"]:
        assert set(item) <= ERROR_MEMBERS[status], (status, set(item))
        assert isinstance(item["title"], str)
    first: dict[str, Any] = body["errors"][0]
    return first


def assert_headers(headers: dict[str, str], org_id: str) -> None:
    """Every header Persona's answers carry, with plausible values."""
    for name in RESPONSE_HEADERS:
        assert name in headers, name
    for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        assert headers[name].isdigit(), (name, headers[name])
    assert headers["Persona-Organization-Id"] == org_id
    assert headers["Persona-Environment-Id"].startswith("env_")
