"""Server-rendered SVG charts of the stats buckets: geometry computed here, drawn by the
template (no script, no external library). One chart of the four counts per bucket (grouped
bars) and one of the seconds-to-redeem percentiles (two lines)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from stats.usecases.reporting import Bucket

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 12, 28
COUNT_SERIES = (
    ("created", "Created", "#2f6fdb"),
    ("redeemed", "Redeemed", "#1e8a4c"),
    ("expired", "Expired", "#b7791f"),
    ("failed", "Failed", "#c53030"),
)
LATENCY_SERIES = (("p50", "p50", "#2f6fdb"), ("p95", "p95", "#805ad5"))


@dataclass(frozen=True)
class Bar:
    """One bar: its box and what it shows (the tooltip)."""

    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Tick:
    """An axis label at ``x`` / ``y``."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Line:
    """A polyline series with its points (for dots and tooltips)."""

    label: str
    color: str
    points: str
    dots: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True)
class Chart:
    """What the template draws inside one ``<svg viewBox="0 0 WIDTH HEIGHT">``."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    legend: tuple[tuple[str, str], ...]
    baseline: float


def label(bucket: Bucket) -> str:
    """The bucket's start as its axis and table label (UTC)."""
    start = datetime.fromtimestamp(bucket.start, UTC)
    return start.strftime("%d %b %H:%M" if bucket.interval == "hour" else "%d %b")


def _nice_top(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^n at or above ``value`` (at least 1)."""
    magnitude = 1.0
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _y_ticks(top: float) -> tuple[Tick, ...]:
    plot = HEIGHT - TOP - BOTTOM
    return tuple(
        Tick(LEFT - 6, HEIGHT - BOTTOM - plot * i / 4, f"{top * i / 4:g}") for i in range(5)
    )


def _x_ticks(buckets: Sequence[Bucket], slot: float) -> tuple[Tick, ...]:
    every = max(1, len(buckets) // 6)
    return tuple(
        Tick(LEFT + slot * (i + 0.5), HEIGHT - 8, label(b))
        for i, b in enumerate(buckets)
        if i % every == 0
    )


def counts_chart(buckets: Sequence[Bucket]) -> Chart:
    """Grouped bars: created, redeemed, expired and failed per bucket."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(buckets))
    bar_w = slot * 0.8 / len(COUNT_SERIES)
    top = _nice_top(
        max((getattr(b.totals, n) for b in buckets for n, _, _ in COUNT_SERIES), default=0)
    )
    bars = []
    for i, bucket in enumerate(buckets):
        for j, (name, text, color) in enumerate(COUNT_SERIES):
            value = int(getattr(bucket.totals, name))
            height = plot_h * value / top
            x = LEFT + slot * i + slot * 0.1 + bar_w * j
            title = f"{label(bucket)}: {value} {text.lower()}"
            bars.append(Bar(x, HEIGHT - BOTTOM - height, bar_w, height, color, title))
    return Chart(
        WIDTH,
        HEIGHT,
        tuple(bars),
        (),
        _x_ticks(buckets, slot),
        _y_ticks(top),
        tuple((text, color) for _, text, color in COUNT_SERIES),
        HEIGHT - BOTTOM,
    )


def latency_chart(buckets: Sequence[Bucket]) -> Chart:
    """Two lines, seconds from creation to redemption at p50 and p95; buckets without
    redemptions have no point."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(buckets))
    values = [v for b in buckets for v in (b.totals.p50, b.totals.p95) if v is not None]
    top = _nice_top(max(values, default=0))
    lines = []
    for name, text, color in LATENCY_SERIES:
        dots = []
        for i, bucket in enumerate(buckets):
            value = getattr(bucket.totals, name)
            if value is not None:
                y = HEIGHT - BOTTOM - plot_h * value / top
                dots.append((LEFT + slot * (i + 0.5), y, f"{label(bucket)}: {text} {value:g} s"))
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in dots)
        lines.append(Line(text, color, points, tuple(dots)))
    return Chart(
        WIDTH,
        HEIGHT,
        (),
        tuple(lines),
        _x_ticks(buckets, slot),
        _y_ticks(top),
        tuple((text, color) for _, text, color in LATENCY_SERIES),
        HEIGHT - BOTTOM,
    )
