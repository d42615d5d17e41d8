"""JSON:API documents: parsing request bodies strictly and building resource objects."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from connect_shared.errors import BadRequest, Unprocessable
from connect_shared.inflection import DuplicateMember, kebab_keys
from connect_shared.stages import stage

ModelT = TypeVar("ModelT", bound=BaseModel)


class ResourceIdentifier(BaseModel):
    """``{"type": ..., "id": ...}``, used in relationships."""

    model_config = ConfigDict(frozen=True)

    type: str
    id: str


def relationship(type_: str | None, id_: str | None) -> dict[str, Any]:
    """A to-one relationship object; ``None`` gives ``{"data": null}``."""
    if type_ is None or id_ is None:
        return {"data": None}
    return {"data": {"type": type_, "id": id_}}


def resource(
    type_: str,
    id_: str,
    attributes: dict[str, Any],
    relationships: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A JSON:API resource object."""
    body: dict[str, Any] = {"type": type_, "id": id_, "attributes": attributes}
    if relationships is not None:
        body["relationships"] = relationships
    return body


def document(data: Any, *, included: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A top-level document ``{"data": ..., "included": [...]}`` plus ``links``/``meta``."""
    doc: dict[str, Any] = {"data": data}
    if included is not None:
        doc["included"] = included
    doc.update({k: v for k, v in extra.items() if v is not None})
    return doc


def split_document(body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the request shape and return ``(attributes, meta)`` with kebab-case member names.

    User data inside (``fields``, ``sharing-settings`` keys...) is kept exactly as sent (see
    :mod:`connect_shared.inflection`). Raises :class:`BadRequest` for anything that is not
    ``{"data": {"attributes": {...}}}`` (``data`` and ``meta`` optional), and when one member
    is given twice in different inflections.
    """
    if body is None:
        return {}, {}
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.", pointer="")
    try:
        body = kebab_keys(body)
    except DuplicateMember as exc:
        raise BadRequest(
            "A member is given twice (in different inflections).", pointer=exc.pointer
        ) from exc
    unknown = set(body) - {"data", "meta"}
    if unknown:
        name = sorted(unknown)[0]
        raise BadRequest(f"Unknown top-level member '{name}'.", pointer=f"/{name}")
    data = body.get("data", {})
    meta = body.get("meta", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadRequest("'data' must be an object.", pointer="/data")
    if not isinstance(meta, dict):
        raise BadRequest("'meta' must be an object.", pointer="/meta")
    extra = set(data) - {"type", "id", "attributes"}
    if extra:
        name = sorted(extra)[0]
        raise BadRequest(f"Unknown member '{name}' in data.", pointer=f"/data/{name}")
    attributes = data.get("attributes", {})
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        raise BadRequest("'attributes' must be an object.", pointer="/data/attributes")
    return attributes, meta


def parse_attributes(model: type[ModelT], attributes: dict[str, Any]) -> ModelT:
    """Validate ``attributes`` against ``model`` (which should forbid extra keys).

    Unknown attributes and wrong JSON types are 400 (document shape); values that are out of
    range are 422. Either way the error points at the attribute.
    """
    try:
        with stage("validation"):
            return model.model_validate(attributes)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = "/".join(str(part) for part in first["loc"])
        pointer = f"/data/attributes/{location}" if location else "/data/attributes"
        kind = first["type"]
        if kind == "extra_forbidden":
            raise BadRequest(f"Unknown attribute '{location}'.", pointer=pointer) from exc
        if kind.endswith("_type") or kind in {"missing", "model_type", "dict_type"}:
            if kind == "missing":
                raise Unprocessable(f"'{location}' is required.", pointer=pointer) from exc
            raise BadRequest(f"'{location}': {first['msg']}.", pointer=pointer) from exc
        raise Unprocessable(f"'{location}': {first['msg']}.", pointer=pointer) from exc
