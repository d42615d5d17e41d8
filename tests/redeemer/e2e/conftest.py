"""Fixtures of the redeemer's end-to-end tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.redeemer.e2e.world import Pair, connected_pair


@pytest.fixture
async def pair(org_factory: Any, client: Any) -> Pair:
    """Two fresh organizations connected source -> destination (active)."""
    return await connected_pair(org_factory, client)
