"""The import rule of the service skeleton (docs/style.md): ``domain/`` is rules and models only,
and ``usecases/`` talks to the outside world only through the service's ``ports.py``. Importing
any domain or use-case module (or the ports) loads no I/O client (aiohttp, redis, aiokafka) and
no adapter, and no domain module names an HTTP type (statuses, pointers and JSON:API documents
belong to ``adapters/http``)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import ROOT

pytestmark = pytest.mark.unit

SERVICES = ("issuer", "redeemer", "notifier", "stats")
LAYERS = ("domain", "usecases")
IO_PACKAGES = ("aiohttp", "redis", "aiokafka")
HTTP_MODULES = ("connect_shared.errors", "connect_shared.jsonapi", "connect_shared.http")


def _modules(layers: tuple[str, ...]) -> list[tuple[str, Path]]:
    found = []
    for service in SERVICES:
        source = ROOT / "services" / service / "src" / service
        for layer in layers:
            for path in sorted((source / layer).glob("*.py")):
                if path.stem != "__init__":
                    found.append((f"{service}.{layer}.{path.stem}", path))
        if "usecases" in layers:
            found.append((f"{service}.ports", source / "ports.py"))
    return found


MODULES = _modules(("domain",))
LOADED = _modules(LAYERS)

_PROBE = """
import json, sys
import {module}
print(json.dumps(sorted(sys.modules)))
"""


def test_every_service_has_domain_use_case_and_port_modules_to_check() -> None:
    for layer in (*LAYERS, "ports"):
        services = {name.split(".")[0] for name, _ in LOADED if name.split(".")[1] == layer}
        assert services == set(SERVICES), layer


@pytest.mark.parametrize(("module", "path"), LOADED, ids=[name for name, _ in LOADED])
def test_module_loads_no_io_client_and_no_adapter(module: str, path: Path) -> None:
    # A fresh interpreter: what the test process already imported must not hide a chain.
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    loaded = json.loads(probe.stdout)
    service = module.split(".")[0]
    offending = [
        name
        for name in loaded
        if name.split(".")[0] in IO_PACKAGES or name.startswith(f"{service}.adapters")
    ]
    assert offending == [], f"importing {module} loads {offending[:5]}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_domain_module_names_no_http_type(module: str, path: Path) -> None:
    imported: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    http = [name for name in imported if any(name.startswith(prefix) for prefix in HTTP_MODULES)]
    assert http == [], f"{module} imports {http}: raise connect_shared.domain_errors instead"
