"""Printing answers: the JSON:API document by default, a plain table with ``--format table``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

MAX_COLUMNS = 7
MAX_CELL = 40


def resource_dict(model: BaseModel) -> dict[str, Any]:
    """A resource model as the API wrote it (kebab-case members)."""
    dumped: dict[str, Any] = model.model_dump(by_alias=True, mode="json", exclude_none=False)
    if not dumped.get("relationships"):
        dumped.pop("relationships", None)
    return dumped


def document(data: BaseModel | Sequence[BaseModel], **extra: Any) -> dict[str, Any]:
    """A JSON:API document of one resource or a list."""
    body: dict[str, Any] = {
        "data": resource_dict(data)
        if isinstance(data, BaseModel)
        else [resource_dict(item) for item in data]
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def _cell(value: Any) -> str:
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(doc: dict[str, Any]) -> str:
    """The resources of ``doc`` as aligned columns: id, then their short attributes."""
    data = doc.get("data")
    rows = data if isinstance(data, list) else [data] if data else []
    if not rows:
        return "(none)"
    columns = ["id"]
    for row in rows:
        for name, value in (row.get("attributes") or {}).items():
            short = value is None or isinstance(value, str | int | float | bool)
            if short and name not in columns and len(columns) < MAX_COLUMNS:
                columns.append(name)
    cells = [columns] + [
        [_cell(row.get("id"))] + [_cell((row.get("attributes") or {}).get(c)) for c in columns[1:]]
        for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    links = doc.get("links") or {}
    if links.get("next"):
        lines.append(f"more: --after {rows[-1].get('id')}")
    return "\n".join(lines)


def render(doc: dict[str, Any], fmt: str) -> str:
    """``doc`` in the chosen format."""
    return table(doc) if fmt == "table" else json.dumps(doc, indent=2)
