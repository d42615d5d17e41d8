"""The stats service's part of the one OpenAPI document (``deploy/openapi.py`` composes the
parts of every service): ``GET /api/v1/connect/share-token-stats`` and its response models.
The answer itself is rendered by :func:`stats.adapters.http.routes.stat_resource`; the
conformance test checks that both agree."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from connect_shared.openapi.builders import ApiPart, enum, operation, param
from connect_shared.openapi.schemas import Schema
from stats.adapters.http.routes import STATS_PATH
from stats.domain.windows import INTERVALS

STATS = "Statistics"
_DATE = {"type": "string", "format": "date-time"}


class ShareTokenStatAttributes(Schema):
    """One bucket: the caller's tokens counted once each, and seconds from creation to
    redemption (null when none was redeemed in the bucket)."""

    start: str = Field(json_schema_extra={"format": "date-time"})
    created: int = Field(ge=0)
    redeemed: int = Field(ge=0)
    expired: int = Field(ge=0)
    failed: int = Field(ge=0)
    seconds_to_redeem_p50: float | None = Field(alias="seconds-to-redeem-p50", ge=0)
    seconds_to_redeem_p95: float | None = Field(alias="seconds-to-redeem-p95", ge=0)


class ShareTokenStat(Schema):
    """A ``connect/share-token-stat`` resource."""

    type: Literal["connect/share-token-stat"]
    id: str
    attributes: ShareTokenStatAttributes


class ShareTokenStatList(Schema):
    """Every bucket of the range, oldest first (zeros included)."""

    data: list[ShareTokenStat]
    meta: dict[str, Any] | None = None


def api_part() -> ApiPart:
    """The stats service's contribution to the document."""
    parameters = [
        param("interval", enum(*INTERVALS), required=True, description="Bucket size."),
        param(
            "filter[direction]",
            enum("outbound", "inbound"),
            description="Only tokens the caller shared (outbound) or received (inbound).",
        ),
        param("filter[connection-id]", {"type": "string", "pattern": "^cxn_"}),
        param("filter[from]", _DATE, description="Range start (default: 2 or 30 days back)."),
        param(
            "filter[to]",
            _DATE,
            description="Range end (default: now); at most 31 days of hours, 366 of days.",
        ),
    ]
    paths = {
        STATS_PATH: {
            "get": operation(
                "Share-token statistics of the caller, one bucket per hour or day",
                "200",
                ShareTokenStatList,
                (),
                tag=STATS,
                parameters=parameters,
            )
        }
    }
    return ApiPart(
        paths=paths,
        response_models=(ShareTokenStatList,),
        tags=({"name": STATS},),
    )
