"""The redeemer's routes in the one OpenAPI document: the redeem of a share token (contract
2.3) and the JWKS that verifies provenance attestations (2.2)."""

from __future__ import annotations

from typing import Any

from connect_shared.openapi.builders import ID_PARAM, ApiPart, body, operation
from connect_shared.openapi.schemas import Schema
from redeemer.adapters.http.requests import MAX_FIELD_MAPPINGS, RedeemAttributes

TOKENS, KEYS = "Share tokens", "Keys"
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}
REDEEM_META = {
    "type": "object",
    "properties": {
        "field-mappings": {
            "type": "array",
            "maxItems": MAX_FIELD_MAPPINGS,
            "items": {
                "type": "object",
                "properties": {"source-field-name": _NAME, "destination-field-name": _NAME},
                "required": ["source-field-name", "destination-field-name"],
                "additionalProperties": False,
            },
        }
    },
}


class Jwks(Schema):
    """A JSON Web Key Set (RFC 7517) of Ed25519 public keys."""

    keys: list[dict[str, Any]]


def api_part() -> ApiPart:
    """The redeemer's contribution to the document."""
    paths = {
        "/api/v1/connect/share-tokens/{id}/redeem": {
            "parameters": [ID_PARAM],
            "post": operation(
                "Redeem a created token (destination): clone, or hydrate destination-id",
                "202",
                "ShareTokenDocument",  # the issuer's part defines it; the composer checks
                ("404", "409", "413", "422"),
                tag=TOKENS,
                request=body(
                    RedeemAttributes,
                    required=False,
                    meta=REDEEM_META,
                    example={
                        "data": {"attributes": {"destination-id": "inq_3kL8mN2bV6cX"}},
                        "meta": {
                            "field-mappings": [
                                {
                                    "source-field-name": "name-first",
                                    "destination-field-name": "first-name",
                                }
                            ]
                        },
                    },
                ),
            ),
        },
        "/.well-known/jwks.json": {
            "get": operation(
                "Public keys verifying provenance attestations",
                "200",
                Jwks,
                (),
                tag=KEYS,
                public=True,
            ),
        },
    }
    return ApiPart(
        paths=paths,
        request_models=(RedeemAttributes,),
        response_models=(Jwks,),
        tags=({"name": KEYS},),
    )
