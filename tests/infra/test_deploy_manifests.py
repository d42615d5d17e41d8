"""Static checks of the deployment artifacts (no Docker or cluster needed).

Kubernetes manifests are validated against the API schemas with kubernetes-validate;
deploy/compose.yaml against the vendored Compose Specification schema
(deploy/compose-spec.schema.json, see its README).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from infra_support import DEPLOY, render_local_nginx

from connect_shared.config import development_secret_settings
from issuer.config import IssuerSettings
from notifier.config import NotifierSettings
from redeemer.config import RedeemerSettings
from stats.config import StatsSettings

pytestmark = pytest.mark.unit

SERVICES = {"issuer": 8001, "redeemer": 8002, "notifier": 8003, "stats": 8004}
K8S_FILES = sorted((DEPLOY / "k8s").glob("*.yaml"))


def k8s_docs() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in K8S_FILES:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return docs


@pytest.mark.parametrize(("name", "doc"), k8s_docs(), ids=[n for n, _ in k8s_docs()])
def test_k8s_manifest_is_valid(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, "1.30", strict=True)


def test_every_service_has_deployment_and_service() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for _, d in k8s_docs()}
    for svc in SERVICES:
        assert ("Deployment", f"connect-{svc}") in kinds
        assert ("Service", f"connect-{svc}") in kinds
    assert any(kind == "Ingress" for kind, _ in kinds)


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_deployment_probes_security_resources(svc: str) -> None:
    (dep,) = [
        d
        for _, d in k8s_docs()
        if d["kind"] == "Deployment" and d["metadata"]["name"] == f"connect-{svc}"
    ]
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    (container,) = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"requests", "limits"} <= set(container["resources"])
    assert container["ports"][0]["containerPort"] == SERVICES[svc]
    env = {e["name"] for e in container["env"]}
    prefix = svc.upper()
    for setting in ("HTTP_PORT", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL"):
        assert f"{prefix}_{setting}" in env


def test_ingress_routes_match_gateway() -> None:
    (ingress,) = [d for _, d in k8s_docs() if d["kind"] == "Ingress"]
    routes = {
        p["path"]: p["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for p in rule["http"]["paths"]
    }
    assert routes == {
        "/api/v1/connect/share-tokens/[^/]+/redeem$": "connect-redeemer",
        "/.well-known/": "connect-redeemer",
        "/api/v1/webhooks": "connect-notifier",
        "/api/v1/events": "connect-notifier",
        "/docs": "connect-issuer",
        "/api/v1/connect/share-token-stats": "connect-stats",
        "/api/v1/workflows": "connect-issuer",
        "/api/v1/": "connect-issuer",
        "/dashboard/share-tokens/[^/]+/redeem$": "connect-redeemer",
        "/dashboard/webhooks": "connect-notifier",
        "/dashboard/insights": "connect-stats",
        "/dashboard": "connect-issuer",
    }


def test_compose_matches_compose_spec() -> None:
    schema = json.loads((DEPLOY / "compose-spec.schema.json").read_text())
    doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    validator = jsonschema.Draft201909Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def test_compose_services_and_files_exist() -> None:
    doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = doc["services"]
    assert {"kafka", "redis", "gateway", *SERVICES} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")
    for svc in SERVICES:
        build = services[svc]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    for volume in services["gateway"]["volumes"]:
        assert (DEPLOY / volume.split(":", 1)[0]).is_file(), volume


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_dockerfile_multistage_nonroot(svc: str) -> None:
    text = (DEPLOY / "docker" / f"Dockerfile.{svc}").read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, flags=re.MULTILINE | re.IGNORECASE)
    assert len(stages) >= 2, "builder and runtime stages"
    assert "COPY --from=builder" in text
    assert f"--package connect-{svc}" in text and "--frozen" in text and "--no-dev" in text
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users, "runtime must switch to an unprivileged user"
    assert users[-1].split(":")[0] not in {"root", "0"}
    last_stage = text.rsplit("\nFROM ", 1)[1]
    assert last_stage.startswith("python:3.11-slim")
    assert f"EXPOSE {SERVICES[svc]}" in last_stage
    assert f'CMD ["python", "-m", "{svc}"]' in last_stage


needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed")


@needs_nginx
def test_local_nginx_config_is_accepted(tmp_path: Path) -> None:
    ports = {"gateway": 18080, **SERVICES}
    conf = render_local_nginx(tmp_path, ports)
    assert "@" not in re.sub(r"#.*", "", conf.read_text())
    result = subprocess.run(
        ["nginx", "-t", "-p", str(conf.parent) + "/", "-e", "stderr", "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@needs_nginx
def test_compose_nginx_config_is_accepted(tmp_path: Path) -> None:
    # Point the container paths at the repo and the compose DNS names at loopback,
    # which is all that differs from inside the container.
    text = (DEPLOY / "nginx" / "compose.conf").read_text()
    text = text.replace("/etc/nginx/connect/", f"{DEPLOY}/nginx/")
    text = re.sub(r"server (issuer|redeemer|notifier|stats):", "server 127.0.0.1:", text)
    text = text.replace("/tmp/nginx.pid", str(tmp_path / "nginx.pid"))  # noqa: S108
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    result = subprocess.run(
        ["nginx", "-t", "-p", f"{tmp_path}/", "-e", "stderr", "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _secret_variables(svc: str) -> list[str]:
    """The variables of ``svc``'s secret settings with public development defaults."""
    cls = {
        "issuer": IssuerSettings,
        "redeemer": RedeemerSettings,
        "notifier": NotifierSettings,
        "stats": StatsSettings,
    }
    return [f"{svc.upper()}_{name.upper()}" for name in development_secret_settings(cls[svc])]


def test_every_service_has_secret_settings_to_check() -> None:
    assert "NOTIFIER_SECRETS_KEY" in _secret_variables("notifier")
    assert all(f"{s.upper()}_DASHBOARD_SESSION_SECRET" in _secret_variables(s) for s in SERVICES)


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_k8s_sets_every_secret_setting_from_a_secret(svc: str) -> None:
    (dep,) = [
        d
        for _, d in k8s_docs()
        if d["kind"] == "Deployment" and d["metadata"]["name"] == f"connect-{svc}"
    ]
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env[f"{svc.upper()}_PROFILE"]["value"] == "production"
    for variable in _secret_variables(svc):
        assert variable in env, f"{variable} is not set: the service would refuse to start"
        reference = env[variable].get("valueFrom", {}).get("secretKeyRef", {})
        assert reference.get("name") and reference.get("key"), f"{variable} not from a Secret"


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_compose_requires_every_secret_setting(svc: str) -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    env = services[svc]["environment"]
    assert env[f"{svc.upper()}_PROFILE"] == "production"
    for variable in _secret_variables(svc):
        assert variable in env, f"{variable} is not set: the service would refuse to start"
        # ${NAME:?message}: compose refuses to start without it; no secret value in the file.
        assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", str(env[variable])), env[variable]
