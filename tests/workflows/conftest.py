"""Fixtures of the workflow suites."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Org
from tests.workflows.world import Connected, connect


@pytest.fixture
def new_org(org_factory: Any, client: Any) -> Any:
    """``new_org(name)`` -> an :class:`Org` made by `connect-admin`'s code (in-process)."""

    def make(name: str = "org") -> Org:
        created = org_factory(name)
        return Org(created["id"], created["api-key"], client(created["api-key"]))

    return make


@pytest.fixture
async def connected(new_org: Any) -> Connected:
    """A source and a destination with an active connection."""
    return await connect(new_org)
