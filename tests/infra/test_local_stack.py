"""The background infra of `make infra-up` (deploy/local/stack.sh) is up and complete.

Skipped when the stack is not running (plain `pytest` without `make infra-up`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from infra_support import ROOT

pytestmark = pytest.mark.integration

KAFKA_PORT = int(os.environ.get("KAFKA_PORT", "9092"))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6379"))


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not port_open(KAFKA_PORT), reason="Kafka not running (make infra-up)")
def test_topics_exist_with_partitions() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/topics.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "connect.state" in result.stdout


@pytest.mark.skipif(not port_open(KAFKA_PORT), reason="Kafka not running (make infra-up)")
def test_topic_creation_is_idempotent() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/topics.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not port_open(REDIS_PORT), reason="Redis not running (make infra-up)")
def test_redis_answers_ping() -> None:
    with socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=2) as s:
        s.sendall(b"PING\r\n")
        assert s.recv(64) == b"+PONG\r\n"
