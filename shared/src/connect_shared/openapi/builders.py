"""Building blocks of OpenAPI operations: every route of every service is described with these,
so status codes, error answers, paging parameters and examples read the same everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from connect_shared.openapi.schemas import ErrorDocument, OpenApiDocument

REF = "#/components/schemas/{model}"
ERRORS = {
    "400": "Malformed JSON, wrong document shape, unknown attribute, or an unknown, repeated or "
    "malformed query parameter (meta.parameter names it).",
    "401": "Missing, unknown or revoked API key.",
    "403": "The key's organization may not do this.",
    "404": "No such object, or not visible to the caller's organization.",
    "409": "State conflict, or Idempotency-Key reused with other parameters.",
    "413": "Body over 1 MiB.",
    "422": "Well-formed but invalid (pointer names the attribute).",
    "429": "Over the API key's rate budget; Retry-After says when to retry.",
    "503": "A dependency is down or state is being rebuilt; nothing was written.",
}
ERROR_EXAMPLES: dict[str, dict[str, Any]] = {
    "400": {
        "title": "Bad request",
        "details": "Unknown query parameter 'filter[x]'.",
        "meta": {"parameter": "filter[x]"},
    },
    "401": {"title": "Unauthorized", "details": "Missing or invalid API key."},
    "403": {"title": "Forbidden", "details": "Only the destination may accept a connection."},
    "404": {"title": "Not found", "details": "No such object."},
    "409": {
        "title": "Conflict",
        "details": "The token is not created.",
        "meta": {"status": "redeemed"},
    },
    "413": {"title": "Payload too large", "details": "The body is over 1 MiB."},
    "422": {
        "title": "Unprocessable entity",
        "details": "'expires-in-seconds' is out of range.",
        "source": {"pointer": "/data/attributes/expires-in-seconds"},
    },
    "429": {"title": "Too many requests", "details": "Rate limit exceeded; retry later."},
    "503": {"title": "Service unavailable", "details": "State is being rebuilt; retry shortly."},
}
# Cursors are item ids (contract section 2.3); any other parameter of a list is a 400.
CURSOR = {"type": "string", "pattern": "^[a-z]{1,10}_[A-Za-z0-9]{1,100}$"}


@dataclass(frozen=True)
class ApiPart:
    """What one service contributes: its paths and the models their schemas come from."""

    paths: Mapping[str, Any]
    request_models: tuple[type[BaseModel], ...] = ()
    response_models: tuple[type[BaseModel], ...] = ()
    tags: tuple[dict[str, str], ...] = field(default=())


def ref(model: type[BaseModel] | str) -> dict[str, str]:
    """A ``$ref`` to a component schema, by model or by the name of another part's model."""
    name = model if isinstance(model, str) else model.__name__
    return {"$ref": REF.format(model=name)}


def param(name: str, schema: dict[str, Any], where: str = "query", **extra: Any) -> dict[str, Any]:
    """A parameter (path parameters are required)."""
    return {"name": name, "in": where, "required": where == "path", "schema": schema, **extra}


PAGE_PARAMS = [
    param(
        "page[size]",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        description=(
            "Items per page. In Persona mode (Persona-Version 2025-12-08) any positive "
            "integer is accepted and at most 100 items are served."
        ),
    ),
    param("page[after]", CURSOR, description="Continue with the items older than this id."),
    param("page[before]", CURSOR, description="Continue with the items newer than this id."),
]
ID_PARAM = param("id", {"type": "string", "minLength": 1}, "path")


def enum(*values: str) -> dict[str, Any]:
    """A string schema of fixed values."""
    return {"type": "string", "enum": list(values)}


def prefixed_id(prefix: str) -> dict[str, Any]:
    """An id schema: ``prefix`` plus a base62 suffix."""
    return {"type": "string", "pattern": f"^{prefix}_[A-Za-z0-9]{{1,100}}$"}


