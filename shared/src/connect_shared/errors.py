"""API errors as exceptions that render to JSON:API error documents (contract section 2)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error a client should see: HTTP status, title, details and an optional JSON pointer."""

    status = 400
    title = "Bad request"
    # Owed to work in progress elsewhere: the same request may succeed later, so the answer
    # is not kept for Idempotency-Key replays (connect_shared.domain_errors.DomainError).
    transient = False

    def __init__(
        self,
        details: str,
        *,
        pointer: str | None = None,
        title: str | None = None,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(details)
        self.details = details
        self.pointer = pointer
        self.meta = meta or {}
        self.headers = headers or {}
        if title is not None:
            self.title = title

    def document(self) -> dict[str, Any]:
        """The JSON:API error document for this error."""
        error: dict[str, Any] = {"status": str(self.status), "title": self.title}
        error["details"] = self.details
        if self.meta:
            error["meta"] = self.meta
        if self.pointer is not None:
            error["source"] = {"pointer": self.pointer}
        return {"errors": [error]}


class BadRequest(ApiError):
    """400: malformed JSON, wrong document shape, unknown attribute."""

    status = 400
    title = "Bad request"


class Unauthorized(ApiError):
    """401: missing, unknown or revoked API key."""

    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    """403: the key may not do this."""

    status = 403
    title = "Forbidden"


class NotFound(ApiError):
    """404: missing, or not visible to the caller's organization (never leak existence)."""

    status = 404
    title = "Not found"


class Conflict(ApiError):
    """409: state conflict or idempotency-key reuse with other parameters."""

    status = 409
    title = "Conflict"


class PayloadTooLarge(ApiError):
    """413: body over the limit."""

    status = 413
    title = "Payload too large"


class Unprocessable(ApiError):
    """422: well-formed but invalid."""

    status = 422
    title = "Unprocessable entity"


class TooManyRequests(ApiError):
    """429: rate limited; carries ``Retry-After``."""

    status = 429
    title = "Too many requests"


class MethodNotAllowed(ApiError):
    """405: the route exists but not with this method."""

    status = 405
    title = "Method not allowed"


class InternalError(ApiError):
    """500: a bug; logged with its traceback."""

    status = 500
    title = "Internal server error"


class Unavailable(ApiError):
    """503: a dependency is down or state is being rebuilt; nothing was written."""

    status = 503
    title = "Service unavailable"


def attribute_pointer(name: str) -> str:
    """JSON pointer to a request attribute, e.g. ``/data/attributes/expires-in-seconds``."""
    return f"/data/attributes/{name}"
