"""The notifier's one table from domain exceptions to API errors (status, title, pointer, meta).

The shared ``domain_errors`` middleware and the dashboard answer domain exceptions through it.
"""

from __future__ import annotations

from typing import Any

from connect_shared.domain_errors import InvalidValue, NotAllowed, NotVisible, WrongState
from connect_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from connect_shared.http.error_table import error_table
from notifier.usecases.webhooks import WebhookCapReached


class WholeDocumentRefused(Unprocessable):
    """422 that blames the whole document (``/data``), not one attribute."""

    def __init__(self, details: str, *, pointer: str | None = None, **rest: Any) -> None:
        super().__init__(details, pointer=pointer or "/data", **rest)


NOTIFIER_ERRORS = error_table(
    {
        NotVisible: NotFound,  # 404
        NotAllowed: Forbidden,  # 403
        WrongState: Conflict,  # 409 with meta.status
        InvalidValue: Unprocessable,  # 422, pointing at the attribute when one is to blame
        WebhookCapReached: WholeDocumentRefused,  # 422 at /data with meta.max-webhooks
    }
)
