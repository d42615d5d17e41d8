"""The issuer's routes in the one OpenAPI document (contract 2.6), generated from the same
pydantic models that validate requests (:mod:`.requests`, :mod:`.workflow_requests`) and
describe answers (:mod:`.schemas`). ``deploy/openapi.py`` composes this part with the
redeemer's and the notifier's; :mod:`connect_shared.openapi.serving` serves the result."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from connect_shared.openapi.builders import (
    ID_PARAM,
    PAGE_PARAMS,
    ApiPart,
    body,
    enum,
    operation,
    param,
    prefixed_id,
)
from issuer.adapters.http import requests as req
from issuer.adapters.http import schemas as res
from issuer.adapters.http import workflow_requests as wreq
from issuer.domain.source_objects import COLLECTIONS

WRITE_ERRORS = ("403", "404", "409", "413", "422")
CONNECTIONS, TOKENS, OBJECTS, WORKFLOWS = "Connections", "Share tokens", "Objects", "Workflows"

CONNECTION_EXAMPLE = {"data": {"attributes": {"destination-organization-id": "org_2xY9dQ7LbMn"}}}
TOKEN_EXAMPLE = {
    "data": {
        "attributes": {
            "connection-id": "cxn_4hT8sKq2WzRv",
            "source-id": "inq_7Gd3pLm9XcVb",
            "expires-in-seconds": 86400,
        }
    }
}
WORKFLOW_EXAMPLE = {
    "data": {
        "attributes": {
            "name": "share on completion",
            "enabled": True,
            "trigger": {"event": "inquiry.completed", "filter": {"status": "completed"}},
            "action": {
                "type": "create-share-token",
                "connection-id": "cxn_4hT8sKq2WzRv",
                "expires-in-seconds": 3600,
            },
        }
    }
}


def _action(summary: str, answer: type[BaseModel], tag: str) -> dict[str, Any]:
    return {
        "parameters": [ID_PARAM],
        "post": operation(
            summary,
            "200",
            answer,
            WRITE_ERRORS,
            tag=tag,
            request=body(req.NoAttributes, required=False),
        ),
    }


def _collection(
    tag: str,
    create: tuple[str, type[BaseModel], type[BaseModel]],
    listing: tuple[str, type[BaseModel]],
    filters: tuple[dict[str, Any], ...] = (),
    example: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``POST`` (create, 201) and ``GET`` (a filtered, paged list) of one collection."""
    summary, model, answer = create
    return {
        "post": operation(
            summary,
            "201",
            answer,
            ("409", "413", "422"),
            tag=tag,
            request=body(model, example=example),
        ),
        "get": operation(
            listing[0], "200", listing[1], (), tag=tag, parameters=[*filters, *PAGE_PARAMS]
        ),
    }


def _connection_paths() -> dict[str, Any]:
    base = "/api/v1/connect/connections"
    return {
        base: _collection(
            CONNECTIONS,
            (
                "Create a pending connection to another organization",
                req.CreateConnection,
                res.ConnectionDocument,
            ),
            ("List the connections the caller is a side of", res.ConnectionList),
            (
                param("filter[status]", enum("pending", "active", "inactive")),
                param("filter[destination-organization-id]", prefixed_id("org")),
            ),
            CONNECTION_EXAMPLE,
        ),
        base + "/{id}": {
            "parameters": [ID_PARAM],
            "get": operation(
                "Retrieve a connection", "200", res.ConnectionDocument, ("404",), tag=CONNECTIONS
            ),
            "patch": operation(
                "Set the connection's sharing settings (source)",
                "200",
                res.ConnectionDocument,
                WRITE_ERRORS,
                tag=CONNECTIONS,
                request=body(
                    req.UpdateConnection,
                    example={"data": {"attributes": {"sharing-settings": {"ssn": "none"}}}},
                ),
            ),
        },
        base + "/{id}/accept": _action("Accept (destination)", res.ConnectionDocument, CONNECTIONS),
        base + "/{id}/deactivate": _action(
            "Deactivate (either side)", res.ConnectionDocument, CONNECTIONS
        ),
        base + "/{id}/reactivate": _action(
            "Reactivate (source)", res.ConnectionDocument, CONNECTIONS
        ),
    }


