"""Exceptions of domain rules and use cases, free of HTTP.

A rule says *what* is wrong (the caller may not see it, may not do it, it is in the wrong state,
a value is invalid) in words a client can read, plus facts in ``meta``. Each service's HTTP
adapter maps these classes to a status, a JSON pointer and a title (one table per service,
built with :mod:`connect_shared.http.error_table`), so domain code never names a status code.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal by a rule: ``details`` is the sentence the client reads, ``meta`` the facts
    (e.g. the current ``status``) that go with it."""

    def __init__(self, details: str, *, meta: dict[str, Any] | None = None) -> None:
        super().__init__(details)
        self.details = details
        self.meta: dict[str, Any] = dict(meta or {})


class NotVisible(DomainError):
    """The thing does not exist for the caller: missing, or another organization's (the two
    are never told apart)."""


class NotAllowed(DomainError):
    """The caller sees the thing but its role (source, destination) may not do this."""


class WrongState(DomainError):
    """The thing is not in a state that allows this; ``meta.status`` says which state it is in
    (when ``status`` is given)."""

    def __init__(
        self, details: str, *, status: str | None = None, meta: dict[str, Any] | None = None
    ) -> None:
        facts = {"status": status} if status is not None else {}
        super().__init__(details, meta={**facts, **(meta or {})})


class InvalidValue(DomainError):
    """A well-formed value breaks a rule. ``field`` names the request attribute it came from
    (a path below the attributes, e.g. ``connection-id`` or ``verification-ids/2``), or None
    when no single attribute is to blame."""

    def __init__(
        self, details: str, *, field: str | None = None, meta: dict[str, Any] | None = None
    ) -> None:
        super().__init__(details, meta=meta)
        self.field = field

    def nested_in(self, member: str) -> InvalidValue:
        """This error with its field moved under ``member`` (a rule checked a part of a larger
        document, e.g. the ``action`` of a workflow)."""
        if self.field is not None:
            self.field = f"{member}/{self.field}"
        return self


class StoreUnavailable(DomainError):
    """A store could not take or give what the use case needs (the broker did not acknowledge
    a write, or the view is being rebuilt): nothing was written and a retry may succeed.
    Raised by the stores behind the ports; each service's table answers it 503."""
