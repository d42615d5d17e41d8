"""Unit specifications of how the shared library keeps user data intact (contract section 2,
"User data is data"): member-name inflection stops at user data, integers of any size survive
a round trip, hostile documents are refused with a pointer, list parameters are checked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from multidict import MultiDict, MultiDictProxy

from connect_shared import jsonutil
from connect_shared.errors import BadRequest
from connect_shared.http.query import choice, flag, id_parameter, query_parameters
from connect_shared.inflection import USER_DATA_MEMBERS, inflect_keys, kebab_keys
from connect_shared.jsonapi import split_document
from connect_shared.pagination import parse_page_request, parse_page_size
from connect_shared.workflows import WorkflowTrigger, trigger_matches

pytestmark = pytest.mark.unit

BIG = 123456789012345678901234567890


def nested(depth: int) -> Any:
    """A value of exactly ``depth`` nested containers (``{"a": {"a": ... {}}}``)."""
    value: Any = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


# --- inflection ----------------------------------------------------------------------------


@pytest.mark.parametrize("member", sorted(USER_DATA_MEMBERS))
@pytest.mark.parametrize("style", ["camel", "snake"])
def test_response_inflection_leaves_every_user_data_member_untouched(
    member: str, style: Any
) -> None:
    user_data = {"name_first": 1, "name-first": 2, "DOB": {"inner-key": 3}}
    out = inflect_keys({"data": {"attributes": {member: user_data}}}, style)
    (name,) = out["data"]["attributes"]
    assert out["data"]["attributes"][name] == user_data
    assert "-" not in name


def test_response_inflection_descends_into_provenance_and_event_payloads() -> None:
    event = {
        "payload": {
            "data": {
                "attributes": {
                    "fields": {"ssn-last-4": "1"},
                    "provenance": {"share-token-id": "cnst_1", "present-fields": ["ssn-x"]},
                }
            }
        }
    }
    attributes = inflect_keys(event, "camel")["payload"]["data"]["attributes"]
    assert attributes["fields"] == {"ssn-last-4": "1"}
    assert attributes["provenance"] == {"shareTokenId": "cnst_1", "presentFields": ["ssn-x"]}


def test_request_user_data_members_in_any_inflection_keep_their_contents() -> None:
    body = {"sharingSettings": {"name_first": "none", "DOB": "presence"}, "filter": {"A_b": 1}}
    assert kebab_keys(body) == {
        "sharing-settings": {"name_first": "none", "DOB": "presence"},
        "filter": {"A_b": 1},
    }


def test_field_mapping_member_names_are_inflected_and_their_values_kept() -> None:
    meta = {"fieldMappings": [{"sourceFieldName": "name_first", "destination_field_name": "DOB"}]}
    assert kebab_keys(meta) == {
        "field-mappings": [{"source-field-name": "name_first", "destination-field-name": "DOB"}]
    }


def test_a_member_given_twice_in_two_inflections_is_400_pointing_at_it() -> None:
    with pytest.raises(BadRequest) as twice:
        split_document({"data": {"attributes": {"reference_id": "a", "reference-id": "b"}}})
    assert twice.value.pointer == "/data/attributes/reference-id"


def test_fields_with_keys_equal_after_kebab_casing_are_both_kept() -> None:
    attributes, _ = split_document(
        {"data": {"attributes": {"fields": {"name_first": "A", "name-first": "B"}}}}
    )
    assert attributes == {"fields": {"name_first": "A", "name-first": "B"}}


# --- integers and depth ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [BIG, -BIG, 2**64, -(2**63) - 1, 2**63, 10**4299])
def test_integers_of_any_size_round_trip_exactly(number: int) -> None:
    raw = jsonutil.dumps({"n": number, "list": [number]})
    assert raw == json.dumps({"n": number, "list": [number]}, separators=(",", ":")).encode()
    assert jsonutil.loads(raw) == {"n": number, "list": [number]}
    assert jsonutil.loads(raw.decode()) == {"n": number, "list": [number]}
    assert jsonutil.loads_untrusted(raw) == {"n": number, "list": [number]}
    assert jsonutil.canonical({"z": number, "a": 1}) == f'{{"a":1,"z":{number}}}'.encode()


def test_long_digit_runs_inside_strings_and_floats_parse_as_before() -> None:
    raw = b'{"s":"12345678901234567890123","f":1.5,"e":1e3,"t":true}'
    assert jsonutil.loads(raw) == {"s": "12345678901234567890123", "f": 1.5, "e": 1000.0, "t": True}


def test_an_integer_longer_than_the_limit_is_refused_naming_where_it_is() -> None:
    raw = b'{"data":{"attributes":{"fields":{"n/x":[1,' + b"9" * 4301 + b"]}}}}"
    with pytest.raises(jsonutil.JsonRejected) as refused:
        jsonutil.loads_untrusted(raw)
    assert refused.value.pointer == "/data/attributes/fields/n~1x/1"


def test_documents_up_to_the_depth_limit_parse_and_deeper_ones_are_refused() -> None:
    assert jsonutil.loads_untrusted(jsonutil.dumps(nested(32))) == nested(32)
    with pytest.raises(jsonutil.JsonRejected) as too_deep:
        jsonutil.loads_untrusted(jsonutil.dumps(nested(33)))
    assert too_deep.value.pointer == "/a" * 32
    assert jsonutil.loads_untrusted(jsonutil.dumps([nested(32)]), max_depth=33)


def test_arrays_count_towards_depth_and_brackets_in_strings_do_not() -> None:
    assert jsonutil.loads_untrusted(json.dumps({"s": "[" * 100}).encode()) == {"s": "[" * 100}
    deep_list = "[" * 33 + "]" * 33
    with pytest.raises(jsonutil.JsonRejected):
        jsonutil.loads_untrusted(deep_list)


def test_a_document_beyond_the_parsers_own_limit_is_refused_as_too_deep() -> None:
    with pytest.raises(jsonutil.JsonRejected) as refused:
        jsonutil.loads_untrusted(b"[" * 5000 + b"]" * 5000)
    assert "deeper than 32" in str(refused.value)


def test_invalid_json_is_a_plain_value_error() -> None:
    with pytest.raises(ValueError) as invalid:
        jsonutil.loads_untrusted(b'{"a":')
    assert not isinstance(invalid.value, jsonutil.JsonRejected)


# --- query parameters ------------------------------------------------------------------------


def query(*pairs: tuple[str, str]) -> MultiDictProxy[str]:
    return MultiDictProxy(MultiDict(pairs))


def parameter_of(error: pytest.ExceptionInfo[BadRequest]) -> Any:
    assert error.value.status == 400
    return error.value.meta["parameter"]


def test_unknown_and_repeated_query_parameters_are_400_naming_them() -> None:
    allowed = ("page[size]", "filter[status]")
    assert query_parameters(query(("page[size]", "5")), allowed) == {"page[size]": "5"}
    with pytest.raises(BadRequest) as unknown:
        query_parameters(query(("page[number]", "2")), allowed)
    assert parameter_of(unknown) == "page[number]"
    with pytest.raises(BadRequest) as repeated:
        query_parameters(query(("page[size]", "5"), ("page[size]", "6")), allowed)
    assert parameter_of(repeated) == "page[size]"
    with pytest.raises(BadRequest) as too_long:
        query_parameters(query(("filter[status]", "x" * 201)), allowed)
    assert parameter_of(too_long) == "filter[status]"


@pytest.mark.parametrize("bad", ["0", "101", "-1", "", "²", "1.5", "abc", "9" * 30, " 5"])
def test_page_size_must_be_an_ascii_integer_in_range(bad: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_page_size({"page[size]": bad})
    assert parameter_of(refused) == "page[size]"


@pytest.mark.parametrize("name", ["page[after]", "page[before]"])
@pytest.mark.parametrize("bad", ["", "²", "99999999999999999999999-1", "cnst_a/b", "x" * 120])
def test_cursors_must_be_item_ids(name: str, bad: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_page_request({name: bad})
    assert parameter_of(refused) == name


def test_filters_are_checked_choices_and_ids() -> None:
    assert choice({"filter[status]": "created"}, "filter[status]", ("created",)) == "created"
    with pytest.raises(BadRequest) as unknown_choice:
        choice({"filter[status]": "nope"}, "filter[status]", ("created",))
    assert parameter_of(unknown_choice) == "filter[status]"
    assert id_parameter({"f": "cxn_abc"}, "f", "cxn_") == "cxn_abc"
    for bad in ("", "cxn_", "org_abc", "cxn_a b", "cxn_\x00"):
        with pytest.raises(BadRequest):
            id_parameter({"f": bad}, "f", "cxn_")
    assert flag({}, "peek") is False
    with pytest.raises(BadRequest):
        flag({"peek": "yes"}, "peek")


# --- workflow filters ------------------------------------------------------------------------


def test_workflow_filters_match_attributes_whatever_inflection_their_keys_use() -> None:
    obj = {"id": "cnst_1", "attributes": {"connection-id": "cxn_1", "status": "created"}}
    for key in ("connection-id", "connection_id", "connectionId"):
        trigger = WorkflowTrigger(event="e", filter={key: "cxn_1"})
        assert trigger_matches(trigger, "e", obj), key
    assert not trigger_matches(WorkflowTrigger(event="e", filter={"connection_id": "x"}), "e", obj)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"n":1' + b"0" * 20 + b',"x":NaN}',
        b'{"n":1' + b"0" * 20 + b',"x":1e400}',
        b'{"n":1' + b"0" * 20 + b',"x":"\\ud800"}',
        b'{"n":1' + b"0" * 20 + b",}",
    ],
)
def test_the_exact_parser_refuses_what_orjson_refuses(raw: bytes) -> None:
    with pytest.raises(ValueError) as refused:
        jsonutil.loads_untrusted(raw)
    assert not isinstance(refused.value, jsonutil.JsonRejected)
