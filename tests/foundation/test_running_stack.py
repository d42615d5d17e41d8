"""The running stack as an operator meets it: the gateway, the admin CLI, health and readiness."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.admin import run_admin
from tests.support.ports import GATEWAY_URL as GATEWAY
from tests.support.services import ROOT, ServiceProcess, http_status, wait_until

RUN_DIR = ROOT / ".data" / "run"


@pytest.mark.e2e
@pytest.mark.parametrize("service", ["issuer", "redeemer", "notifier"])
def test_each_service_health_and_readiness_are_reachable_through_the_gateway(
    services: dict[str, ServiceProcess], service: str
) -> None:
    assert http_status(f"{GATEWAY}/healthz/{service}") == 200
    assert http_status(f"{GATEWAY}/readyz/{service}") == 200
    assert http_status(f"{services[service].url}/metrics") == 200


@pytest.mark.e2e
def test_admin_cli_creates_an_organization_and_prints_its_id_and_api_key(
    services: dict[str, ServiceProcess],
) -> None:
    created = json.loads(run_admin("org", "create", "--name", "acme"))
    assert created["id"].startswith("org_")
    assert created["api-key"]
    listed = json.loads(run_admin("org", "list"))
    assert created["id"] in {org["id"] for org in listed}


@pytest.mark.e2e
def test_admin_cli_sets_the_rate_limit_and_creates_and_lists_keys(
    services: dict[str, ServiceProcess],
) -> None:
    # The suite makes its organizations in-process with the same command functions; this
    # runs the remaining commands through the real binary and its argument parsing.
    created = json.loads(run_admin("org", "create", "--name", "cli-keys", "--rate-limit", "7"))
    assert created["rate-limit"] == 7
    changed = json.loads(run_admin("org", "set-rate-limit", created["id"], "9"))
    assert changed == {"id": created["id"], "rate-limit": 9}
    key = json.loads(run_admin("key", "create", "--org", created["id"]))
    assert key["organization-id"] == created["id"]
    assert key["api-key"]
    listed = json.loads(run_admin("key", "list", "--org", created["id"]))
    assert {k["id"] for k in listed} == {created["api-key-id"], key["id"]}
    assert all("api-key" not in k for k in listed)


@pytest.mark.e2e
def test_revoked_api_key_stops_authenticating_at_once(
    services: dict[str, ServiceProcess], org_factory: object
) -> None:
    org = org_factory("revocation")  # type: ignore[operator]

    def status_with_key() -> int:
        request = urllib.request.Request(
            f"{GATEWAY}/api/v1/connect/connections",
            headers={"Authorization": f"Bearer {org['api-key']}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    assert status_with_key() != 401
    run_admin("key", "revoke", "--key-id", org["api-key-id"])
    assert status_with_key() == 401


def _kill(component: str) -> None:
    pid = int(Path(RUN_DIR / f"{component}.pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)


def _restart_infrastructure() -> None:
    subprocess.run(["bash", str(ROOT / "deploy/local/stack.sh"), "start"], check=True, cwd=ROOT)


def _all_ready(services: dict[str, ServiceProcess], status: int) -> bool:
    return all(http_status(f"{s.url}/readyz", timeout=5) == status for s in services.values())


@pytest.mark.integration
@pytest.mark.disruptive
def test_losing_redis_makes_every_service_unready_until_it_is_back(
    services: dict[str, ServiceProcess], org_factory: Any
) -> None:
    org = org_factory("redis-outage")
    _kill("redis")
    try:
        wait_until(lambda: _all_ready(services, 503), 30, "services unready without Redis")
        assert _api_status(org["api-key"]) == 503
    finally:
        _restart_infrastructure()
    wait_until(lambda: _all_ready(services, 200), 60, "services ready with Redis back")
    # Pooled connections from before the restart are replaced, never surfaced as a 500.
    assert [_api_status(org["api-key"]) for _ in range(20)] == [200] * 20


def _api_status(api_key: str) -> int:
    request = urllib.request.Request(
        f"{GATEWAY}/api/v1/connect/connections",
        headers={"Authorization": f"Bearer {api_key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.integration
@pytest.mark.disruptive
def test_losing_kafka_makes_every_service_unready_until_it_is_back(
    services: dict[str, ServiceProcess],
) -> None:
    _kill("kafka")
    try:
        wait_until(lambda: _all_ready(services, 503), 60, "services unready without Kafka")
    finally:
        _restart_infrastructure()
    wait_until(lambda: _all_ready(services, 200), 120, "services ready with Kafka back")
