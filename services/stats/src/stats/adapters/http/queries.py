"""The query parameters of ``GET /connect/share-token-stats`` (every refusal is 400 with
``meta.parameter``)."""

from __future__ import annotations

import time
from collections.abc import Mapping

from multidict import MultiMapping

from connect_shared.clock import parse_iso
from connect_shared.http.query import bad_parameter, choice, id_parameter, query_parameters
from stats.domain.facts import DIRECTIONS
from stats.domain.windows import DEFAULT_RANGE_SECONDS, INTERVALS, MAX_RANGE_SECONDS
from stats.usecases.reporting import StatsQuery

PARAMETERS = (
    "interval",
    "filter[direction]",
    "filter[connection-id]",
    "filter[from]",
    "filter[to]",
)


def _moment(query: Mapping[str, str], name: str) -> float | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        moment = parse_iso(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad_parameter(
            name, f"{name} must be an ISO 8601 time with a zone, e.g. 2026-01-02T03:00:00Z."
        )
    return moment.timestamp()


def stats_query(raw: MultiMapping[str], organization_id: str) -> StatsQuery:
    """The caller's question, checked: ``interval`` is required; the range defaults to the
    last two days of hours or thirty days of days, and may span at most 31 / 366 days."""
    query = query_parameters(raw, PARAMETERS)
    interval = choice(query, "interval", INTERVALS)
    if interval is None:
        raise bad_parameter("interval", "interval is required (hour or day).")
    direction = choice(query, "filter[direction]", DIRECTIONS)
    connection_id = id_parameter(query, "filter[connection-id]", "cxn_")
    first, last = _moment(query, "filter[from]"), _moment(query, "filter[to]")
    if last is None:
        last = time.time() if first is None else first + DEFAULT_RANGE_SECONDS[interval]
    if first is None:
        first = last - DEFAULT_RANGE_SECONDS[interval]
    if first > last:
        raise bad_parameter("filter[from]", "filter[from] must not be later than filter[to].")
    if last - first > MAX_RANGE_SECONDS[interval]:
        days = MAX_RANGE_SECONDS[interval] // 86400
        raise bad_parameter(
            "filter[from]", f"One request covers at most {days} days of {interval} buckets."
        )
    return StatsQuery(organization_id, interval, first, last, direction, connection_id)
