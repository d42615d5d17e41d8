"""The one OpenAPI document (contract 2.6) is current with the services' models and describes
every API route every service registers, no more and no less."""

from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import pytest
from aiohttp import web

from issuer.app import create_app as issuer_app
from issuer.config import IssuerSettings
from notifier.app import create_app as notifier_app
from notifier.config import NotifierSettings
from redeemer.app import create_app as redeemer_app
from redeemer.config import RedeemerSettings
from stats.app import create_app as stats_app
from stats.config import StatsSettings
from tests.support.services import ROOT

pytestmark = pytest.mark.unit

METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("openapi_doc", ROOT / "deploy/openapi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed() -> dict[str, Any]:
    path = ROOT / "shared/src/connect_shared/openapi/document.json"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _normalized(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _registered(app: web.Application) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if (
            route.method in METHODS
            and path
            and (path.startswith("/api/v1/") or path.startswith("/.well-known/"))
        ):
            found.add((route.method, _normalized(path)))
    return found


def test_openapi_document_is_current_with_the_models() -> None:
    assert (ROOT / "shared/src/connect_shared/openapi/document.json").read_text() == (
        _module().render()
    ), "stale: run .venv/bin/python deploy/openapi.py"


def test_openapi_document_describes_every_route_of_every_service() -> None:
    apps = [
        issuer_app(IssuerSettings()),
        redeemer_app(RedeemerSettings()),
        notifier_app(NotifierSettings()),
        stats_app(StatsSettings()),
    ]
    registered = set().union(*(_registered(app) for app in apps))
    documented = {
        (method.upper(), _normalized(path))
        for path, item in _committed()["paths"].items()
        for method in item
        if method.upper() in METHODS
    }
    assert registered == documented


def test_every_operation_documents_its_errors_and_every_reference_resolves() -> None:
    document = _committed()
    assert document["openapi"] == "3.1.0"
    assert _module().unresolved_refs(document) == []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert {"400", "429", "503"} <= codes, (method, path)
            assert any(code.startswith("2") for code in codes), (method, path)
