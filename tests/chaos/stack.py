"""The chaos suite's own stack: three Kafka brokers, Redis, the gateway, one issuer and two
replicas of redeemer and notifier, in a data directory of its own (``<data>/chaos``, wiped at
every start) on ports of its own, so it runs beside the usual stack (also inside ``make test``).

Ports: everything is derived from ``CHAOS_BASE_PORT`` (default ``KAFKA_PORT + 400``, so 9492
on a default stack, 39492 beside ``KAFKA_PORT=39092``):

=============================  =====================================================
base, +1, +2, +3               Kafka node 1: client, controller, SASL, SASL+TLS
base+10.. / base+20..          Kafka nodes 2 and 3 (deploy/local/lib.sh: +10 per node)
base+30 / base+31              Redis / the gateway
base+32                        issuer
base+33, base+133              redeemer replicas 1 and 2 (+100 per replica, lib.sh)
base+34, base+134              notifier replicas 1 and 2
base+35                        the webhook sink of the load
=============================  =====================================================
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tests.support.services import ROOT, http_status, wait_until

KAFKA_NODES = 3
REPLICAS = {"issuer": 1, "redeemer": 2, "notifier": 2}


def base_port() -> int:
    """The first port of the chaos stack (see the module docstring)."""
    default = int(os.environ.get("KAFKA_PORT", "9092")) + 400
    return int(os.environ.get("CHAOS_BASE_PORT", str(default)))


def main_data_dir() -> Path:
    return Path(os.environ.get("CONNECT_DATA_DIR", str(ROOT / ".data")))


@dataclass(frozen=True)
class Ports:
    """Where each part of the chaos stack listens."""

    base: int

    def kafka(self, node: int) -> int:
        return self.base + 10 * (node - 1)

    @property
    def redis(self) -> int:
        return self.base + 30

    @property
    def gateway(self) -> int:
        return self.base + 31

    @property
    def sink(self) -> int:
        return self.base + 35

    def service(self, name: str, replica: int = 1) -> int:
        first = {"issuer": 32, "redeemer": 33, "notifier": 34}[name]
        return self.base + first + 100 * (replica - 1)

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.kafka(n)}" for n in range(1, KAFKA_NODES + 1))

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis}/0"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway}"


# Short retries, attempts and leases so recoveries fit in a bounded run (as tests/conftest.py).
SERVICE_SETTINGS = {
    "NOTIFIER_SSRF_ALLOW_CIDRS": "127.0.0.0/8,::1/128",
    "NOTIFIER_RETRY_SCHEDULE": "0,1,1,2,2,4,4,8,8,8",
    "NOTIFIER_DELIVERY_TIMEOUT_SECONDS": "1",
    "NOTIFIER_CONNECT_TIMEOUT_SECONDS": "1",
    "NOTIFIER_DELIVERY_LEASE_SECONDS": "8",
}


@dataclass
class Replica:
    """One service process of the chaos stack."""

    name: str
    replica: int
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def label(self) -> str:
        return self.name if REPLICAS[self.name] == 1 else f"{self.name}-{self.replica}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.name], cwd=ROOT, env=self.env, stdout=out, stderr=out
        )

    def ready(self) -> bool:
        return http_status(f"{self.url}/readyz", timeout=2) == 200

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """``kill -9``: nothing is finished or flushed."""
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def terminate(self, timeout: float = 60.0) -> int | None:
        """SIGTERM and wait for the exit; the exit code (None if it had to be killed)."""
        if not self.alive():
            return None
        assert self.process is not None
        self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None


@dataclass
class ChaosStack:
    """Starts, breaks and stops the chaos stack; every process it stops is its own."""

    ports: Ports = field(default_factory=lambda: Ports(base_port()))
    data: Path = field(default_factory=lambda: main_data_dir() / "chaos")
    replicas: list[Replica] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    def stack_env(self) -> dict[str, str]:
        """The variables of deploy/local/lib.sh for this stack."""
        p = self.ports
        return {
            **os.environ,
            "CONNECT_DATA_DIR": str(self.data),
            "KAFKA_LIBS_DIR": str(main_data_dir() / "kafka-libs"),
            "KAFKA_BROKERS": str(KAFKA_NODES),
            "KAFKA_PORT": str(p.kafka(1)),
            "KAFKA_CONTROLLER_PORT": str(p.kafka(1) + 1),
            "KAFKA_SASL_PORT": str(p.kafka(1) + 2),
            "KAFKA_SASL_SSL_PORT": str(p.kafka(1) + 3),
            "REDIS_PORT": str(p.redis),
            "GATEWAY_PORT": str(p.gateway),
            "ISSUER_PORT": str(p.service("issuer")),
            "REDEEMER_PORT": str(p.service("redeemer")),
            "NOTIFIER_PORT": str(p.service("notifier")),
            "REDEEMER_REPLICAS": str(REPLICAS["redeemer"]),
            "NOTIFIER_REPLICAS": str(REPLICAS["notifier"]),
            "KAFKA_BOOTSTRAP_SERVERS": p.bootstrap,
            # Another stack's variables must not leak into this one's processes.
            "KAFKA_REPLICATION_FACTOR": "3",
            # Its services use the plain listener: storing the SASL user only costs start time.
            "STACK_SCRAM_USERS": "0",
        }

    def service_env(self, name: str, port: int = 0) -> dict[str, str]:
        """The environment of one service process (or connect-admin) of this stack."""
        prefix = name.upper()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ISSUER_", "REDEEMER_", "NOTIFIER_"))
        }
        env.update(SERVICE_SETTINGS)
        if port:
            env[f"{prefix}_HTTP_PORT"] = str(port)
        env.update(
            {
                "PYTHONUNBUFFERED": "1",
                f"{prefix}_HTTP_HOST": "127.0.0.1",
                f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": self.ports.bootstrap,
                f"{prefix}_REDIS_URL": self.ports.redis_url,
                f"{prefix}_PROFILE": "development",
                "REDEEMER_SIGNING_KEY_DIR": str(self.data / "keys" / "redeemer"),
            }
        )
        return env

    def _stack_sh(self, command: str, timeout: float = 300) -> None:
        subprocess.run(
            [shutil.which("bash") or "/bin/bash", str(ROOT / "deploy/local/stack.sh"), command],
            check=True,
            cwd=ROOT,
            # The last node of a cluster being stopped waits for a quorum that is gone: the
            # suite's stack is thrown away, so it does not wait long for it.
            env={**self.stack_env(), "STACK_STOP_TIMEOUT": "10"},
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=self._stack_log(),
        )

    def _stack_log(self) -> IO[bytes]:
        path = main_data_dir() / "logs" / "chaos-stack.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("ab")

    def start(self) -> None:
        """A fresh stack: infra (three brokers), then every replica, ready."""
        self._stack_sh("stop")
        shutil.rmtree(self.data, ignore_errors=True)
        for attempt in (1, 2, 3):
            try:
                self._stack_sh("start")
                break
            except subprocess.CalledProcessError:
                # Ports above 32767 are also the kernel's ephemeral range: an outgoing
                # connection of another process may hold one of ours for a moment. stack.sh
                # start starts again only what is not running.
                if attempt == 3:
                    raise
        for name, count in REPLICAS.items():
            for replica in range(1, count + 1):
                port = self.ports.service(name, replica)
                self.replicas.append(
                    Replica(
                        name,
                        replica,
                        port,
                        self.service_env(name, port),
                        self.logs / "services" / f"{name}-{replica}.log",
                    )
                )
        for process in self.replicas:
            process.start()
        self.wait_ready(120)

    def wait_ready(self, timeout: float) -> None:
        """Every replica answers /readyz 200. A replica that exited meanwhile is started again
        (at most 3 times), as its supervisor would: on a machine whose ephemeral port range
        covers the suite's ports, an outgoing connection may hold a port at the moment a
        replica binds it."""
        restarts: dict[str, int] = {}

        def ready() -> bool:
            for replica in self.replicas:
                if replica.process is not None and not replica.alive():
                    restarts[replica.label] = restarts.get(replica.label, 0) + 1
                    if restarts[replica.label] > 3:
                        raise RuntimeError(f"{replica.label} keeps exiting; see {replica.log}")
                    replica.start()
            return all(r.ready() for r in self.replicas)

        wait_until(ready, timeout, "every replica ready")

    def of(self, name: str) -> list[Replica]:
        return [r for r in self.replicas if r.name == name]

    def stop(self) -> None:
        """Tear the stack down, fast: it is thrown away (wiped at the next start), so nothing
        is waited for but the processes' exits. Replicas get SIGTERM together (bounded), the
        brokers kill -9 (a controlled shutdown of the last node waits for a quorum that is
        gone), then stack.sh stops the rest."""
        for replica in self.replicas:
            if replica.alive():
                assert replica.process is not None
                replica.process.terminate()
        deadline = time.monotonic() + 15
        for replica in self.replicas:
            if replica.process is not None:
                try:
                    replica.process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    replica.kill()
        for node in range(1, KAFKA_NODES + 1):
            with contextlib.suppress(OSError, ValueError):
                component = "kafka" if node == 1 else f"kafka-{node}"
                # Only a broker of this stack (a stale pid file may name another process).
                cmdline = Path(f"/proc/{self._pid(component)}/cmdline").read_bytes()
                if str(self.data).encode() in cmdline:
                    self.kill_component(component)
        self._stack_sh("stop", timeout=120)

    # Infrastructure faults -------------------------------------------------------------

    def _pid(self, component: str) -> int:
        return int((self.data / "run" / f"{component}.pid").read_text().strip())

    def kill_component(self, component: str) -> None:
        """``kill -9`` of a component stack.sh started (``kafka``, ``kafka-2``, ``redis``)."""
        pid = self._pid(component)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def terminate_component(self, component: str) -> None:
        """SIGTERM of a component and wait until it exited (a clean broker restart)."""
        pid = self._pid(component)
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if Path(f"/proc/{pid}").exists():
            os.kill(pid, signal.SIGKILL)

    def start_missing(self) -> None:
        """``stack.sh start``: starts what is down, waits until every broker is back."""
        self._stack_sh("start")

    def flushall(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.ports.redis), "flushall"],
            check=True,
            capture_output=True,
            timeout=10,
        )
