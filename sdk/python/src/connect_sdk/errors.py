"""What the client raises: an :class:`ApiError` for every 4xx/5xx answer (after retries), a
:class:`TransportError` when the API could not be reached."""

from __future__ import annotations

from typing import Any


class ConnectError(Exception):
    """Base of every error the SDK raises."""


class TransportError(ConnectError):
    """The API could not be reached (connection refused, timeout)."""


class ApiError(ConnectError):
    """A JSON:API error answer: ``status``, the ``errors`` list and the ``Request-Id``."""

    def __init__(
        self, status: int, errors: list[dict[str, Any]], request_id: str | None = None
    ) -> None:
        self.status = status
        self.errors = errors
        self.request_id = request_id
        first = errors[0] if errors else {}
        self.title = str(first.get("title", "Error"))
        self.details = str(first.get("details", ""))
        super().__init__(f"{status} {self.title}: {self.details}".rstrip(": "))

    @property
    def pointer(self) -> str | None:
        """``source.pointer`` of the first error (which attribute was wrong)."""
        source = (self.errors[0] if self.errors else {}).get("source") or {}
        pointer = source.get("pointer")
        return pointer if isinstance(pointer, str) else None

    @property
    def meta(self) -> dict[str, Any]:
        """``meta`` of the first error (``parameter``, ``status``...)."""
        meta = (self.errors[0] if self.errors else {}).get("meta") or {}
        return meta if isinstance(meta, dict) else {}

    @property
    def is_client_error(self) -> bool:
        """A 4xx: the request was wrong (retrying the same request will not help)."""
        return 400 <= self.status < 500
