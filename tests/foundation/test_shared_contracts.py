"""Unit specifications of the shared library's pure parts."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel, ConfigDict, Field

from connect_shared.auth import bearer_secret, generate_secret, hash_secret, principal_from_lookup
from connect_shared.errors import BadRequest, Unprocessable
from connect_shared.events import build_event
from connect_shared.ids import derived_id, has_prefix, new_id
from connect_shared.inflection import inflect_keys, kebab_keys
from connect_shared.jsonapi import parse_attributes, split_document

pytestmark = pytest.mark.unit


def test_new_ids_have_the_prefix_and_a_long_random_base62_suffix() -> None:
    first, second = new_id("cnst_"), new_id("cnst_")
    assert re.fullmatch(r"cnst_[A-Za-z0-9]{24}", first)
    assert first != second


def test_derived_ids_are_stable_for_the_same_parts_and_differ_otherwise() -> None:
    assert derived_id("evt_", "a", "b") == derived_id("evt_", "a", "b")
    assert derived_id("evt_", "a", "b") != derived_id("evt_", "ab", "")
    assert re.fullmatch(r"evt_[A-Za-z0-9]{24}", derived_id("evt_", "x"))


def test_prefix_check_refuses_foreign_prefixes_and_empty_suffixes() -> None:
    assert has_prefix("inq_abc", "inq_", "act_")
    assert not has_prefix("foo_abc", "inq_", "act_")
    assert not has_prefix("inq_", "inq_")
    assert not has_prefix("inq_a-b", "inq_")


def test_key_inflection_rewrites_contract_member_names_but_not_inside_fields() -> None:
    doc = {"data": {"attributes": {"expires-at": 1, "fields": {"name-first": "A", "DOB": 2}}}}
    assert inflect_keys(doc, "camel") == {
        "data": {"attributes": {"expiresAt": 1, "fields": {"name-first": "A", "DOB": 2}}}
    }
    snake = inflect_keys(doc, "snake")["data"]["attributes"]
    assert snake["expires_at"] == 1
    assert snake["fields"] == {"name-first": "A", "DOB": 2}
    assert inflect_keys(doc, "kebab") is doc


def test_request_keys_in_any_inflection_normalise_to_kebab() -> None:
    assert kebab_keys({"connectionId": 1, "source_id": 2, "expires-in-seconds": 3}) == {
        "connection-id": 1,
        "source-id": 2,
        "expires-in-seconds": 3,
    }


def test_request_user_data_keys_are_kept_exactly_as_sent() -> None:
    body = {"data": {"attributes": {"referenceId": "r", "fields": {"name_first": 1, "DOB": 2}}}}
    assert kebab_keys(body) == {
        "data": {"attributes": {"reference-id": "r", "fields": {"name_first": 1, "DOB": 2}}}
    }


def test_document_shape_errors_are_400_with_a_pointer() -> None:
    with pytest.raises(BadRequest) as missing_object:
        split_document([1, 2])
    assert missing_object.value.status == 400
    with pytest.raises(BadRequest) as extra_member:
        split_document({"data": {"attributes": {}, "bogus": 1}})
    assert extra_member.value.pointer == "/data/bogus"
    assert split_document({"data": {"attributes": {"a": 1}}, "meta": {"m": 2}}) == (
        {"a": 1},
        {"m": 2},
    )


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    expires_in_seconds: int = Field(3600, ge=60, le=100, alias="expires-in-seconds")


def test_unknown_attribute_is_400_and_out_of_range_is_422_both_pointing_at_it() -> None:
    with pytest.raises(BadRequest) as unknown:
        parse_attributes(_Sample, {"colour": "red"})
    assert unknown.value.pointer == "/data/attributes/colour"
    with pytest.raises(Unprocessable) as out_of_range:
        parse_attributes(_Sample, {"expires-in-seconds": 30})
    assert out_of_range.value.status == 422
    assert out_of_range.value.pointer == "/data/attributes/expires-in-seconds"


def test_api_keys_are_stored_as_sha256_and_bearer_parsing_is_strict() -> None:
    secret = generate_secret()
    assert hash_secret(secret) != secret
    assert len(hash_secret(secret)) == 64
    assert bearer_secret(f"Bearer {secret}") == secret
    assert bearer_secret(f"bearer {secret}") == secret
    assert bearer_secret(f"Basic {secret}") is None
    assert bearer_secret("Bearer ") is None
    assert bearer_secret(None) is None
    assert principal_from_lookup(b"api_1 org_2") is not None
    assert principal_from_lookup(b"garbage") is None


def test_events_carry_the_contract_envelope_and_derived_ids_repeat() -> None:
    first = build_event(
        "connect/share-token.inbound-created",
        "org_1",
        {"id": "cnst_1"},
        idempotency_parts=("cnst_1",),
    )
    again = build_event(
        "connect/share-token.inbound-created",
        "org_1",
        {"id": "cnst_1"},
        idempotency_parts=("cnst_1",),
    )
    other_org = build_event(
        "connect/share-token.inbound-created",
        "org_2",
        {"id": "cnst_1"},
        idempotency_parts=("cnst_1",),
    )
    wire = first.to_wire()
    assert wire["data"]["type"] == "event"
    assert wire["data"]["attributes"]["organization-id"] == "org_1"
    assert wire["data"]["attributes"]["payload"] == {"data": {"id": "cnst_1"}, "included": []}
    assert first.id == again.id != other_org.id
