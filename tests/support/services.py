"""Start, stop and kill the real service processes the way an operator would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.ports import SERVICE_PORTS, service_env

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / ".data" / "logs" / "tests"


def http_status(url: str, timeout: float = 1.0) -> int | None:
    """Status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, urllib.error.URLError):
        return None


def wait_until(check: object, timeout: float, what: str) -> None:
    """Poll ``check()`` until truthy, failing the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class ServiceProcess:
    """One service run as ``python -m <name>`` with its log in ``.data/logs/tests``."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return int(self.env.get(f"{self.name.upper()}_HTTP_PORT", SERVICE_PORTS[self.name]))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_ready: bool = True) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = (LOG_DIR / f"{self.name}.log").open("ab")
        environment = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            **service_env(self.name),
            **self.env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.name], cwd=ROOT, env=environment, stdout=log, stderr=log
        )
        if wait_ready:
            self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            return http_status(f"{self.url}/readyz") == 200

        wait_until(ready, timeout, f"{self.name} /readyz")

    def kill(self) -> None:
        """``kill -9``: no graceful shutdown, in-flight work is lost by the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()
