"""The rendering layer chosen by the request's API version.

It sits between key inflection (outside) and authentication (inside), so it sees Connect's
kebab-case documents and the caller's admission (organization, default API version, budget):

* ``Persona-Version`` is checked first (an unsupported one is 400 naming the supported ones);
* ``include`` and ``fields[...]`` of the share-token, connection, event and webhook routes are
  taken off the query before the route sees it, and applied to its answer;
* every ``/api/v1`` answer of a known caller carries ``RateLimit-*`` and
  ``Persona-Organization-Id`` / ``Persona-Environment-Id``;
* in Persona mode (the header, or the organization's default) the routes Persona documents
  answer in Persona's shapes, errors included; ``Connect-Meta: true`` adds Connect's extra
  members in ``meta.connect``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import MultiDict

from connect_shared import jsonutil
from connect_shared.errors import ApiError
from connect_shared.http.rate_limit import ADMISSION_KEY
from connect_shared.http.responses import json_response
from connect_shared.persona.documents import (
    apply_fieldsets,
    inflection_of,
    parse_fieldsets,
    persona_document,
    relink,
)
from connect_shared.persona.errors import persona_errors
from connect_shared.persona.headers import identity_headers
from connect_shared.persona.include import parse_include, with_included
from connect_shared.persona.version import (
    PERSONA_2025_12_08,
    UnsupportedVersion,
    is_compat_route,
    requested_version,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_PREFIX = "/api/v1/"
CONNECT_META_HEADER = "Connect-Meta"
# Document parameters this layer applies itself (the routes never see them).
_DOCUMENT_PARAMETERS = ("include",)


def _is_document_parameter(name: str) -> bool:
    return name in _DOCUMENT_PARAMETERS or (name.startswith("fields[") and name.endswith("]"))


def _error_response(error: ApiError) -> web.Response:
    doc = persona_errors(error.document(), error.status)
    return json_response(doc, status=error.status, headers=error.headers)


def _document_of(response: web.StreamResponse) -> dict[str, Any] | None:
    if not isinstance(response, web.Response) or response.content_type != "application/json":
        return None
    if not isinstance(response.body, bytes) or not response.body:
        return None
    doc = jsonutil.loads(response.body)
    return doc if isinstance(doc, dict) else None


@web.middleware
async def persona_compat(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Choose the rendering of an ``/api/v1`` answer by its API version (see module doc)."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    try:
        version = requested_version(request.headers)
    except UnsupportedVersion as error:
        return _error_response(error)
    documented = is_compat_route(request.path)
    kept: MultiDict[str] = MultiDict()
    inner = request
    if documented:
        extracted = {k: v for k, v in request.query.items() if _is_document_parameter(k)}
        if extracted:
            kept = MultiDict(extracted)
            rest = [(k, v) for k, v in request.query.items() if not _is_document_parameter(k)]
            inner = request.clone(rel_url=request.rel_url.with_query(rest))
    try:
        includes = parse_include(request.path, kept.get("include"))
        response = await handler(inner)
    except ApiError as error:
        admission = inner.get(ADMISSION_KEY)
        if admission is not None:
            error.headers.update(identity_headers(admission))
        if documented and _persona_mode(version, inner):
            return _error_response(error)
        raise
    admission = inner.get(ADMISSION_KEY)
    if admission is not None:
        response.headers.update(identity_headers(admission))
    if not documented:
        return response
    return await _render(request, inner, response, version, kept, includes)


def api_version_of(request: web.Request) -> str | None:
    """The Persona API version an authenticated request speaks: its ``Persona-Version``
    header, else its organization's default (None: the Connect contract)."""
    version = requested_version(request.headers)
    admission = request.get(ADMISSION_KEY)
    return version or (admission.api_version if admission is not None else None)


def in_persona_mode(request: web.Request) -> bool:
    """True when an authenticated request speaks Persona's contract (its header or its
    organization's default), so a route applies Persona's parameter rules."""
    return api_version_of(request) == PERSONA_2025_12_08


def _persona_mode(version: str | None, request: web.Request) -> bool:
    admission = request.get(ADMISSION_KEY)
    default = admission.api_version if admission is not None else None
    return (version or default) == PERSONA_2025_12_08


async def _render(
    request: web.Request,
    inner: web.Request,
    response: web.StreamResponse,
    version: str | None,
    kept: MultiDict[str],
    includes: list[str],
) -> web.StreamResponse:
    persona = _persona_mode(version, inner)
    if not persona and not kept:
        return response
    doc = _document_of(response)
    if doc is None or not isinstance(response, web.Response):
        return response
    if "errors" in doc:
        rendered = persona_errors(doc, response.status) if persona else doc
    else:
        if includes and not persona:
            doc = await with_included(inner, doc, includes)
        if persona:
            wants_meta = request.headers.get(CONNECT_META_HEADER, "").lower() == "true"
            doc = persona_document(
                doc,
                response.status,
                connect_meta=wants_meta,
                included="include" in kept,
                inflection=inflection_of(request.headers.get("Key-Inflection")),
            )
        doc = apply_fieldsets(doc, parse_fieldsets(kept))
        rendered = relink(doc, kept, encode_brackets=persona) if (persona or kept) else doc
    response.body = jsonutil.dumps(rendered)
    return response
