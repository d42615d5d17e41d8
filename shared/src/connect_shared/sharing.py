"""Sharing settings (contract section 2.1): what a destination may receive of a source object.

A connection's settings map a field name to ``full`` (the value is shared), ``presence`` (only
that the field exists) or ``none`` (nothing about it). A field the settings do not name takes
the level of the ``"*"`` entry, or ``full`` without one. These rules are the only place the
levels are interpreted: the issuer's peek and the redeemer's copies (clone, hydrate, workflow
redemptions) both go through them, so what a destination can see and what it can keep never
disagree.

A field *exists* when the source object holds it with a value other than ``null``; that is
what a ``presence`` boolean reports and what ``present-fields`` lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connect_shared.records import SharingLevel

DEFAULT_ENTRY = "*"
"""The settings entry that gives the level of every field not named otherwise."""


def level_of(name: str, settings: Mapping[str, SharingLevel]) -> SharingLevel:
    """The sharing level of field ``name``: its own entry, else ``"*"``, else ``full``."""
    level = settings.get(name)
    if level is None:
        level = settings.get(DEFAULT_ENTRY, "full")
    return level


def exists(fields: Mapping[str, Any], name: str) -> bool:
    """True when the object holds field ``name`` with a value other than ``null``."""
    return fields.get(name) is not None


class PeekView(dict[str, Any]):
    """The peeked fields (name to value or presence boolean) that also know each field's
    level (``levels``), which a boolean alone cannot tell apart from a ``full`` boolean."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: dict[str, SharingLevel] = {}

    def put(self, name: str, level: SharingLevel, value: Any) -> None:
        """Record one shared field."""
        self[name] = value
        self.levels[name] = level


def peek_view(fields: Mapping[str, Any], settings: Mapping[str, SharingLevel]) -> PeekView:
    """The source data a destination may peek at: each ``full`` field with its value, each
    ``presence`` field as a boolean (does it exist), ``none`` fields left out. A ``presence``
    field the settings name explicitly is reported even when the object lacks it (``False``),
    so the destination learns that it is missing."""
    view = PeekView()
    for name, value in fields.items():
        level = level_of(name, settings)
        if level == "full":
            view.put(name, level, value)
        elif level == "presence":
            view.put(name, level, value is not None)
    for name, level in settings.items():
        if level == "presence" and name != DEFAULT_ENTRY and name not in fields:
            view.put(name, level, False)
    return view


@dataclass(frozen=True)
class CopySelection:
    """What a copy may carry of one source object."""

    fields: dict[str, Any]
    """The ``full`` fields with their values, in the source's order."""
    present_fields: list[str]
    """The names (sorted) of the ``presence`` fields that exist in the source."""


def select_for_copy(
    fields: Mapping[str, Any], settings: Mapping[str, SharingLevel]
) -> CopySelection:
    """The part of ``fields`` a copy may hold: values of ``full`` fields only, plus the names
    of existing ``presence`` fields. ``none`` fields leave no trace, and a field that is not
    selected here can never reach the copy (field mappings rename only selected fields)."""
    copied: dict[str, Any] = {}
    present: list[str] = []
    for name, value in fields.items():
        level = level_of(name, settings)
        if level == "full":
            copied[name] = value
        elif level == "presence" and value is not None:
            present.append(name)
    return CopySelection(copied, sorted(present))