def _token_paths() -> dict[str, Any]:
    base = "/api/v1/connect/share-tokens"
    return {
        base: _collection(
            TOKENS,
            ("Issue a share token", req.CreateShareToken, res.ShareTokenDocument),
            ("List outbound and inbound share tokens", res.ShareTokenList),
            (
                param(
                    "filter[status]", enum("created", "pending", "redeemed", "expired", "failed")
                ),
                param("filter[direction]", enum("outbound", "inbound")),
                param("filter[connection-id]", prefixed_id("cxn")),
            ),
            TOKEN_EXAMPLE,
        ),
        base + "/{id}": {
            "parameters": [ID_PARAM],
            "get": operation(
                "Retrieve a share token (outbound or inbound view)",
                "200",
                res.ShareTokenDocument,
                ("403", "404", "409"),
                tag=TOKENS,
                parameters=[param("peek-source-data", enum("true", "false"))],
            ),
        },
        base + "/{id}/expire": _action(
            "Expire a created token (source)", res.ShareTokenDocument, TOKENS
        ),
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
            OBJECTS,
            (
                f"Create a {collection.noun}",
                models.get(collection.name, req.CreateSourceObject),
                res.SourceObjectDocument,
            ),
            (f"List {collection.name}", res.SourceObjectList),
            example={
                "data": {"attributes": {"reference-id": "user-42", "fields": {"name-first": "Ada"}}}
            },
        )
        paths[base + "/{id}"] = {
            "parameters": [ID_PARAM],
            "get": operation(
                f"Retrieve a {collection.noun}",
                "200",
                res.SourceObjectDocument,
                ("404",),
                tag=OBJECTS,
            ),
        }
        paths[base + "/{id}/redact"] = _action(
            f"Redact a {collection.noun}", res.SourceObjectDocument, OBJECTS
        )
    return paths


def _workflow_paths() -> dict[str, Any]:
    base = "/api/v1/workflows"
    return {
        base: _collection(
            WORKFLOWS,
            ("Create a workflow", wreq.CreateWorkflow, res.WorkflowDocument),
            ("List workflows", res.WorkflowList),
            example=WORKFLOW_EXAMPLE,
        ),
        base + "/{id}": {
            "parameters": [ID_PARAM],
            "get": operation(
                "Retrieve a workflow", "200", res.WorkflowDocument, ("404",), tag=WORKFLOWS
            ),
            "patch": operation(
                "Change a workflow (name, enabled, trigger, action)",
                "200",
                res.WorkflowDocument,
                WRITE_ERRORS,
                tag=WORKFLOWS,
                request=body(
                    wreq.UpdateWorkflow, example={"data": {"attributes": {"enabled": False}}}
                ),
            ),
            "delete": operation("Delete a workflow", "204", None, ("404", "409"), tag=WORKFLOWS),
        },
        base + "/{id}/runs": {
            "parameters": [ID_PARAM],
            "get": operation(
                "A workflow's runs, newest first",
                "200",
                res.WorkflowRunList,
                ("404",),
                tag=WORKFLOWS,
                parameters=PAGE_PARAMS,
            ),
        },
    }


def api_part() -> ApiPart:
    """The issuer's contribution to the document."""
    return ApiPart(
        paths={
            **_connection_paths(),
            **_object_paths(),
            **_token_paths(),
            **_workflow_paths(),
        },
        request_models=(
            req.CreateConnection,
            req.UpdateConnection,
            req.CreateShareToken,
            req.CreateSourceObject,
            req.CreateInquiry,
            req.CreateVerification,
            wreq.CreateWorkflow,
            wreq.UpdateWorkflow,
            req.NoAttributes,
        ),
        response_models=(
            res.ShareTokenDocument,
            res.ShareTokenList,
            res.ConnectionDocument,
            res.ConnectionList,
            res.SourceObjectDocument,
            res.SourceObjectList,
            res.WorkflowDocument,
            res.WorkflowList,
            res.WorkflowRunList,
        ),
        tags=tuple({"name": t} for t in (CONNECTIONS, TOKENS, OBJECTS, WORKFLOWS)),
    )
