"""Building JSON responses and reading JSON:API request bodies."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connect_shared import jsonutil
from connect_shared.errors import BadRequest, Unprocessable
from connect_shared.jsonapi import split_document
from connect_shared.stages import stage

# (body, document) of a json_response, kept on it so the key-inflection middleware rewrites
# member names without parsing the body again (only while the body is still that one).
DOCUMENT: web.ResponseKey[tuple[bytes, Any]] = web.ResponseKey("connect.document")


def json_response(
    doc: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response serialised with orjson."""
    with stage("render"):
        body = jsonutil.dumps(doc)
    response = web.Response(
        body=body, status=status, content_type="application/json", headers=headers
    )
    response[DOCUMENT] = (body, doc)
    return response


async def read_json(request: web.Request) -> Any:
    """The parsed JSON body (None when empty); 400 when it is not JSON, 422 (pointing at the
    value) when it nests deeper than 32 levels or holds an integer too long to keep exactly."""
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return jsonutil.loads_untrusted(raw)
    except jsonutil.JsonRejected as exc:
        raise Unprocessable(f"The request body {exc.reason}.", pointer=exc.pointer) from exc
    except ValueError as exc:
        raise BadRequest("The request body is not valid JSON.", pointer="") from exc


async def read_document(request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(attributes, meta)`` of a JSON:API request body, member names normalised to
    kebab-case (user data inside kept as sent)."""
    await request.read()  # read first, so the stage times parsing, not the network
    with stage("validation"):
        return split_document(await read_json(request))
