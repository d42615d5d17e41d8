"""Target checks, markdown rendering and profile summaries of the bench harness."""

from __future__ import annotations

from typing import Any

import pytest

from bench.profiles import frame_name, summarize_collapsed
from bench.report import MIB, fmt, render_markdown, targets

pytestmark = pytest.mark.unit


def run(p99_ms: float, offered: float, throughput: float) -> dict[str, Any]:
    return {
        "offered-rate": offered,
        "throughput": throughput,
        "ok": 100,
        "errors": {},
        "concurrency": 64,
        "latency": {"p50-ms": p99_ms / 2, "p99-ms": p99_ms},
    }


RESULTS: dict[str, Any] = {
    "machine": {"cpus": 2, "cpu-model": "test cpu", "memory-bytes": 4096 * MIB},
    "command": "BENCH_DURATION=10 make bench",
    "scenarios": {
        "create": {
            "saturation": {
                "service": run(80.0, 0, 1600.0),
                "baseline": run(10.0, 0, 4000.0),
                "ratio": 0.4,
            },
            "at-target-rate": {"who": "service", **run(40.0, 500, 500.0)},
            "sweep": [{"who": "service", **run(40.0, 500, 500.0)}],
        },
        "memory": {
            "services": {"issuer": {"idle-bytes": 70 * MIB, "saturation-peak-bytes": 250 * MIB}}
        },
    },
    "cpu": {"create-saturation": {"wall-s": 10.0, "issuer": 0.9, "kafka": 0.3}},
}


def by_name() -> dict[str, Any]:
    return {t.name: t for t in targets(RESULTS)}


def test_targets_compare_in_the_right_direction() -> None:
    t = by_name()
    assert t["create: creations/s at saturation"].met is True
    assert t["create: share of its baseline"].met is False
    assert t["create: p99 at 500/s offered"].met is True
    assert t["memory: issuer RSS at saturation"].value == pytest.approx(250.0)
    assert t["memory: issuer RSS at saturation"].met is False


def test_a_scenario_that_did_not_run_is_not_measured_rather_than_missed() -> None:
    t = by_name()["redeem: redemptions/s end to end"]
    assert t.value is None
    assert t.met is None
    assert t.verdict == "not measured"


def test_markdown_names_the_machine_the_command_and_every_verdict() -> None:
    text = render_markdown(RESULTS, ["run-create-latency.png"])
    assert "2 cores (test cpu)" in text
    assert "4,096 MiB" in text
    assert "`BENCH_DURATION=10 make bench`" in text
    assert "| create: share of its baseline | 0.40x | >= 0.50x | MISSED |" in text
    assert "| create: creations/s at saturation | 1,600/s | >= 1,500/s | met |" in text
    assert "not measured" in text
    assert "![run-create-latency](run-create-latency.png)" in text
    assert "| create-saturation | 0.90 | 0.30 | 1.20 |" in text  # issuer, kafka


def test_fmt() -> None:
    assert fmt(None) == "-"
    assert fmt(float("nan"), "ms") == "-"
    assert fmt(1234.0, "/s") == "1,234/s"
    assert fmt(12.345, "ms") == "12.3 ms"
    assert fmt(0.5, "x") == "0.50x"


def test_profile_summary_ranks_own_and_inclusive_time() -> None:
    collapsed = "\n".join(
        [
            "main (app/__main__.py:3);handle (app/http.py:10);parse (app/json.py:5) 6",
            "main (app/__main__.py:3);handle (app/http.py:12);send (app/kafka.py:7) 3",
            "main (app/__main__.py:3);idle (app/loop.py:1) 1",
            "garbage line",
        ]
    )
    summary = summarize_collapsed(collapsed, top=3)
    assert summary["samples"] == 10
    assert summary["self"][0] == {"function": "parse (app/json.py)", "samples": 6, "share": 0.6}
    inclusive = {e["function"]: e["samples"] for e in summary["inclusive"]}
    assert inclusive["main (app/__main__.py)"] == 10
    assert inclusive["handle (app/http.py)"] == 9  # two lines of one function count once each


def test_frame_name_drops_line_numbers() -> None:
    assert frame_name(" create (issuer/x.py:60) ") == "create (issuer/x.py)"


def test_stage_deltas_give_calls_and_time_per_stage_between_two_scrapes() -> None:
    from bench.stages import stage_deltas

    def page(seconds: float, calls: int, requests: int) -> str:
        return "\n".join(
            [
                f'connect_stage_duration_seconds_sum{{service="issuer",stage="render"}} {seconds}',
                f'connect_stage_duration_seconds_count{{service="issuer",stage="render"}} {calls}',
                'connect_http_requests_total{service="issuer",method="POST",'
                f'route="/api/v1/connect/share-tokens",status="201"}} {requests}',
            ]
        )

    delta = stage_deltas(page(1.0, 10, 10), page(1.5, 110, 60))
    assert delta["api-requests"] == 50
    render = delta["stages"]["render"]
    assert render["calls"] == 100
    assert abs(render["mean-ms"] - 5.0) < 1e-9
    assert abs(render["ms-per-request"] - 10.0) < 1e-9
