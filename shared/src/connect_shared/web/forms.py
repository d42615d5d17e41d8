"""Turning the API's validation errors into messages next to form fields.

Dashboard forms are validated by the same request models and use cases as the API; their
errors carry a JSON pointer (``/data/attributes/<field>``) that names the form field.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from connect_shared.domain_errors import DomainError
from connect_shared.errors import ApiError
from connect_shared.http.error_table import as_api_error

ATTRIBUTE_POINTER = "/data/attributes/"


def field_of(error: ApiError) -> str | None:
    """The attribute (form field) an error points at, if any."""
    pointer = error.pointer or ""
    if not pointer.startswith(ATTRIBUTE_POINTER):
        return None
    return pointer.removeprefix(ATTRIBUTE_POINTER).split("/", 1)[0] or None


def field_errors(error: ApiError, hints: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{field: message}`` for ``error``; a validation message of the request model (e.g. a
    regex) is replaced by the field's plain-language hint when one is given. An error that
    names no field is filed under ``""`` (shown above the form)."""
    field = field_of(error)
    if field is None:
        return {"": error.details}
    message = error.details
    if hints and field in hints and message.startswith(f"'{field}'"):
        message = hints[field]
    return {field: message}


def form_refusal(request: web.Request, refused: ApiError | DomainError) -> ApiError:
    """The refusal a form shows beside its fields: a validation error (400, 422) as the API
    answers it. Any other refusal (not found, a conflict of state, an outage) is raised again
    for the middleware's error page."""
    error = as_api_error(request, refused)
    if error.status not in (400, 422):
        raise refused
    return error


def action_refusal(request: web.Request, refused: ApiError | DomainError) -> ApiError:
    """The refusal an action on one object shows on that object's page; "not found" is raised
    again, so a missing (or someone else's) object answers with the 404 page."""
    error = as_api_error(request, refused)
    if error.status == 404:
        raise refused
    return error


def whole_number(value: str | None) -> int | str | None:
    """A form's number field: an int when it is one, the raw text otherwise (so the request
    model refuses it like the API would), None when left empty."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        return text
