"""Response headers Persona's API sends on every answer: the caller's budget and identity."""

from __future__ import annotations

from connect_shared.http.rate_limit import Admission
from connect_shared.ids import derived_id


def environment_id(organization_id: str) -> str:
    """The ``env_...`` id of an organization's one environment (Connect has no separate
    sandbox): derived from the organization, so it never changes."""
    return derived_id("env_", "environment", organization_id)


def identity_headers(admission: Admission) -> dict[str, str]:
    """``RateLimit-*`` (the key's bucket: its size, what is left, whole seconds until it is
    full again) and ``Persona-Organization-Id`` / ``Persona-Environment-Id``."""
    if admission.principal is None:
        return {}
    org_id = admission.principal.organization_id
    return {
        "RateLimit-Limit": str(admission.burst),
        "RateLimit-Remaining": str(admission.remaining),
        "RateLimit-Reset": str(admission.reset_seconds),
        "Persona-Organization-Id": org_id,
        "Persona-Environment-Id": environment_id(org_id),
    }
