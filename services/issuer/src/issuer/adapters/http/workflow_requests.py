"""Request attributes of ``/api/v1/workflows`` (unknown attributes 400, wrong JSON types 400,
out-of-range values 422, each with a pointer). The action is parsed by its ``type``, so its
errors point into it (``/data/attributes/action/expires-in-seconds``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from connect_shared.errors import Unprocessable
from connect_shared.ids import has_prefix
from connect_shared.jsonapi import parse_attributes
from connect_shared.records import COLLECTION_BY_PREFIX
from connect_shared.redemptions import FieldMapping
from connect_shared.workflows import ACTION_TYPES, WorkflowAction
from issuer.adapters.http.pointers import ACTION, pointing_into
from issuer.adapters.http.requests import CONNECTION_ID, RequestAttributes
from issuer.domain.share_tokens import DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS

FilterKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TriggerAttributes(RequestAttributes):
    """``trigger``: an event name and an optional filter on the event's object."""

    event: str = Field(min_length=1, max_length=200, description="e.g. inquiry.completed")
    filter: dict[FilterKey, str | int | bool] = Field(
        default_factory=dict,
        max_length=20,
        description="Values the event's object must have: an attribute (status, connection-id), "
        "a relationship's id (source-id) or id.",
    )


class CreateWorkflow(RequestAttributes):
    """``POST /workflows``."""

    name: Name
    enabled: bool = True
    trigger: TriggerAttributes
    action: dict[str, Any] = Field(description="create-share-token or redeem-share-token.")


class UpdateWorkflow(RequestAttributes):
    """``PATCH /workflows/{id}``: only what is given changes (``enabled`` enables/disables)."""

    name: Name | None = None
    enabled: bool | None = None
    trigger: TriggerAttributes | None = None
    action: dict[str, Any] | None = None


class CreateShareTokenAction(RequestAttributes):
    """Share the trigger's object over ``connection-id``."""

    type: Literal["create-share-token"]
    connection_id: str = Field(alias="connection-id", pattern=CONNECTION_ID, max_length=100)
    expires_in_seconds: int = Field(
        DEFAULT_TTL_SECONDS, alias="expires-in-seconds", ge=MIN_TTL_SECONDS, le=MAX_TTL_SECONDS
    )


class MappingAttributes(RequestAttributes):
    """One field mapping of a hydrate."""

    source_field_name: Name = Field(alias="source-field-name")
    destination_field_name: Name = Field(alias="destination-field-name")


class RedeemShareTokenAction(RequestAttributes):
    """Redeem the trigger's token: clone, or hydrate ``destination-id`` with field mappings."""

    type: Literal["redeem-share-token"]
    destination_id: str | None = Field(None, alias="destination-id", max_length=100)
    field_mappings: list[MappingAttributes] = Field(
        default_factory=list, alias="field-mappings", max_length=200
    )


def parse_action(raw: dict[str, Any]) -> WorkflowAction:
    """The action as stored; 422 pointing at ``action/type`` for an unknown type."""
    kind = raw.get("type")
    if kind not in ACTION_TYPES:
        raise Unprocessable(
            f"action.type must be one of {', '.join(ACTION_TYPES)}.", pointer=f"{ACTION}/type"
        )
    with pointing_into("action"):
        if kind == "create-share-token":
            create = parse_attributes(CreateShareTokenAction, raw)
            return WorkflowAction(
                type="create-share-token",
                connection_id=create.connection_id,
                expires_in_seconds=create.expires_in_seconds,
            )
        redeem = parse_attributes(RedeemShareTokenAction, raw)
    return WorkflowAction(
        type="redeem-share-token",
        destination_id=_destination(redeem.destination_id),
        field_mappings=_mappings(redeem.field_mappings),
    )


def _destination(destination_id: str | None) -> str | None:
    if destination_id is not None and not has_prefix(destination_id, *COLLECTION_BY_PREFIX):
        raise Unprocessable(
            "destination-id must be an inquiry, account, transaction or verification id "
            f"({', '.join(COLLECTION_BY_PREFIX)}).",
            pointer=f"{ACTION}/destination-id",
        )
    return destination_id


def _mappings(items: list[MappingAttributes]) -> tuple[FieldMapping, ...]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.source_field_name in seen:
            raise Unprocessable(
                f"Source field '{item.source_field_name}' is mapped twice.",
                pointer=f"{ACTION}/field-mappings/{index}/source-field-name",
            )
        seen.add(item.source_field_name)
    return tuple(
        FieldMapping(
            source_field_name=item.source_field_name,
            destination_field_name=item.destination_field_name,
        )
        for item in items
    )
