"""``<SVC>_WORKERS``: one service start serves its port from several processes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.stack import pids_listening
from tests.conftest import TEST_ENV
from tests.support.ports import SERVICE_PORTS
from tests.support.services import ServiceProcess, http_status, wait_until

pytestmark = pytest.mark.e2e

# Beside the suite's own notifier: its port + 100 (inside the stack's port block).
PORT = SERVICE_PORTS["notifier"] + 100


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


def test_two_workers_share_the_port_and_stop_with_the_service(infrastructure: None) -> None:
    service = ServiceProcess(
        "notifier", {**TEST_ENV, "NOTIFIER_HTTP_PORT": str(PORT), "NOTIFIER_WORKERS": "2"}
    )
    service.start()
    try:
        assert service.process is not None
        wait_until(lambda: len(pids_listening(PORT)) == 2, 60, "two processes on the port")
        listening = pids_listening(PORT)
        assert service.process.pid in listening
        assert http_status(f"{service.url}/readyz") == 200
    finally:
        service.stop()
    wait_until(lambda: not any(alive(pid) for pid in listening), 30, "workers stopped")
    assert not pids_listening(PORT)
    assert os.environ.get("CONNECT_WORKER_OF") is None
