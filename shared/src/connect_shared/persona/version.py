"""Which API version a request speaks: ``Persona-Version`` or the organization's default."""

from __future__ import annotations

from collections.abc import Mapping

from connect_shared.errors import BadRequest

PERSONA_VERSION_HEADER = "Persona-Version"
PERSONA_2025_12_08 = "2025-12-08"
SUPPORTED_VERSIONS = (PERSONA_2025_12_08,)

# The routes Persona documents for the objects Connect shares with it; only these answer in
# Persona's shapes (source objects, workflows, statistics keep Connect's).
COMPAT_PREFIXES = (
    "/api/v1/connect/share-tokens",
    "/api/v1/connect/connections",
    "/api/v1/events",
    "/api/v1/webhooks",
)


class UnsupportedVersion(BadRequest):
    """400: a ``Persona-Version`` this deployment does not speak."""


def check_version(value: str) -> str:
    """``value`` if it is a supported Persona API version; :class:`UnsupportedVersion` naming
    the supported ones otherwise."""
    if value in SUPPORTED_VERSIONS:
        return value
    supported = ", ".join(SUPPORTED_VERSIONS)
    raise UnsupportedVersion(
        f"Persona-Version {value!r} is not supported; supported versions: {supported}.",
        meta={"header": PERSONA_VERSION_HEADER, "supported-versions": list(SUPPORTED_VERSIONS)},
    )


def requested_version(headers: Mapping[str, str]) -> str | None:
    """The version the request names in ``Persona-Version`` (None when absent)."""
    value = headers.get(PERSONA_VERSION_HEADER)
    if value is None:
        return None
    return check_version(value.strip())


def is_compat_route(path: str) -> bool:
    """True for the routes Persona documents (and so answer in its shapes)."""
    return any(path == p or path.startswith(p + "/") for p in COMPAT_PREFIXES)
