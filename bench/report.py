"""The run's report: target checks, the markdown summary and the PNG plots. Everything but
``write_plots`` is pure (dict in, text out) and unit-tested."""

# ruff: noqa: E501  (markdown table rows and chart calls read best on one line each)
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Target:
    """One target of issue 8 and how this run did against it."""

    name: str
    value: float | None
    threshold: float
    higher_is_better: bool
    unit: str

    @property
    def met(self) -> bool | None:
        if self.value is None or math.isnan(self.value):
            return None
        if self.higher_is_better:
            return self.value >= self.threshold
        return self.value <= self.threshold

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]


def _get(data: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and -len(data) <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def targets(results: dict[str, Any]) -> list[Target]:
    """The issue's targets, evaluated against ``results["scenarios"]``."""
    sc = results.get("scenarios", {})
    out = [
        Target("create: creations/s at saturation", _num(_get(sc, "create", "saturation", "service", "throughput")), 1500, True, "/s"),
        Target("create: share of its baseline", _num(_get(sc, "create", "saturation", "ratio")), 0.5, True, "x"),
        Target("create: p99 at 500/s offered", _num(_get(sc, "create", "at-target-rate", "latency", "p99-ms")), 50, False, "ms"),
        Target("redeem: redemptions/s end to end", _num(_get(sc, "redeem", "saturation", "service", "throughput")), 1000, True, "/s"),
        Target("redeem: p99 end to end at 200/s offered", _num(_get(sc, "redeem", "at-target-rate", "latency", "p99-ms")), 100, False, "ms"),
        Target("redeem: share of its baseline (issue 14)", _num(_get(sc, "redeem", "saturation", "ratio")), 0.25, True, "x"),
        Target("fan-out: deliveries/s", _num(_get(sc, "fanout", "saturation", "throughput")), 2000, True, "/s"),
        Target("fan-out: share of its baseline", _num(_get(sc, "fanout", "ratio")), 0.5, True, "x"),
        Target("isolation: share of the fan-out figure", _num(_get(sc, "isolation", "ratio")), 0.9, True, "x"),
        Target("stats: seconds until an event is counted (max)", _num(_get(sc, "stats", "freshness", "lag-s", "max")), 10, False, "s"),
    ]  # fmt: skip
    for name, ratio in (_get(sc, "data", "ratios") or {}).items():
        out.append(
            Target(f"data: {name} with the preload vs. before it", _num(ratio), 0.9, True, "x")
        )
    for name, row in (_get(sc, "scaling") or {}).items():
        if isinstance(row, dict) and "ratio" in row:
            out.append(
                Target(f"scaling: {name} 2 processes vs. 1", _num(row["ratio"]), 1.0, True, "x")
            )
    for name, mem in (_get(sc, "memory", "services") or {}).items():
        peak = _num(_get(mem, "saturation-peak-bytes"))
        out.append(
            Target(f"memory: {name} RSS at saturation", None if peak is None else peak / MIB, 200, False, "MiB")
        )  # fmt: skip
    return out


def fmt(value: float | None, unit: str = "") -> str:
    """A number for a table: ``-`` when missing, no decimals above 100."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "x":
        return f"{value:.2f}x"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{text} {unit}".strip() if unit not in ("/s",) else f"{text}/s"


def _latency_row(label: str, run: dict[str, Any] | None) -> str:
    lat = (run or {}).get("latency", {})
    return (
        f"| {label} | {fmt(_num(_get(run, 'offered-rate')), '/s')} | {fmt(_num(_get(run, 'throughput')), '/s')} "
        f"| {fmt(_num(lat.get('p50-ms')), 'ms')} | {fmt(_num(lat.get('p99-ms')), 'ms')} "
        f"| {_num(_get(run, 'ok')) or 0:.0f} | {sum((_get(run, 'errors') or {}).values())} |"
    )  # fmt: skip


def render_markdown(results: dict[str, Any], plots: list[str] | None = None) -> str:
    """The summary of one run as markdown."""
    m = results.get("machine", {})
    sc = results.get("scenarios", {})
    lines = [
        "# Benchmark run",
        "",
        f"* when: {results.get('started-at', '-')} (took {fmt(_num(results.get('elapsed-s')), 's')})",
        f"* command: `{results.get('command', 'make bench')}`",
        f"* machine: {m.get('cpus', '?')} cores ({m.get('cpu-model', '?')}), "
        f"{fmt(_num(m.get('memory-bytes')) and _num(m.get('memory-bytes')) / MIB, 'MiB')} memory, "  # type: ignore[operator]
        f"{m.get('kernel', '?')}, Python {m.get('python', '?')}; everything (Kafka, Redis, nginx, "
        "the services and the load generator) on this one machine",
        f"* code: {results.get('git', '-')}",
        f"* settings: {results.get('settings', {})}",
        "",
        "## Targets",
        "",
        "| target | measured | target | verdict |",
        "|---|---|---|---|",
    ]  # fmt: skip
    for t in targets(results):
        sign = ">=" if t.higher_is_better else "<="
        lines.append(
            f"| {t.name} | {fmt(t.value, t.unit)} | {sign} {fmt(t.threshold, t.unit)} | {t.verdict} |"
        )
    for name, title in (
        ("create", "create (through the gateway)"),
        ("redeem", "redeem (end to end)"),
    ):
        data = sc.get(name)
        if not data:
            continue
        sat = data.get("saturation", {})
        lines += [
            "",
            f"## {title}",
            "",
            f"Saturation (closed loop, {_get(sat, 'service', 'concurrency')} workers): service "
            f"{fmt(_num(_get(sat, 'service', 'throughput')), '/s')}, baseline "
            f"{fmt(_num(_get(sat, 'baseline', 'throughput')), '/s')}, ratio "
            f"{fmt(_num(sat.get('ratio')), 'x')}.",
            "",
            "| run | offered | achieved | p50 | p99 | ok | errors |",
            "|---|---|---|---|---|---|---|",
        ]  # fmt: skip
        for point in data.get("sweep", []):
            lines.append(_latency_row(f"{point['who']} open loop", point))
        lines.append(_latency_row("service saturation", sat.get("service")))
        lines.append(_latency_row("baseline saturation", sat.get("baseline")))
    fan = sc.get("fanout")
    if fan:
        fixed, sat, base = (
            fan.get("fixed-rate", {}),
            fan.get("saturation", {}),
            fan.get("baseline", {}),
        )
        lines += [
            "",
            f"## fan-out ({fan.get('webhooks')} signed webhooks, one local sink)",
            "",
            "| run | deliveries | per second | p50 | p99 | signatures valid / invalid |",
            "|---|---|---|---|---|---|",
            f"| notifier, {fmt(_num(fixed.get('offered-deliveries-per-s')), '/s')} offered "
            f"| {fixed.get('deliveries')}/{fixed.get('expected')} | {fmt(_num(fixed.get('throughput')), '/s')} "
            f"| {fmt(_num(_get(fixed, 'latency', 'p50-ms')), 'ms')} | {fmt(_num(_get(fixed, 'latency', 'p99-ms')), 'ms')} "
            f"| {fixed.get('signed-valid')} / {fixed.get('signed-invalid')} |",
            f"| notifier, saturation (burst of {sat.get('events')} events) "
            f"| {sat.get('deliveries')}/{sat.get('expected')} | {fmt(_num(sat.get('throughput')), '/s')} | | "
            f"| {sat.get('signed-valid')} / {sat.get('signed-invalid')} |",
            f"| baseline: plain aiohttp client, same bodies | {base.get('deliveries')} "
            f"| {fmt(_num(base.get('throughput')), '/s')} | {fmt(_num(_get(base, 'fixed-rate-latency', 'p50-ms')), 'ms')} "
            f"| {fmt(_num(_get(base, 'fixed-rate-latency', 'p99-ms')), 'ms')} | unsigned |",
            "",
            f"Ratio to baseline: {fmt(_num(fan.get('ratio')), 'x')}. Latency is from the event's "
            "acknowledgement by Kafka (baseline: from the post) to its arrival at the sink.",
        ]  # fmt: skip
    iso = sc.get("isolation")
    if iso:
        lines += [
            "",
            f"## isolation ({iso.get('slow-endpoints')} endpoints answer after {iso.get('slow-seconds')} s)",
            "",
            f"Healthy endpoints: {_get(iso, 'healthy', 'deliveries')}/{iso.get('expected-healthy')} "
            f"delivered at {fmt(_num(_get(iso, 'healthy', 'throughput')), '/s')}; fan-out figure "
            f"{fmt(_num(iso.get('fanout-figure')), '/s')}; ratio {fmt(_num(iso.get('ratio')), 'x')}. "
            f"Slow endpoints received {_get(iso, 'slow', 'deliveries')} attempts meanwhile.",
        ]  # fmt: skip
    st = sc.get("stats")
    if st:
        con, fresh = st.get("consumers", {}), st.get("freshness", {})
        lines += [
            "",
            "## stats (faust-streaming)",
            "",
            f"Same {con.get('messages')} share-token events, decoded and counted: faust agent "
            f"{fmt(_num(_get(con, 'faust', 'throughput')), '/s')}, project consumer "
            f"(connect_shared.subscriber) {fmt(_num(_get(con, 'subscriber', 'throughput')), '/s')}; "
            f"ratio {fmt(_num(con.get('ratio')), 'x')}. Freshness at {fresh.get('events-per-s')} "
            f"events/s: counted {fresh.get('counted')}/{fresh.get('tokens')} tokens, seconds from the "
            f"acknowledgement to the API counting it p50 {fmt(_num(_get(fresh, 'lag-s', 'p50')), 's')}, "
            f"p99 {fmt(_num(_get(fresh, 'lag-s', 'p99')), 's')}, max {fmt(_num(_get(fresh, 'lag-s', 'max')), 's')}.",
        ]  # fmt: skip
    mem = _get(sc, "memory", "services")
    if mem:
        lines += [
            "",
            "## memory (RSS)",
            "",
            "| service | idle | peak at saturation |",
            "|---|---|---|",
        ]
        for name, values in mem.items():
            idle, peak = _num(values.get("idle-bytes")), _num(values.get("saturation-peak-bytes"))
            lines.append(
                f"| {name} | {fmt(idle and idle / MIB, 'MiB')} | {fmt(peak and peak / MIB, 'MiB')} |"
            )
    cpu = results.get("cpu") or {}
    if cpu:
        names = sorted({k for v in cpu.values() for k in v if k != "wall-s"})
        lines += [
            "",
            f"## CPU by process and phase (cores busy; the machine has {m.get('cpus', '?')})",
            "",
            "| phase | " + " | ".join(names) + " | total |",
            "|---|" + "---|" * (len(names) + 1),
        ]
        for label, values in cpu.items():
            cells = [f"{values.get(n, 0.0):.2f}" for n in names]
            total = sum(values.get(n, 0.0) for n in names)
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {total:.2f} |")
    scaling = (results.get("scenarios") or {}).get("scaling") or {}
    if scaling:
        lines += [
            "",
            "## scaling: 1 and 2 processes of a service (`<SVC>_WORKERS`)",
            "",
            "| service | scenario | 1 process | 2 processes | ratio |",
            "|---|---|---|---|---|",
        ]
        for service, row in scaling.items():
            if "ratio" not in row:
                lines.append(f"| {service} | - | {row.get('skipped', '-')} | | |")
                continue
            lines.append(
                f"| {service} | {row['scenario']} | {fmt(row['1-throughput'], '/s')} | "
                f"{fmt(row['2-throughput'], '/s')} | {fmt(row['ratio'], 'x')} |"
            )
    data = (results.get("scenarios") or {}).get("data") or {}
    if data:
        rebuilt = data.get("rebuild") or {}
        lines += [
            "",
            f"## data: {data.get('preloaded-tokens', 0):,} share tokens preloaded",
            "",
            "| path | before the preload | with it | ratio |",
            "|---|---|---|---|",
        ]
        for name, ratio in (data.get("ratios") or {}).items():
            lines.append(
                f"| {name} | {fmt(data['before'][name], '/s')} | {fmt(data['after'][name], '/s')} "
                f"| {fmt(ratio, 'x')} |"
            )
        lines += [
            "",
            f"Preload applied to the view in {fmt(data.get('preload-s'), 's')}; after FLUSHALL the "
            f"rebuild replayed {rebuilt.get('rows', 0):,} rows in {fmt(rebuilt.get('seconds'), 's')}"
            f" ({fmt(rebuilt.get('rows-per-s'), 'rows/s')}).",
        ]
    for label, by_service in (results.get("stages") or {}).items():
        lines += _stage_lines(label, by_service)
    for label, by_service in (results.get("profiles") or {}).items():
        lines += ["", f"## profile: {label} (py-spy, share of samples)", ""]
        for service, summary in by_service.items():
            if not summary or "self" not in summary:
                lines.append(f"* {service}: {summary and summary.get('error')}")
                continue
            lines.append(f"**{service}** ({summary['samples']} samples), own time:")
            lines.append("")
            lines += [f"* {e['share']:.0%} `{e['function']}`" for e in summary["self"][:8]]
            lines += ["", "including callees:", ""]
            lines += [f"* {e['share']:.0%} `{e['function']}`" for e in summary["inclusive"][:12]]
            lines.append("")
    failures = results.get("failures") or {}
    if failures:
        lines += ["", "## scenarios that did not finish", ""]
        lines += [f"* {name}: {error}" for name, error in failures.items()]
    if plots:
        lines += ["", "## plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in plots]
    return "\n".join(lines) + "\n"


def _stage_lines(label: str, by_service: dict[str, Any]) -> list[str]:
    """A phase's per-stage table (from the services' stage histograms)."""
    lines = [
        "",
        f"## stages: {label} (from /metrics; ms per API request of that service)",
        "",
        "| service | stage | calls | mean ms | ms per request |",
        "|---|---|---|---|---|",
    ]
    for service, delta in by_service.items():
        for stage, row in (delta.get("stages") or {}).items():
            per = row.get("ms-per-request")
            lines.append(
                f"| {service} | {stage} | {row['calls']:.0f} | {row['mean-ms']:.2f} | "
                f"{'-' if per is None else f'{per:.2f}'} |"
            )
    return lines


def write_plots(results: dict[str, Any], directory: Path, stem: str) -> list[Path]:
    """Latency percentiles against offered rate (create, redeem) and throughput vs. baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    sc = results.get("scenarios", {})
    for name in ("create", "redeem"):
        sweep = _get(sc, name, "sweep")
        if not sweep:
            continue
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for who, style in (("service", "-"), ("baseline", "--")):
            points = sorted((p for p in sweep if p["who"] == who), key=lambda p: p["offered-rate"])
            rates = [p["offered-rate"] for p in points]
            for pct, marker in (("p50-ms", "o"), ("p99-ms", "s")):
                ax.plot(rates, [p["latency"][pct] for p in points], style, marker=marker,
                        label=f"{who} {pct[:-3]}")  # fmt: skip
        target = {"create": 50.0, "redeem": 100.0}[name]
        ax.axhline(
            target, color="red", linewidth=0.8, linestyle=":", label=f"p99 target {target:g} ms"
        )
        ax.set_yscale("log")
        ax.set_xlabel("offered rate (requests/s, open loop)")
        ax.set_ylabel("latency (ms)")
        ax.set_title(
            f"{name}: latency vs offered rate ({results.get('machine', {}).get('cpus', '?')} cores)"
        )
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        path = directory / f"{stem}-{name}-latency.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    bars: list[tuple[str, float, float]] = []
    for label, service, baseline in (
        ("create", _get(sc, "create", "saturation", "service", "throughput"), _get(sc, "create", "saturation", "baseline", "throughput")),
        ("redeem", _get(sc, "redeem", "saturation", "service", "throughput"), _get(sc, "redeem", "saturation", "baseline", "throughput")),
        ("fan-out", _get(sc, "fanout", "saturation", "throughput"), _get(sc, "fanout", "baseline", "throughput")),
        ("isolation (healthy)", _get(sc, "isolation", "healthy", "throughput"), _get(sc, "fanout", "saturation", "throughput")),
    ):  # fmt: skip
        if isinstance(service, int | float):
            bars.append((label, float(service), float(baseline or 0.0)))
    if bars:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        xs = range(len(bars))
        ax.bar([x - 0.2 for x in xs], [b[1] for b in bars], 0.4, label="scenario")
        ax.bar([x + 0.2 for x in xs], [b[2] for b in bars], 0.4, label="baseline (same run)")
        ax.set_xticks(list(xs), [b[0] for b in bars])
        ax.set_ylabel("operations / s at saturation")
        ax.set_title("throughput against its baseline")
        ax.legend(fontsize=8)
        ax.grid(True, axis="y", alpha=0.3)
        path = directory / f"{stem}-throughput.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
