"""Per-stage latency histograms: where a request's (or a consumed batch's) time goes.

Every service exposes them on ``/metrics`` beside the HTTP totals, and
``deploy/grafana/connect.json`` charts them. Stages of a request (each observed only when the
request reaches it):

* ``auth_rate_limit``: the one Redis script that resolves the API key, charges its rate budget
  and checks the view marker (auth and rate limit are one round trip, so one stage).
* ``idempotency``: the ``Idempotency-Key`` slot taken before the handler and the answer stored
  after it.
* ``validation``: reading and parsing the JSON:API body.
* ``store_read``: reads of the Redis view.
* ``produce_commit``: a write set produced and committed on Kafka (group commit included).
* ``view_apply``: acknowledged writes applied to the Redis view.
* ``render``: serialising a response document; ``inflection``: rewriting its member names.

Consumers observe ``connect_consumer_lag_seconds`` (record timestamp to handling) and
``connect_consumer_batch_seconds`` (one fetched batch handled) per topic.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Histogram

_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
)

STAGE_SECONDS = Histogram(
    "connect_stage_duration_seconds",
    "Time spent in one stage of a request or write",
    ["service", "stage"],
    buckets=_BUCKETS,
)
CONSUMER_LAG = Histogram(
    "connect_consumer_lag_seconds",
    "From a consumed record's timestamp to its handling",
    ["service", "topic"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
CONSUMER_BATCH_SECONDS = Histogram(
    "connect_consumer_batch_seconds",
    "Time to handle one fetched batch of records",
    ["service", "topic"],
    buckets=_BUCKETS,
)

STAGES = (
    "auth_rate_limit",
    "idempotency",
    "validation",
    "store_read",
    "produce_commit",
    "view_apply",
    "render",
    "inflection",
)

_service = ["connect"]


def set_service(name: str) -> None:
    """Label this process's stage metrics with its service (one service per process)."""
    _service[0] = name


def observe(name: str, seconds: float) -> None:
    """Record ``seconds`` spent in stage ``name``."""
    STAGE_SECONDS.labels(_service[0], name).observe(seconds)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage ``name`` (also when it raises)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        observe(name, time.perf_counter() - started)


def consumed(topic: str, record_timestamps_ms: list[int], handled_in: float) -> None:
    """Record one handled batch of ``topic``: its duration and each record's lag."""
    service = _service[0]
    CONSUMER_BATCH_SECONDS.labels(service, topic).observe(handled_in)
    now_ms = time.time() * 1000
    lag = CONSUMER_LAG.labels(service, topic)
    for timestamp in record_timestamps_ms:
        lag.observe(max(0.0, (now_ms - timestamp) / 1000))
