"""Per-stage figures of a phase from the services' ``/metrics`` (the
``connect_stage_duration_seconds`` histograms): scrape before and after, and
:func:`stage_deltas` (pure) turns the two pages into calls and mean time per stage."""

from __future__ import annotations

import re
from typing import Any

import aiohttp

_SAMPLE = re.compile(
    r'^connect_stage_duration_seconds_(sum|count)\{service="([^"]*)",stage="([^"]*)"\} (\S+)$'
)
_HTTP = re.compile(r'^connect_http_requests_total\{[^}]*route="/api/[^"]*"[^}]*\} (\S+)$')


def stage_totals(page: str) -> dict[str, Any]:
    """``{"stages": {stage: [seconds, calls]}, "api-requests": n}`` of one /metrics page."""
    stages: dict[str, list[float]] = {}
    requests = 0.0
    for line in page.splitlines():
        found = _SAMPLE.match(line)
        if found:
            kind, _, stage, value = found.groups()
            entry = stages.setdefault(stage, [0.0, 0.0])
            entry[0 if kind == "sum" else 1] += float(value)
            continue
        http = _HTTP.match(line)
        if http:
            requests += float(http.group(1))
    return {"stages": stages, "api-requests": requests}


def stage_deltas(before: str, after: str) -> dict[str, Any]:
    """Per stage between two scrapes: calls, mean ms per call, and ms per API request."""
    first, last = stage_totals(before), stage_totals(after)
    requests = last["api-requests"] - first["api-requests"]
    out: dict[str, Any] = {"api-requests": requests, "stages": {}}
    for stage, (seconds, calls) in sorted(last["stages"].items()):
        seconds0, calls0 = first["stages"].get(stage, [0.0, 0.0])
        n = calls - calls0
        if n <= 0:
            continue
        spent = seconds - seconds0
        out["stages"][stage] = {
            "calls": n,
            "mean-ms": spent / n * 1000,
            "ms-per-request": spent / requests * 1000 if requests > 0 else None,
        }
    return out


async def scrape(session: aiohttp.ClientSession, urls: dict[str, str]) -> dict[str, str]:
    """Each service's /metrics page ('' when it does not answer)."""
    pages: dict[str, str] = {}
    for name, url in urls.items():
        try:
            async with session.get(f"{url}/metrics") as response:
                pages[name] = await response.text()
        except aiohttp.ClientError:
            pages[name] = ""
    return pages
