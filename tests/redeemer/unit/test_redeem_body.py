"""The redeem body: optional, clone or hydrate, strict about shape, 422 for bad values."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import InvalidValue
from connect_shared.errors import BadRequest, Unprocessable
from connect_shared.jsonapi import split_document
from redeemer.adapters.http.requests import parse_redeem
from redeemer.domain.commands import RedeemCommand, check_destination_fits
from tests.redeemer.unit.builders import token

pytestmark = pytest.mark.unit


def parse(body: object) -> RedeemCommand:
    return parse_redeem(*split_document(body))


def test_no_body_means_clone() -> None:
    command = parse_redeem(*split_document(None))
    assert command.mode == "clone"
    assert command.destination_id is None
    assert command.field_mappings == ()


def test_destination_id_means_hydrate_with_mappings() -> None:
    body = {
        "data": {"attributes": {"destination-id": "inq_abc123"}},
        "meta": {
            "field-mappings": [
                {"source-field-name": "name-first", "destination-field-name": "given-name"}
            ]
        },
    }
    command = parse_redeem(*split_document(body))
    assert command.mode == "hydrate"
    assert command.destination_id == "inq_abc123"
    assert command.field_mappings[0].destination_field_name == "given-name"


def test_camel_case_keys_are_accepted() -> None:
    body = {
        "data": {"attributes": {"destinationId": "inq_abc"}},
        "meta": {"fieldMappings": [{"sourceFieldName": "a", "destinationFieldName": "b"}]},
    }
    command = parse_redeem(*split_document(body))
    assert command.destination_id == "inq_abc"
    assert command.field_mappings[0].source_field_name == "a"


def test_unknown_attribute_is_400() -> None:
    with pytest.raises(BadRequest) as caught:
        parse({"data": {"attributes": {"colour": "red"}}})
    assert caught.value.pointer == "/data/attributes/colour"


def test_destination_id_of_wrong_type_is_400() -> None:
    with pytest.raises(BadRequest):
        parse({"data": {"attributes": {"destination-id": 5}}})


@pytest.mark.parametrize("value", ["org_abc", "inq_", "abc", "inq_a-b", "cnst_abc"])
def test_destination_id_with_a_bad_prefix_is_422(value: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        parse({"data": {"attributes": {"destination-id": value}}})
    assert caught.value.pointer == "/data/attributes/destination-id"


M = "/meta/field-mappings"


def mapping(source: object = "a", destination: object = "b", **extra: object) -> dict[str, object]:
    return {"source-field-name": source, "destination-field-name": destination, **extra}


@pytest.mark.parametrize(
    ("mappings", "error", "pointer"),
    [
        ("name", BadRequest, M),
        (["name"], BadRequest, f"{M}/0"),
        ([{"source-field-name": "a"}], Unprocessable, f"{M}/0/destination-field-name"),
        ([mapping(source=1)], BadRequest, f"{M}/0/source-field-name"),
        ([mapping(source="")], Unprocessable, f"{M}/0/source-field-name"),
        ([mapping(x=1)], BadRequest, f"{M}/0/x"),
        ([mapping(), mapping(destination="c")], Unprocessable, f"{M}/1/source-field-name"),
    ],
)
def test_malformed_field_mappings_point_at_the_problem(
    mappings: object, error: type[Exception], pointer: str
) -> None:
    with pytest.raises(error) as caught:
        parse({"meta": {"field-mappings": mappings}})
    assert getattr(caught.value, "pointer", None) == pointer


def test_body_that_is_not_an_object_is_400() -> None:
    with pytest.raises(BadRequest):
        parse([1, 2])


def test_destination_must_be_of_the_sources_collection() -> None:
    command = parse({"data": {"attributes": {"destination-id": "act_abc"}}})
    with pytest.raises(InvalidValue) as refused:
        check_destination_fits(command, token())
    assert refused.value.field == "destination-id"
    same = parse({"data": {"attributes": {"destination-id": "inq_abc"}}})
    check_destination_fits(same, token())
