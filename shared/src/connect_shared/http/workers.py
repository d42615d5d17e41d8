"""``<SVC>_WORKERS=N``: one service start runs N processes that share its port.

Every process binds the port with ``SO_REUSEPORT``, so the kernel spreads connections over
them, and runs the service's consumers too, as members of the same consumer groups (the
group spreads partitions over them as over replicas). The first process starts the others
(the same command line, marked as workers so they start no more), stops them when it stops,
and each worker exits when the first process dies (``PR_SET_PDEATHSIG`` on Linux).

Each process has its own ``/metrics`` (Prometheus client registries are per process): a
scrape through the shared port sees one of them.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

WORKER_ENV = "CONNECT_WORKER_OF"
_PR_SET_PDEATHSIG = 1
_STOP_SECONDS = 15.0


def is_worker() -> bool:
    """True in a process a first process started (it starts no workers of its own)."""
    return WORKER_ENV in os.environ


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: workers are still stopped by the first process's shutdown
        pass


@contextmanager
def extra_workers(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``count`` more processes of this command line; stop them on the way out."""
    env = {**os.environ, WORKER_ENV: str(os.getpid())}
    procs = [
        subprocess.Popen(sys.orig_argv, env=env, preexec_fn=_die_with_parent)  # noqa: S603
        for _ in range(count)
    ]
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                log.warning("a worker did not stop in time", extra={"pid": proc.pid})
                proc.kill()
