"""The issuer's OpenAPI 3.1 document at ``/api/v1/openapi.json`` (public), generated from the
same pydantic models that validate requests (:mod:`.requests`) and describe answers
(:mod:`.schemas`)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from connect_shared.http.responses import json_response
from issuer.adapters.http import requests as req
from issuer.adapters.http import schemas as res
from issuer.domain.source_objects import COLLECTIONS

PATH = "/api/v1/openapi.json"
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
REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    req.CreateConnection,
    req.UpdateConnection,
    req.CreateShareToken,
    req.CreateSourceObject,
    req.CreateInquiry,
    req.CreateVerification,
    req.NoAttributes,
)
RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    res.ShareTokenDocument,
    res.ShareTokenList,
    res.ConnectionDocument,
    res.ConnectionList,
    res.SourceObjectDocument,
    res.SourceObjectList,
    res.ErrorDocument,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    data = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "id": {"type": "string"},
            "attributes": _ref(model),
        },
        "additionalProperties": False,
    }
    if required:
        data["required"] = ["attributes"]
    schema = {
        "type": "object",
        "properties": {"data": data, "meta": {"type": "object"}},
        "additionalProperties": False,
    }
    if required:
        schema["required"] = ["data"]
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _param(name: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


# Cursors are item ids (contract section 2.3); any other parameter of a list is a 400.
CURSOR = {"type": "string", "pattern": "^[a-z]{1,10}_[A-Za-z0-9]{1,100}$"}
PAGE_PARAMS = [
    _param("page[size]", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
    _param("page[after]", CURSOR),
    _param("page[before]", CURSOR),
]
ID_PARAM = _param("id", {"type": "string", "minLength": 1}, "path")


def _operation(
    summary: str,
    ok: str,
    answer: type[BaseModel],
    errors: tuple[str, ...],
    *,
    body: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        ok: {"description": summary, "content": {"application/json": {"schema": _ref(answer)}}}
    }
    for code in ("400", "401", *errors, "429", "503"):
        responses[code] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": _ref(res.ErrorDocument)}},
        }
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = body
    if parameters:
        operation["parameters"] = parameters
    return operation


def _action(summary: str, answer: type[BaseModel]) -> dict[str, Any]:
    return {
        "parameters": [ID_PARAM],
        "post": _operation(
            summary,
            "200",
            answer,
            ("403", "404", "409", "413", "422"),
            body=_body(req.NoAttributes, required=False),
        ),
    }


def _collection(
    create: str,
    body: type[BaseModel],
    document: type[BaseModel],
    listing: str,
    page: type[BaseModel],
    filters: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """``POST`` (create, 201) and ``GET`` (a filtered, paged list) of one collection."""
    return {
        "post": _operation(create, "201", document, ("409", "413", "422"), body=_body(body)),
        "get": _operation(listing, "200", page, (), parameters=[*filters, *PAGE_PARAMS]),
    }


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _connection_paths() -> dict[str, Any]:
    base = "/api/v1/connect/connections"
    write_errors = ("403", "404", "409", "413", "422")
    return {
        base: _collection(
            "Create a pending connection to another organization",
            req.CreateConnection,
            res.ConnectionDocument,
            "List the connections the caller is a side of",
            res.ConnectionList,
            (
                _param("filter[status]", _enum("pending", "active", "inactive")),
                _param(
                    "filter[destination-organization-id]",
                    {"type": "string", "pattern": "^org_[A-Za-z0-9]{1,100}$"},
                ),
            ),
        ),
        base + "/{id}": {
            "parameters": [ID_PARAM],
            "get": _operation("Retrieve a connection", "200", res.ConnectionDocument, ("404",)),
            "patch": _operation(
                "Set the connection's sharing settings (source)",
                "200",
                res.ConnectionDocument,
                write_errors,
                body=_body(req.UpdateConnection),
            ),
        },
        base + "/{id}/accept": _action("Accept (destination)", res.ConnectionDocument),
        base + "/{id}/deactivate": _action("Deactivate (either side)", res.ConnectionDocument),
        base + "/{id}/reactivate": _action("Reactivate (source)", res.ConnectionDocument),
    }


def _token_paths() -> dict[str, Any]:
    base = "/api/v1/connect/share-tokens"
    return {
        base: _collection(
            "Issue a share token",
            req.CreateShareToken,
            res.ShareTokenDocument,
            "List outbound and inbound share tokens",
            res.ShareTokenList,
            (
                _param(
                    "filter[status]", _enum("created", "pending", "redeemed", "expired", "failed")
                ),
                _param("filter[direction]", _enum("outbound", "inbound")),
                _param(
                    "filter[connection-id]",
                    {"type": "string", "pattern": "^cxn_[A-Za-z0-9]{1,100}$"},
                ),
            ),
        ),
        base + "/{id}": {
            "parameters": [ID_PARAM],
            "get": _operation(
                "Retrieve a share token (outbound or inbound view)",
                "200",
                res.ShareTokenDocument,
                ("403", "404", "409"),
                parameters=[_param("peek-source-data", _enum("true", "false"))],
            ),
        },
        base + "/{id}/expire": _action("Expire a created token (source)", res.ShareTokenDocument),
    }


def _object_paths() -> dict[str, Any]:
    models: dict[str, type[BaseModel]] = {
        "inquiries": req.CreateInquiry,
        "verifications": req.CreateVerification,
    }
    paths: dict[str, Any] = {}
    for collection in COLLECTIONS:
        base = f"/api/v1/{collection.name}"
        paths[base] = _collection(
            f"Create a {collection.noun}",
            models.get(collection.name, req.CreateSourceObject),
            res.SourceObjectDocument,
            f"List {collection.name}",
            res.SourceObjectList,
        )
        paths[base + "/{id}"] = {
            "parameters": [ID_PARAM],
            "get": _operation(
                f"Retrieve a {collection.noun}", "200", res.SourceObjectDocument, ("404",)
            ),
        }
        paths[base + "/{id}/redact"] = _action(
            f"Redact a {collection.noun}", res.SourceObjectDocument
        )
    return paths


def _components() -> dict[str, Any]:
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        *((m, "validation") for m in REQUEST_MODELS),
        *((m, "serialization") for m in RESPONSE_MODELS),
    ]
    _, top = models_json_schema(modes, ref_template=REF)
    return dict(top.get("$defs", {}))


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Connect issuer", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {**_connection_paths(), **_object_paths(), **_token_paths()},
        "components": {
            "schemas": _components(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


async def serve(_: web.Request) -> web.Response:
    """``GET /api/v1/openapi.json`` (no API key needed)."""
    return json_response(openapi_document())


def add_routes(app: web.Application) -> None:
    """Register the OpenAPI route."""
    app.router.add_get(PATH, serve)
