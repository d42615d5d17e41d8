"""Fixtures shared by every suite: the real infrastructure, the real services, organizations.

Kafka, Redis and nginx are started by ``deploy/local/stack.sh start`` (idempotent, so running
pytest alone also works); the three services run as real processes on their usual ports,
behind the real gateway.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from tests.support.admin import close_admin, create_org
from tests.support.api import ApiClient
from tests.support.kafka import TopicRecorder
from tests.support.ports import DATA_DIR, STATS_FAUST_WEB_PORT, service_env
from tests.support.services import ROOT, ServiceProcess

# In-process apps and settings built by tests read the same prefixed variables as the service
# processes, so the whole suite follows the stack's ports (deploy/local/lib.sh variables).
for _service in ("issuer", "redeemer", "notifier", "stats"):
    for _name, _value in service_env(_service).items():
        os.environ.setdefault(_name, _value)
# The issuer and connect-admin seal ingest-key secrets with one key; not the public development
# default, which the production profile the issuer runs in may refuse.
os.environ.setdefault("ISSUER_INGEST_SECRETS_KEY", "dGVzdHMtb25seS1pbmdlc3Qta2V5LXNlYWxpbmctMDE=")

TEST_ENV = {
    # The webhook sinks of the tests listen on loopback.
    "NOTIFIER_PROFILE": "development",
    "NOTIFIER_SSRF_ALLOW_CIDRS": "127.0.0.0/8,::1/128",
    "NOTIFIER_RETRY_SCHEDULE": "0,1,1,2",
    # Short attempts and leases so timeouts and kill -9 recoveries fit in a test.
    "NOTIFIER_DELIVERY_TIMEOUT_SECONDS": "1",
    "NOTIFIER_CONNECT_TIMEOUT_SECONDS": "1",
    "NOTIFIER_DELIVERY_LEASE_SECONDS": "8",
    # The dashboard's session cookie: one signing secret shared by the three services (the
    # issuer and redeemer run in the production profile, which refuses the development one).
    **{
        f"{svc}_DASHBOARD_SESSION_SECRET": "tests-dashboard-session-secret-0123456789abcdef"
        for svc in ("ISSUER", "REDEEMER", "NOTIFIER", "STATS")
    },
    # The stats worker: faust's data directory and its own web server (127.0.0.1).
    "STATS_DATA_DIR": str(DATA_DIR / "stats"),
    "STATS_FAUST_WEB_PORT": str(STATS_FAUST_WEB_PORT),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that kill shared infrastructure run last, so they cannot disturb the others."""
    items.sort(key=lambda item: item.get_closest_marker("disruptive") is not None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The in-process admin's producer and Redis pool close with the session."""
    close_admin()


@pytest.fixture(scope="session")
def infrastructure() -> None:
    """Kafka, Redis and the gateway are up and the topics exist."""
    subprocess.run(["bash", str(ROOT / "deploy/local/stack.sh"), "start"], check=True, cwd=ROOT)


@pytest.fixture(scope="session")
def services(infrastructure: None) -> Iterator[dict[str, ServiceProcess]]:
    """The issuer, redeemer, notifier and stats running as real processes."""
    running = {
        name: ServiceProcess(name, dict(TEST_ENV))
        for name in ("issuer", "redeemer", "notifier", "stats")
    }
    for service in running.values():
        service.start(wait_ready=False)
    try:
        for service in running.values():
            service.wait_ready()
        yield running
    finally:
        for service in running.values():
            service.stop()


@pytest.fixture(scope="session")
async def http(services: dict[str, ServiceProcess]) -> AsyncIterator[aiohttp.ClientSession]:
    """One pooled HTTP client for the whole session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def org_factory(services: dict[str, ServiceProcess]) -> Any:
    """Creates organizations with their first API key (``connect-admin``'s code, in-process)."""
    return create_org


@pytest.fixture
async def events(infrastructure: None) -> AsyncIterator[TopicRecorder]:
    """Everything produced on ``connect.events`` during the test."""
    recorder = TopicRecorder("connect.events")
    await recorder.start()
    yield recorder
    await recorder.stop()


@pytest.fixture
def client(http: aiohttp.ClientSession) -> Any:
    """``client(api_key)`` -> an :class:`ApiClient` through the gateway."""

    def make(api_key: str | None) -> ApiClient:
        return ApiClient(http, api_key)

    return make
