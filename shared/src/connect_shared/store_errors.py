"""How the stores behind the services' ports report a broker that did not take a write: the
shared producer raises the HTTP-typed ``Unavailable``; stores hand their use cases the domain's
:class:`~connect_shared.domain_errors.StoreUnavailable` instead (same words, 503 through the
error tables)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connect_shared.domain_errors import StoreUnavailable
from connect_shared.errors import Unavailable


@contextmanager
def store_unavailable() -> Iterator[None]:
    """Raise the block's ``Unavailable`` as :class:`StoreUnavailable` (same details)."""
    try:
        yield
    except Unavailable as down:
        raise StoreUnavailable(down.details) from down
