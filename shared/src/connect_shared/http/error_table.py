"""One mechanism for every service: a table from domain exceptions to API errors.

Each service builds its table in ``adapters/http/errors.py`` (:func:`error_table`) and hands it
to :func:`connect_shared.http.app.create_base_app`; the :func:`domain_errors` middleware and the
dashboards translate through it, so use cases and domain rules never know about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from connect_shared.domain_errors import (
    DomainError,
    InvalidValue,
    NotAllowed,
    NotVisible,
    StoreUnavailable,
    WrongState,
)
from connect_shared.errors import (
    ApiError,
    Conflict,
    Forbidden,
    InternalError,
    NotFound,
    Unavailable,
    Unprocessable,
    attribute_pointer,
)

ErrorClass = type[ApiError]

# What every service answers for the shared domain exceptions (contract section 2).
DEFAULT_STATUSES: Mapping[type[DomainError], ErrorClass] = {
    NotVisible: NotFound,
    NotAllowed: Forbidden,
    WrongState: Conflict,
    InvalidValue: Unprocessable,
    StoreUnavailable: Unavailable,
}


@dataclass(frozen=True)
class ErrorTable:
    """Domain exception class -> API error class; the most specific class listed wins."""

    classes: Mapping[type[DomainError], ErrorClass] = field(default_factory=dict)

    def api_error(self, error: DomainError) -> ApiError:
        """The API error for ``error``: its class's status and title, the same details and
        ``meta``, and for an :class:`InvalidValue` the pointer to its attribute. A domain
        exception missing from the table is a bug (500)."""
        for kind in type(error).__mro__:
            api_class = self.classes.get(kind)
            if api_class is not None:
                break
        else:
            api_class = InternalError
        pointer = None
        if isinstance(error, InvalidValue) and error.field is not None:
            pointer = attribute_pointer(error.field)
        return api_class(error.details, pointer=pointer, meta=dict(error.meta) or None)


def error_table(extra: Mapping[type[DomainError], ErrorClass] | None = None) -> ErrorTable:
    """The shared defaults plus a service's own exceptions (``extra`` wins on overlap)."""
    return ErrorTable({**DEFAULT_STATUSES, **(extra or {})})


ERROR_TABLE = web.AppKey("connect.error_table", ErrorTable)


def table_of(request: web.Request) -> ErrorTable:
    """The table of the app serving ``request`` (found from sub-apps such as the dashboard)."""
    table = request.config_dict.get(ERROR_TABLE)
    return table if table is not None else error_table()


def as_api_error(request: web.Request, error: ApiError | DomainError) -> ApiError:
    """``error`` as the API answers it (an :class:`ApiError` is already that)."""
    return error if isinstance(error, ApiError) else table_of(request).api_error(error)


@contextmanager
def translated(table: ErrorTable) -> Iterator[None]:
    """Raise domain exceptions of the block as their API errors (for callers outside a
    request, e.g. a workflow action whose refusals are recorded like the API's)."""
    try:
        yield
    except DomainError as error:
        raise table.api_error(error) from error
