"""The stack a bench run talks to: where it listens (the same env as deploy/local/lib.sh, so a
bench stack can run beside the usual one), starting what is not already up and stopping only
what this run started, helper processes, resident memory and consumer-group lag."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("issuer", "redeemer", "notifier", "stats")
BENCH_TOPICS = ("bench.produce-floor", "bench.roundtrip", "bench.stats-events")


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


@dataclass(frozen=True)
class Endpoints:
    """Ports and data directory of the stack under test (env as in deploy/local/lib.sh)."""

    data_dir: Path
    kafka_port: int
    redis_port: int
    gateway_port: int
    service_ports: dict[str, int]
    helper_base_port: int

    @classmethod
    def from_env(cls) -> Endpoints:
        data = Path(os.environ.get("CONNECT_DATA_DIR", str(ROOT / ".data")))
        ports = {
            "issuer": _port("ISSUER_PORT", _port("ISSUER_HTTP_PORT", 8001)),
            "redeemer": _port("REDEEMER_PORT", _port("REDEEMER_HTTP_PORT", 8002)),
            "notifier": _port("NOTIFIER_PORT", _port("NOTIFIER_HTTP_PORT", 8003)),
            "stats": _port("STATS_PORT", _port("STATS_HTTP_PORT", 8004)),
        }
        gateway = _port("GATEWAY_PORT", 8080)
        return cls(
            data_dir=data,
            kafka_port=_port("KAFKA_PORT", 9092),
            redis_port=_port("REDIS_PORT", 6379),
            gateway_port=gateway,
            service_ports=ports,
            # The baseline server and the webhook sink: BENCH_HELPER_PORT, BENCH_HELPER_PORT+1.
            helper_base_port=_port("BENCH_HELPER_PORT", gateway + 100),
        )

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.service_ports[name]}"

    def service_env(self, name: str) -> dict[str, str]:
        """The prefixed settings pointing service ``name`` (or connect-admin) at this stack."""
        prefix = name.upper()
        env = {
            f"{prefix}_HTTP_HOST": "127.0.0.1",
            f"{prefix}_HTTP_PORT": str(self.service_ports.get(name, 0)),
            f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            f"{prefix}_REDIS_URL": self.redis_url,
            f"{prefix}_PROFILE": os.environ.get(f"{prefix}_PROFILE", "development"),
        }
        if name == "notifier":
            # BENCH_WEBHOOKS may ask for more webhooks than the per-organization default cap.
            cap = "NOTIFIER_MAX_WEBHOOKS_PER_ORGANIZATION"
            env[cap] = os.environ.get(cap, "100000")
        if name == "stats":
            # faust's data directory and web server, as deploy/local/service.sh sets them.
            env["STATS_DATA_DIR"] = os.environ.get("STATS_DATA_DIR", str(self.data_dir / "stats"))
            env["STATS_FAUST_WEB_PORT"] = os.environ.get(
                "STATS_FAUST_WEB_PORT", str(self.kafka_port + 14)
            )
        return env

    def stack_env(self) -> dict[str, str]:
        """The env deploy/local/stack.sh reads."""
        return {
            "CONNECT_DATA_DIR": str(self.data_dir),
            "KAFKA_PORT": str(self.kafka_port),
            "KAFKA_CONTROLLER_PORT": os.environ.get(
                "KAFKA_CONTROLLER_PORT", str(self.kafka_port + 1)
            ),
            "REDIS_PORT": str(self.redis_port),
            "GATEWAY_PORT": str(self.gateway_port),
            "ISSUER_PORT": str(self.service_ports["issuer"]),
            "REDEEMER_PORT": str(self.service_ports["redeemer"]),
            "NOTIFIER_PORT": str(self.service_ports["notifier"]),
            "STATS_PORT": str(self.service_ports["stats"]),
        }


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_status(url: str, timeout: float = 1.0) -> int | None:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("bench only talks to 127.0.0.1")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, urllib.error.URLError):
        return None


def wait_http_ready(url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}")
        if http_status(url) == 200:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout}s")


@dataclass
class Process:
    """A process this run started (and so stops)."""

    name: str
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


@dataclass
class Stack:
    """Starts what is missing, remembers what it started, stops exactly that."""

    endpoints: Endpoints
    log_dir: Path
    started_infra: bool = False
    processes: list[Process] = field(default_factory=list)
    service_pids: dict[str, int] = field(default_factory=dict)

    def _stack_sh(self, command: str) -> None:
        subprocess.run(  # noqa: S603
            [shutil.which("bash") or "/bin/bash", str(ROOT / "deploy/local/stack.sh"), command],
            check=True,
            cwd=ROOT,
            env={**os.environ, **self.endpoints.stack_env()},
            timeout=600,
        )

    def start_infra(self) -> None:
        """``stack.sh start`` (idempotent); remember whether nothing was up before, so only
        then the run stops the infra at the end."""
        e = self.endpoints
        self.started_infra = not any(
            port_open(p) for p in (e.kafka_port, e.redis_port, e.gateway_port)
        )
        self._stack_sh("start")

    def start_helper(self, name: str, *args: str, ready_path: str = "/readyz") -> Process:
        """Start ``python -m bench.servers ...`` and wait for it to answer."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.log").open("ab")
        popen = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.servers", *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=log,
        )
        process = Process(name, popen)
        self.processes.append(process)
        port = args[args.index("--port") + 1]
        wait_http_ready(f"http://127.0.0.1:{port}{ready_path}", 60, popen)
        return process

    def start_services(self) -> None:
        """Start each service as ``python -m <svc>`` unless its /readyz already answers."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        mine: dict[str, Process] = {}
        for name in SERVICES:
            url = self.endpoints.service_url(name)
            if http_status(f"{url}/readyz") == 200:
                pid = pid_listening(self.endpoints.service_ports[name])
                if pid is not None:
                    self.service_pids[name] = pid
                continue
            mine[name] = self._start_service(name, {})
        for name, process in mine.items():
            wait_http_ready(f"{self.endpoints.service_url(name)}/readyz", 90, process.popen)

    def owns(self, name: str) -> bool:
        """Whether this run started service ``name`` (and so may restart it)."""
        return any(p.name == name for p in self.processes)

    def restart_service(self, name: str, workers: int) -> list[int]:
        """Restart a service this run started with ``<SVC>_WORKERS=workers``; the pids that
        then serve its port (the first one started the others)."""
        old = next(p for p in self.processes if p.name == name)
        old.stop()
        self.processes.remove(old)
        process = self._start_service(name, {f"{name.upper()}_WORKERS": str(workers)})
        wait_http_ready(f"{self.endpoints.service_url(name)}/readyz", 90, process.popen)
        port = self.endpoints.service_ports[name]
        deadline = time.monotonic() + 60
        while len(pids_listening(port)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        return pids_listening(port)

    def _start_service(self, name: str, extra: dict[str, str]) -> Process:
        log = (self.log_dir / f"{name}.log").open("ab")
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "NOTIFIER_SSRF_ALLOW_CIDRS": os.environ.get(
                "NOTIFIER_SSRF_ALLOW_CIDRS", "127.0.0.0/8,::1/128"
            ),
            "REDEEMER_SIGNING_KEY_DIR": os.environ.get(
                "REDEEMER_SIGNING_KEY_DIR", str(self.endpoints.data_dir / "keys/redeemer")
            ),
            **self.endpoints.service_env(name),
            **extra,
        }
        popen = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", name], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        process = Process(name, popen)
        self.processes.append(process)
        self.service_pids[name] = popen.pid
        return process

    def stop(self) -> None:
        """Stop the processes this run started (newest first), then the infra if it started
        it."""
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        if self.started_infra:
            self._stack_sh("stop")


def pid_listening(port: int) -> int | None:
    """The pid of the process listening on 127.0.0.1:``port`` (from /proc), if visible."""
    found = pids_listening(port)
    return found[0] if found else None


def pids_listening(port: int) -> list[int]:
    """Every process listening on ``port`` (several with ``SO_REUSEPORT``), from /proc."""
    wanted = f"{port:04X}"
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) > 9 and cols[1].endswith(":" + wanted) and cols[3] == "0A":
                inodes.add(cols[9])
    if not inodes:
        return []
    targets = {f"socket:[{inode}]" for inode in inodes}
    found: list[int] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in targets for fd in (proc / "fd").iterdir()):
                found.append(int(proc.name))
        except OSError:
            continue
    return sorted(found)


def rss_bytes(pid: int) -> int | None:
    """Resident set size of ``pid`` (VmRSS), or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int, with_children: bool = False) -> float | None:
    """User + system CPU time of ``pid`` so far, plus its live direct children's with
    ``with_children`` (nginx: the master does nothing, its worker does the work)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = int(fields[11]) + int(fields[12])
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    if not with_children:
        children = []
    for child in children:
        try:
            cf = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(cf[11]) + int(cf[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """Samples the services' RSS in the background (``peaks`` per label, i.e. scenario phase)
    and the CPU time of every process of the stack (``cpu`` per label: CPU seconds and wall
    seconds, so a phase's share of the machine per process can be read off)."""

    def __init__(
        self, pids: dict[str, int], interval: float = 0.5, others: dict[str, int] | None = None
    ) -> None:
        self.pids = pids
        self.others = others or {}
        self.interval = interval
        self.label = "idle"
        self.peaks: dict[str, dict[str, int]] = {}
        self.cpu: dict[str, dict[str, float]] = {}
        self._last: dict[str, float] = {}
        self._last_at = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> dict[str, int]:
        values = {}
        for name, pid in self.pids.items():
            rss = rss_bytes(pid)
            if rss is not None:
                values[name] = rss
                peaks = self.peaks.setdefault(self.label, {})
                peaks[name] = max(peaks.get(name, 0), rss)
        now = time.monotonic()
        cpu = self.cpu.setdefault(self.label, {})
        cpu["wall-s"] = cpu.get("wall-s", 0.0) + (now - self._last_at)
        self._last_at = now
        for name, pid in {**self.pids, **self.others}.items():
            used = cpu_seconds(pid, with_children=name == "nginx")
            if used is None:
                continue
            if name in self._last:
                cpu[name] = cpu.get(name, 0.0) + max(0.0, used - self._last[name])
            self._last[name] = used
        return values

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._last_at = time.monotonic()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def ensure_bench_topics(bootstrap: str) -> None:
    """The baselines' own topics (6 partitions like connect.events, one hour retention)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        present = set(await admin.list_topics())
        missing = [
            NewTopic(t, 6, 1, topic_configs={"retention.ms": "3600000"})
            for t in BENCH_TOPICS
            if t not in present
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


async def group_lag(bootstrap: str, group: str, topic: str) -> int | None:
    """Messages of ``topic`` not yet committed by consumer ``group`` (None: group unknown)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        parts = [tp for tp in committed if tp.topic == topic]
        if not parts:
            return None
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
        await consumer.start()
        try:
            ends = await consumer.end_offsets(parts)
        finally:
            await consumer.stop()
        return int(sum(max(0, ends[tp] - committed[tp].offset) for tp in parts))
    finally:
        await admin.close()


async def wait_caught_up(
    bootstrap: str, group: str, topic: str, limit_s: float, slack: int = 0
) -> float:
    """Wait until ``group`` has committed all of ``topic`` (within ``slack``); seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        lag = await group_lag(bootstrap, group, topic)
        if lag is not None and lag <= slack:
            break
        await asyncio.sleep(0.5)
    return time.monotonic() - start
