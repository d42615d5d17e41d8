"""Error documents as Persona declares them: per status, only the members it allows."""

from __future__ import annotations

from typing import Any

# Members of one error item per status (Persona 2025-12-08 responses). Statuses Persona does
# not document for these routes (405, 413, 5xx) get the members every status shares.
_MEMBERS: dict[int, tuple[str, ...]] = {
    400: ("title", "details", "meta"),
    401: ("title",),
    403: ("title", "details", "meta"),
    404: ("title", "details", "meta"),
    409: ("title", "details", "meta"),
    422: ("title", "details", "source"),
    429: ("title", "details"),
}
_DEFAULT = ("title", "details")


def error_members(status: int) -> tuple[str, ...]:
    """The members an error item of ``status`` may carry."""
    return _MEMBERS.get(status, _DEFAULT)


def persona_errors(document: dict[str, Any], status: int) -> dict[str, Any]:
    """``document`` (``{"errors": [...]}``) with each item cut to the members Persona allows
    for ``status``; a ``meta`` that would be empty is left out."""
    allowed = error_members(status)
    items = []
    for item in document.get("errors", []):
        if not isinstance(item, dict):
            continue
        kept = {k: v for k, v in item.items() if k in allowed}
        if not kept.get("meta", True):
            kept.pop("meta")
        items.append(kept)
    return {"errors": items}
