"""How a trigger (event name and filter) matches an event's object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connect_shared.inflection import to_kebab
from connect_shared.workflows.records import (
    WorkflowTrigger,
)

_MISSING = object()


def object_value(obj: Mapping[str, Any], key: str) -> Any:
    """The value a filter ``key`` names on an event's object: ``id``/``type``, an attribute
    (``status``, ``connection-id``...) or the id of a relationship (``source-id`` ->
    ``relationships.source.data.id``). A missing one matches nothing.

    Filters are stored exactly as sent (user data), so a key in another inflection
    (``connection_id``, ``connectionId``) is looked up by its kebab-case name when the exact
    name is not there."""
    found = _named_value(obj, key)
    kebab = to_kebab(key)
    if found is _MISSING and kebab != key:
        found = _named_value(obj, kebab)
    return found


def _named_value(obj: Mapping[str, Any], key: str) -> Any:
    if key in ("id", "type"):
        return obj.get(key, _MISSING)
    attributes = obj.get("attributes")
    if isinstance(attributes, dict) and key in attributes:
        return attributes[key]
    relationships = obj.get("relationships")
    name = key.removesuffix("-id")
    related = relationships.get(name) if isinstance(relationships, dict) else None
    data = related.get("data") if isinstance(related, dict) else None
    if isinstance(data, dict) and "id" in data:
        return data["id"]
    return _MISSING


def trigger_matches(trigger: WorkflowTrigger, event_name: str, obj: Mapping[str, Any]) -> bool:
    """True when ``event_name`` is the trigger's and its object passes every filter entry."""
    if trigger.event != event_name:
        return False
    for key, wanted in trigger.filter.items():
        value = object_value(obj, key)
        if value is _MISSING or type(value) is not type(wanted) or value != wanted:
            return False
    return True
