"""``python -m bench``: start what is missing, run the scenarios, write bench/results/."""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import subprocess
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

import aiohttp

from bench import dataset, report, scaling, scenarios, streaming
from bench.stack import ROOT, Endpoints, RssSampler, Stack, cpu_seconds, pid_listening
from connect_shared import jsonutil


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and kernel of this machine."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1]) * 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        mem = 0
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu-model": model,
        "memory-bytes": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def git_describe() -> str:
    git = shutil.which("git")
    if git is None:
        return "-"
    try:
        head = subprocess.run(  # noqa: S603
            [git, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603
            [git, "status", "--porcelain"], capture_output=True, text=True, cwd=ROOT, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "-"
    return f"{head}{' (uncommitted changes)' if dirty else ''}"


async def settle(pids: dict[str, int], quiet: float = 0.05, limit_s: float = 90.0) -> None:
    """Wait until every service is idle (under ``quiet`` cores over a second), e.g. done
    replaying what an earlier run left on Kafka, so that it does not count against the first
    scenario."""
    deadline = time.monotonic() + limit_s
    before = {name: cpu_seconds(pid) or 0.0 for name, pid in pids.items()}
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = {name: cpu_seconds(pid) or 0.0 for name, pid in pids.items()}
        busy = {name: now[name] - before[name] for name in pids}
        before = now
        if all(v < quiet for v in busy.values()):
            return
        scenarios.log(f"waiting for the services to settle: {busy}")


def command_line() -> str:
    keys = sorted(
        k
        for k in os.environ
        if k.startswith("BENCH_")
        or k in ("CONNECT_DATA_DIR", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "REDIS_PORT")
        or k in ("GATEWAY_PORT", "ISSUER_PORT", "REDEEMER_PORT", "NOTIFIER_PORT")
    )
    env = " ".join(f"{k}={os.environ[k]}" for k in keys)
    return f"{env} make bench".strip()


async def run(settings: scenarios.BenchSettings, stack: Stack, profile_dir: Path) -> dict[str, Any]:
    results: dict[str, Any] = {
        "started-at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command_line(),
        "machine": machine(),
        "git": git_describe(),
        "settings": {k: v for k, v in asdict(settings).items()},
        "scenarios": {},
        "failures": {},
    }
    began = time.monotonic()
    e = stack.endpoints
    others = {"load-generator": os.getpid()}
    for name, port in (("kafka", e.kafka_port), ("redis", e.redis_port), ("nginx", e.gateway_port)):
        pid = pid_listening(port)
        if pid is not None:
            others[name] = pid
    sampler = RssSampler(dict(stack.service_pids), others=others)
    await settle(stack.service_pids)
    sampler.sample()
    await asyncio.sleep(2.0)
    idle = sampler.sample()
    sampler.peaks.clear()
    sampler.cpu.clear()
    sampler.start()
    connector = aiohttp.TCPConnector(limit=max(256, settings.concurrency * 2), limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        ctx = scenarios.Context(settings, stack.endpoints, stack, session, sampler)
        if os.environ.get("BENCH_PROFILE", "") not in ("", "0"):
            ctx.profile_dir = profile_dir
        steps = {
            "create": scenarios.create,
            "redeem": scenarios.redeem,
            "fanout": scenarios.fanout,
            "isolation": scenarios.isolation,
            "stats": streaming.stats,
            "scaling": scaling.scaling,
            "data": dataset.data,
        }
        try:
            for name in settings.scenarios:
                if name == "memory":
                    continue
                scenarios.log(f"scenario {name}")
                try:
                    async with asyncio.timeout(600):
                        results["scenarios"][name] = await steps[name](ctx)
                        ctx.results[name] = results["scenarios"][name]
                except Exception as exc:
                    traceback.print_exc()
                    results["failures"][name] = f"{type(exc).__name__}: {exc}"
        finally:
            await scenarios.teardown_fanout(ctx)
            await sampler.stop()
        if "memory" in settings.scenarios:
            results["scenarios"]["memory"] = scenarios.memory(ctx, idle)
        results["cpu"] = {
            label: {k: (v if k == "wall-s" else v / max(values["wall-s"], 1e-9))
                    for k, v in values.items()}
            for label, values in sampler.cpu.items()
        }  # fmt: skip
        if ctx.profiles:
            results["profiles"] = ctx.profiles
        if "stages" in ctx.results:
            results["stages"] = ctx.results["stages"]
    results["elapsed-s"] = time.monotonic() - began
    return results


def write(results: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stem = time.strftime("%Y%m%d-%H%M%S")
    (directory / f"{stem}.json").write_bytes(jsonutil.dumps(results))
    (directory / "latest.json").write_bytes(jsonutil.dumps(results))
    try:
        plots = [p.name for p in report.write_plots(results, directory, stem)]
    except ImportError as exc:  # matplotlib missing: the numbers still count
        print(f"plots skipped: {exc}")
        plots = []
    summary = directory / f"{stem}.md"
    summary.write_text(report.render_markdown(results, plots))
    (directory / "latest.md").write_text(report.render_markdown(results, plots))
    return summary


def main() -> int:
    settings = scenarios.BenchSettings.from_env()
    endpoints = Endpoints.from_env()
    out = Path(os.environ.get("BENCH_RESULTS_DIR", str(ROOT / "bench" / "results")))
    stack = Stack(endpoints, endpoints.data_dir / "logs" / "bench")
    try:
        scenarios.log(f"stack: gateway {endpoints.gateway}, kafka {endpoints.bootstrap}")
        stack.start_infra()
        stack.start_services()
        results = asyncio.run(run(settings, stack, out / "profiles"))
    finally:
        stack.stop()
    summary = write(results, out)
    print(summary.read_text())
    print(f"results: {summary} (and .json, plots beside it)")
    return 1 if results["failures"] else 0
