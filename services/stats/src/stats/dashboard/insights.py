"""The Insights page: the organization's share-token statistics as charts and a table, over
the same query parsing and use case as ``GET /api/v1/connect/share-token-stats``."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict

from connect_shared.web.pages import render, require_session
from connect_shared.web.resources import ResourcePages
from stats.adapters.http.queries import stats_query
from stats.bootstrap import STATS
from stats.dashboard.charts import counts_chart, label, latency_chart
from stats.usecases.reporting import Bucket, share_token_stats

PAGES = ResourcePages("insights")
INTERVAL_CHOICES = (("hour", "Per hour (last 2 days)"), ("day", "Per day (last 30 days)"))
DIRECTION_CHOICES = (("outbound", "Shared by you"), ("inbound", "Shared with you"))


@PAGES.listing
async def insights(request: web.Request) -> web.Response:
    """Charts of created / redeemed / expired / failed tokens and of seconds to redeem."""
    viewer = await require_session(request)
    # The page's form leaves a choice empty for "all"; the API parser wants it absent.
    raw = MultiDict((k, v) for k, v in request.query.items() if v != "")
    raw.setdefault("interval", "hour")
    query = stats_query(raw, viewer.organization_id)
    buckets = await share_token_stats(request.config_dict[STATS].view, query)
    context = {
        "title": "Insights",
        "interval": query.interval,
        "direction": query.direction or "",
        "interval_choices": INTERVAL_CHOICES,
        "direction_choices": DIRECTION_CHOICES,
        "counts": counts_chart(buckets),
        "latency": latency_chart(buckets),
        # The table lists the buckets that counted anything, newest first.
        "rows": [(label(b), b.totals) for b in reversed(buckets) if _counted(b)],
    }
    return render(request, "insights.html", context)


def _counted(bucket: Bucket) -> bool:
    t = bucket.totals
    return bool(t.created or t.redeemed or t.expired or t.failed)
