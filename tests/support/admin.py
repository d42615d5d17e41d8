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


def create_org(name: str) -> dict[str, Any]:
    """``connect-admin org create``: ``{"id", "name", "api-key", "api-key-id"}``."""
    return dict(jsonutil.loads(run_admin("org", "create", "--name", name)))
