"""Persona's shapes from Connect's resources, without I/O."""

from __future__ import annotations

from connect_shared import jsonutil
from connect_shared.persona.documents import apply_fieldsets, persona_document, relink
from connect_shared.persona.errors import persona_errors
from connect_shared.persona.events import event_body
from connect_shared.persona.shapes import expired_at, persona_type, share_token
from tests.persona.spec import ERROR_MEMBERS, assert_event, assert_share_token

TOKEN = {
    "type": "connect/share-token",
    "id": "cnst_1",
    "attributes": {
        "status": "redeemed",
        "direction": "inbound",
        "created-at": "2026-01-01T00:00:00.000Z",
        "updated-at": "2026-01-01T00:05:00.000Z",
        "expires-at": "2026-01-15T00:00:00.000Z",
        "pending-at": "2026-01-01T00:04:00.000Z",
        "redeemed-at": "2026-01-01T00:05:00.000Z",
        "failed-at": None,
        "failure-reason": None,
        "redeem-mode": "clone",
        "connection-id": "cxn_1",
        "source-organization-id": "org_s",
        "destination-organization-id": "org_d",
    },
    "relationships": {
        "connection": {"data": {"type": "connect/connection", "id": "cxn_1"}},
        "source": {"data": {"type": "transaction", "id": "txn_1"}},
        "destination": {"data": {"type": "transaction", "id": "txn_2"}},
    },
}


def test_share_token_moves_connect_members_out_and_renames_types() -> None:
    body, extra = share_token(TOKEN)
    assert_share_token(body)
    assert body["attributes"]["source-id"] == "txn_1"
    assert body["attributes"]["destination-id"] == "txn_2"
    assert body["relationships"]["source"]["data"]["type"] == "txn"
    assert "creator" not in body["relationships"]  # a token older than creators
    assert body["attributes"]["direction"] == "inbound"
    assert set(extra) == {
        "connection-id",
        "source-organization-id",
        "destination-organization-id",
    }


def test_persona_type_of_verifications_is_verification() -> None:
    assert persona_type("verification/government-id") == "verification"
    assert persona_type("inquiry") == "inquiry"


def test_expired_at_of_a_token_the_sweeper_has_not_seen_is_expires_at() -> None:
    attributes = {
        "status": "expired",
        "created-at": "2026-01-01T00:00:00.000Z",
        "updated-at": "2026-01-01T00:00:00.000Z",
        "expires-at": "2026-01-01T01:00:00.000Z",
    }
    assert expired_at(attributes) == "2026-01-01T01:00:00.000Z"
    expired_early = {**attributes, "updated-at": "2026-01-01T00:30:00.000Z"}
    assert expired_at(expired_early) == "2026-01-01T00:30:00.000Z"
    assert expired_at({**attributes, "status": "created"}) is None


def test_error_items_keep_only_the_members_of_their_status() -> None:
    connect = {
        "errors": [
            {
                "status": "422",
                "title": "Unprocessable entity",
                "details": "bad",
                "meta": {"x": 1},
                "source": {"pointer": "/data/attributes/x"},
            }
        ]
    }
    for status, members in ERROR_MEMBERS.items():
        (item,) = persona_errors(connect, status)["errors"]
        assert set(item) <= members
        assert "status" not in item


def test_documents_drop_connect_meta_unless_asked() -> None:
    doc = {"data": TOKEN, "meta": {"note": 1}}
    assert set(persona_document(doc, 200, connect_meta=False)) == {"data"}
    asked = persona_document(doc, 200, connect_meta=True)
    assert asked["meta"]["connect"]["document"] == {"note": 1}
    assert asked["meta"]["connect"]["cnst_1"]["connection-id"] == "cxn_1"


def test_relink_encodes_brackets_and_keeps_document_parameters() -> None:
    doc = {"data": [], "links": {"prev": None, "next": "/api/v1/x?page[after]=a"}}
    encoded = relink(doc, {"fields[t]": "a"}, encode_brackets=True)
    assert encoded["links"]["next"] == "/api/v1/x?page%5Bafter%5D=a&fields%5Bt%5D=a"
    plain = relink(doc, {"include": "source"}, encode_brackets=False)
    assert plain["links"]["next"] == "/api/v1/x?page[after]=a&include=source"


def test_fieldsets_narrow_attributes_and_relationships() -> None:
    narrowed = apply_fieldsets({"data": TOKEN}, {"connect/share-token": {"status", "source"}})
    assert narrowed["data"]["attributes"] == {"status": "redeemed"}
    assert set(narrowed["data"]["relationships"]) == {"source"}


def test_event_body_for_a_persona_webhook_drops_organization_and_included() -> None:
    wire = {
        "data": {
            "type": "event",
            "id": "evt_1",
            "attributes": {
                "name": "connect/share-token.inbound-redeemed",
                "organization-id": "org_d",
                "created-at": "2026-01-01T00:05:00.000Z",
                "payload": {"data": TOKEN, "included": []},
            },
        }
    }
    raw = jsonutil.dumps(wire)
    assert event_body(raw, None, "kebab") is raw
    persona = jsonutil.loads(event_body(raw, "2025-12-08", "kebab"))
    assert_event(persona["data"])
    assert_share_token(persona["data"]["attributes"]["payload"]["data"])
    camel = jsonutil.loads(event_body(raw, None, "camel"))
    assert camel["data"]["attributes"]["organizationId"] == "org_d"


def test_capped_page_size_serves_at_most_the_maximum() -> None:
    from connect_shared.pagination import parse_page_size

    assert parse_page_size({"page[size]": "500"}, capped=True) == 100
    assert parse_page_size({"page[size]": "0042"}, capped=True) == 42
    assert parse_page_size({"page[size]": "9" * 5000}, capped=True) == 100
    assert parse_page_size({}, capped=True) == 10
