"""The AsyncAPI document lists every topic setting and is current with the models."""

from __future__ import annotations

import importlib.util
import json

import pytest

from connect_shared.config import TopicSettings
from tests.support.services import ROOT

pytestmark = pytest.mark.unit


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("asyncapi_doc", ROOT / "deploy/asyncapi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_asyncapi_document_is_current_and_names_every_topic() -> None:
    module = _module()
    committed = (ROOT / "docs/asyncapi.json").read_text()
    assert committed == module.render(), "stale: run .venv/bin/python deploy/asyncapi.py"
    addresses = {channel["address"] for channel in json.loads(committed)["channels"].values()}
    assert addresses == set(TopicSettings().model_dump().values())
