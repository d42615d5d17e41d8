"""``GET /api/v1/connect/share-token-stats`` (contract section 2.6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from connect_shared.clock import iso
from connect_shared.http.keys import principal
from connect_shared.http.responses import json_response
from connect_shared.jsonapi import document, resource
from stats.adapters.http.queries import stats_query
from stats.bootstrap import STATS
from stats.usecases.reporting import Bucket, share_token_stats

STAT_TYPE = "connect/share-token-stat"
STATS_PATH = "/api/v1/connect/share-token-stats"


def stat_resource(bucket: Bucket) -> dict[str, Any]:
    """One bucket as a ``connect/share-token-stat`` resource object (its OpenAPI schema is
    :class:`stats.adapters.http.openapi.ShareTokenStat`)."""
    start = iso(datetime.fromtimestamp(bucket.start, UTC))
    totals = bucket.totals
    return resource(
        STAT_TYPE,
        f"{bucket.interval}-{start}",
        {
            "start": start,
            "created": totals.created,
            "redeemed": totals.redeemed,
            "expired": totals.expired,
            "failed": totals.failed,
            "seconds-to-redeem-p50": totals.p50,
            "seconds-to-redeem-p95": totals.p95,
        },
    )


async def list_stats(request: web.Request) -> web.Response:
    """The caller's buckets, oldest first, one per window of the range (zeros included)."""
    query = stats_query(request.query, principal(request).organization_id)
    buckets = await share_token_stats(request.app[STATS].view, query)
    return json_response(
        document([stat_resource(b) for b in buckets], meta={"interval": query.interval})
    )


def add_routes(app: web.Application) -> None:
    """Register the stats route."""
    app.router.add_get(STATS_PATH, list_stats)
