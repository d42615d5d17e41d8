"""The redeem request body (contract 2.3), validated without I/O.

Shape errors (unknown attribute, wrong JSON type) are 400; well-formed but invalid values are
422 with a pointer. Checks that need the token are domain rules
(:func:`redeemer.domain.commands.check_destination_fits`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from connect_shared.errors import BadRequest, Unprocessable
from connect_shared.ids import has_prefix
from connect_shared.jsonapi import parse_attributes
from connect_shared.records import COLLECTION_BY_PREFIX
from connect_shared.redemptions import FieldMapping
from redeemer.domain.commands import RedeemCommand

MAX_FIELD_MAPPINGS = 200
_POINTER = "/data/attributes/destination-id"


class RedeemAttributes(BaseModel):
    """``data.attributes`` of a redeem: ``destination-id`` to hydrate, omitted to clone."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    destination_id: str | None = Field(None, alias="destination-id")


def parse_redeem(attributes: dict[str, Any], meta: dict[str, Any]) -> RedeemCommand:
    """Validate the (kebab-cased) attributes and meta of a redeem body."""
    parsed = parse_attributes(RedeemAttributes, attributes)
    destination_id = parsed.destination_id
    if destination_id is not None and not has_prefix(destination_id, *COLLECTION_BY_PREFIX):
        raise Unprocessable(
            "'destination-id' must be an inquiry, account, transaction or verification id "
            f"({', '.join(COLLECTION_BY_PREFIX)}).",
            pointer=_POINTER,
        )
    return RedeemCommand(destination_id, _parse_mappings(meta.get("field-mappings")))


def _parse_mappings(raw: Any) -> tuple[FieldMapping, ...]:
    pointer = "/meta/field-mappings"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise BadRequest("'field-mappings' must be a list.", pointer=pointer)
    if len(raw) > MAX_FIELD_MAPPINGS:
        raise Unprocessable(f"At most {MAX_FIELD_MAPPINGS} field mappings.", pointer=pointer)
    mappings: list[FieldMapping] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        mappings.append(_parse_mapping(item, f"{pointer}/{index}"))
        name = mappings[-1].source_field_name
        if name in seen:
            raise Unprocessable(
                f"Source field '{name}' is mapped twice.",
                pointer=f"{pointer}/{index}/source-field-name",
            )
        seen.add(name)
    return tuple(mappings)


def _parse_mapping(item: Any, pointer: str) -> FieldMapping:
    if not isinstance(item, dict):
        raise BadRequest("A field mapping must be an object.", pointer=pointer)
    unknown = sorted(set(item) - {"source-field-name", "destination-field-name"})
    if unknown:
        raise BadRequest(f"Unknown member '{unknown[0]}'.", pointer=f"{pointer}/{unknown[0]}")
    values: dict[str, str] = {}
    for name in ("source-field-name", "destination-field-name"):
        value = item.get(name)
        if value is None:
            raise Unprocessable(f"'{name}' is required.", pointer=f"{pointer}/{name}")
        if not isinstance(value, str):
            raise BadRequest(f"'{name}' must be a string.", pointer=f"{pointer}/{name}")
        if not 1 <= len(value) <= 200:
            raise Unprocessable(f"'{name}' is 1 to 200 characters.", pointer=f"{pointer}/{name}")
        values[name] = value
    return FieldMapping(
        source_field_name=values["source-field-name"],
        destination_field_name=values["destination-field-name"],
    )
