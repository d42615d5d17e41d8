"""The real ``connect-admin`` CLI, as an operator runs it against the stack under test."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from connect_shared import jsonutil
from tests.support.ports import service_env
from tests.support.services import ROOT


def run_admin(*args: str) -> bytes:
    """Run ``connect-admin`` with ``args`` and return its stdout (fails on a non-zero exit)."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/connect-admin"), *args],
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, **service_env("issuer")},
    )
    return out.stdout


def create_org(name: str, rate_limit: int | None = None) -> dict[str, Any]:
    """``connect-admin org create``: ``{"id", "name", "rate-limit", "api-key", "api-key-id"}``.

    Organizations get the contract's default budget (100 requests/s per key, bursts of 200)
    unless a test that fires more than that passes ``rate_limit``."""
    extra = ("--rate-limit", str(rate_limit)) if rate_limit is not None else ()
    return dict(jsonutil.loads(run_admin("org", "create", "--name", name, *extra)))


def set_rate_limit(org_id: str, rate_limit: int) -> dict[str, Any]:
    """``connect-admin org set-rate-limit ORG_ID N``."""
    return dict(jsonutil.loads(run_admin("org", "set-rate-limit", org_id, str(rate_limit))))
