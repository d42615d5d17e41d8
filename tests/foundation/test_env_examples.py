"""The committed example env files document every current setting."""

from __future__ import annotations

import importlib.util

import pytest

from tests.support.services import ROOT

pytestmark = pytest.mark.unit


def test_example_env_files_match_the_settings_classes() -> None:
    spec = importlib.util.spec_from_file_location("render_env", ROOT / "deploy/env/render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for service, settings in module.SERVICES.items():
        committed = (ROOT / "deploy/env" / f"{service}.env.example").read_text()
        assert committed == module.render(service, settings), (
            f"deploy/env/{service}.env.example is stale: run .venv/bin/python deploy/env/render.py"
        )
