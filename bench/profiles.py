"""Sampling profiles of the services under load (``BENCH_PROFILE=1``): py-spy records each
service during the saturation phases; ``summarize_collapsed`` (pure) turns its collapsed stacks
into the functions that dominate, by own time and by time including callees."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_LINE = re.compile(r":\d+\)$")


def frame_name(frame: str) -> str:
    """``"create (issuer/x.py:60)"`` -> ``"create (issuer/x.py)"``: one entry per function."""
    frame = frame.strip()
    frame = _LINE.sub(")", frame)
    return frame.replace("/work/main/", "").replace(".venv/lib/python3.11/site-packages/", "")


def summarize_collapsed(text: str, top: int = 15) -> dict[str, Any]:
    """Top functions of py-spy ``--format raw`` output (``a;b;c <count>`` per line)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_name(f) for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count

    def share(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"function": name, "samples": n, "share": n / total if total else 0.0}
            for name, n in counter.most_common(top)
        ]

    return {"samples": total, "self": share(own), "inclusive": share(inclusive)}


def py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


async def record(pid: int, seconds: float, out: Path, rate: int = 50) -> dict[str, Any] | None:
    """py-spy record ``pid`` for ``seconds``; the summary (None when py-spy is unavailable)."""
    binary = py_spy()
    if binary is None:
        return None
    proc = await asyncio.create_subprocess_exec(
        binary, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))),
        "--rate", str(rate), "--format", "raw", "--output", str(out), "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    text = await asyncio.to_thread(_read, out)
    if proc.returncode != 0 or text is None:
        return {"error": err.decode(errors="replace")[-300:]}
    return summarize_collapsed(text)


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None
