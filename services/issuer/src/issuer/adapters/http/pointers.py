"""JSON pointers into a workflow document: errors of a nested part point inside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connect_shared.errors import ApiError

ATTRIBUTES = "/data/attributes"
ACTION = f"{ATTRIBUTES}/action"


@contextmanager
def pointing_into(member: str) -> Iterator[None]:
    """Re-point errors raised for ``/data/attributes/<x>`` to ``/data/attributes/<member>/<x>``
    (the attribute parser points at the top level; the use cases nest domain errors with
    :meth:`connect_shared.domain_errors.InvalidValue.nested_in`)."""
    try:
        yield
    except ApiError as error:
        if error.pointer is not None and error.pointer.startswith(ATTRIBUTES):
            error.pointer = f"{ATTRIBUTES}/{member}{error.pointer[len(ATTRIBUTES) :]}"
        raise