def body(
    model: type[BaseModel] | None,
    *,
    required: bool = True,
    meta: dict[str, Any] | None = None,
    example: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A JSON:API request body whose ``data.attributes`` follow ``model`` and whose ``meta``
    follows ``meta`` (any object when None)."""
    data: dict[str, Any] = {
        "type": "object",
        "properties": {"type": {"type": "string"}, "id": {"type": "string"}},
        "additionalProperties": False,
    }
    if model is not None:
        data["properties"]["attributes"] = ref(model)
        if required:
            data["required"] = ["attributes"]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"data": data, "meta": meta or {"type": "object"}},
        "additionalProperties": False,
    }
    if required and model is not None:
        schema["required"] = ["data"]
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"required": required, "content": {"application/json": media}}


def _error(code: str) -> dict[str, Any]:
    example = {"errors": [{"status": code, **ERROR_EXAMPLES[code]}]}
    return {
        "description": ERRORS[code],
        "content": {"application/json": {"schema": ref(ErrorDocument), "example": example}},
    }


def operation(
    summary: str,
    ok: str,
    answer: type[BaseModel] | str | None,
    errors: Iterable[str],
    *,
    tag: str,
    request: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    public: bool = False,
    example: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation: its success answer (``answer`` None: no body), the documented errors
    (400, 401, 429 and 503 always, since every API request can meet them) and examples."""
    success: dict[str, Any] = {"description": summary}
    if answer is not None:
        media: dict[str, Any] = {"schema": ref(answer)}
        if example is not None:
            media["example"] = example
        success["content"] = {"application/json": media}
    responses: dict[str, Any] = {ok: success}
    common = ("400", "429", "503") if public else ("400", "401", "429", "503")
    for code in sorted({*common, *errors}):
        responses[code] = _error(code)
    result: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    if public:
        result["security"] = []
    if request is not None:
        result["requestBody"] = request
    if parameters:
        result["parameters"] = parameters
    return result


def component_schemas(parts: Iterable[ApiPart]) -> dict[str, Any]:
    """The component schemas of every part's models (requests as validated, responses as
    serialized). Two models of one name would shadow each other: refused."""
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    seen: dict[str, type[BaseModel]] = {}
    for part in parts:
        for models, mode in (
            (part.request_models, "validation"),
            (part.response_models, "serialization"),
        ):
            for model in models:
                other = seen.setdefault(model.__name__, model)
                if other is not model:
                    raise ValueError(f"two schema models are named {model.__name__}")
                modes.append((model, mode))  # type: ignore[arg-type]
    _, top = models_json_schema(modes, ref_template=REF)
    return dict(top.get("$defs", {}))


def compose(parts: Iterable[ApiPart], *, title: str, version: str) -> dict[str, Any]:
    """The whole document of ``parts``."""
    reference = {
        "/api/v1/openapi.json": {
            "get": operation(
                "This document", "200", OpenApiDocument, (), tag="Reference", public=True
            )
        }
    }
    parts = [
        ApiPart(
            reference,
            response_models=(ErrorDocument, OpenApiDocument),
            tags=({"name": "Reference"},),
        ),
        *parts,
    ]
    paths: dict[str, Any] = {}
    for part in parts:
        for path, item in part.paths.items():
            if path in paths:
                raise ValueError(f"{path} is described twice")
            paths[path] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Every route of the Connect API (issuer, redeemer, notifier) behind "
            "one gateway. Authenticate with `Authorization: Bearer <api key>`; documents are "
            "JSON:API with kebab-case member names (`Key-Inflection` changes them); every POST "
            "accepts an `Idempotency-Key` header.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "tags": [tag for part in parts for tag in part.tags],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": component_schemas(parts),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def unresolved_refs(document: dict[str, Any]) -> list[str]:
    """Every ``$ref`` of ``document`` that names no component schema (a part may refer to
    another part's model by name; the composed document must define it)."""
    defined = set(document["components"]["schemas"])
    missing: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and target.rsplit("/", 1)[-1] not in defined:
                missing.append(target)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return missing
