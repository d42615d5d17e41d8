"""Helpers for the deploy/ and local-runtime tests (a plain module: tests/infra has no
__init__.py, so pytest puts this directory on sys.path)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def render_local_nginx(tmp: Path, ports: dict[str, int], deploy: Path = DEPLOY) -> Path:
    """Render deploy/nginx/nginx.conf.template the way deploy/local/nginx.sh does (including
    the files under ``deploy``: a test may point it at an edited copy)."""
    data = tmp / "data"
    (data / "nginx" / "tmp").mkdir(parents=True, exist_ok=True)
    (data / "logs").mkdir(parents=True, exist_ok=True)
    values = {
        "DATA": str(data),
        "DEPLOY": str(deploy),
        "GATEWAY_PORT": str(ports["gateway"]),
        # One replica each: the upstream's single server line.
        **{
            f"{svc.upper()}_SERVERS": f"server 127.0.0.1:{ports[svc]} max_fails=0;"
            for svc in ("issuer", "redeemer", "notifier")
        },
        # Optional for callers that predate the stats service (nginx only needs a number).
        "STATS_PORT": str(ports.get("stats", 8004)),
    }
    text = (deploy / "nginx" / "nginx.conf.template").read_text()
    text = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], text)
    conf = data / "nginx" / "nginx.conf"
    conf.write_text(text)
    return conf
