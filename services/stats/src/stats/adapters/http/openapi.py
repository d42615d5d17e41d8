"""The OpenAPI 3.1 path item of ``GET /connect/share-token-stats``, for the one document that
describes every route (the issuer serves it; whoever assembles it adds :data:`STATS_PATHS`
under ``paths`` and :data:`STATS_SCHEMAS` under ``components.schemas``)."""

from __future__ import annotations

from typing import Any

from stats.adapters.http.routes import STAT_ATTRIBUTES, STAT_TYPE

_DATE = {"type": "string", "format": "date-time"}
# name, schema, description
_PARAMETERS: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("interval", {"enum": ["hour", "day"]}, "Bucket size (required)."),
    (
        "filter[direction]",
        {"enum": ["outbound", "inbound"]},
        "Only tokens the caller shared (outbound) or received (inbound).",
    ),
    ("filter[connection-id]", {"type": "string", "pattern": "^cxn_"}, "Only this connection."),
    ("filter[from]", _DATE, "Range start (default: 2 or 30 days before filter[to])."),
    ("filter[to]", _DATE, "Range end (default: now); at most 31 days of hours, 366 of days."),
)
_STAT_REF = {"$ref": "#/components/schemas/ShareTokenStat"}


STATS_SCHEMAS: dict[str, Any] = {
    "ShareTokenStatAttributes": STAT_ATTRIBUTES,
    "ShareTokenStat": {
        "type": "object",
        "required": ["type", "id", "attributes"],
        "properties": {
            "type": {"const": STAT_TYPE},
            "id": {"type": "string"},
            "attributes": {"$ref": "#/components/schemas/ShareTokenStatAttributes"},
        },
    },
}

STATS_PATHS: dict[str, Any] = {
    "/connect/share-token-stats": {
        "get": {
            "summary": "Share-token statistics of the caller, one bucket per hour or day",
            "operationId": "listShareTokenStats",
            "parameters": [
                {
                    "name": name,
                    "in": "query",
                    "required": name == "interval",
                    "schema": schema,
                    "description": description,
                }
                for name, schema, description in _PARAMETERS
            ],
            "responses": {
                "200": {
                    "description": "Every bucket of the range, oldest first (zeros included).",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["data"],
                                "properties": {
                                    "data": {"type": "array", "items": _STAT_REF},
                                    "meta": {"type": "object"},
                                },
                            }
                        }
                    },
                },
                "400": {"description": "A bad query parameter (meta.parameter names it)."},
                "401": {"description": "Missing or unknown API key."},
            },
        }
    }
}
