"""``Idempotency-Key`` on every POST: the first answer (status and body) is kept 24 hours and
replayed for a repeat; the same key with different parameters is 409."""

from __future__ import annotations

import hashlib

from aiohttp import web

from connect_shared import jsonutil
from connect_shared.errors import ApiError, BadRequest, Conflict
from connect_shared.http.keys import PRINCIPAL_KEY
from connect_shared.http.middleware import Handler
from connect_shared.http.responses import json_response
from connect_shared.runtime import RUNTIME

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255
# Answers that must not be replayed: the client should retry them for real.
_NOT_STORED = {429, 503}


def _fingerprint(request: web.Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path_qs.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@web.middleware
async def idempotency_keys(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Replay stored answers for repeated POSTs that carry the same ``Idempotency-Key``."""
    key = request.headers.get(HEADER)
    principal = request.get(PRINCIPAL_KEY)
    if request.method != "POST" or key is None or principal is None:
        return await handler(request)
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.")
    redis = request.app[RUNTIME].redis
    fingerprint = _fingerprint(request, await request.read())
    slot = f"idem:{principal.organization_id}:{hashlib.sha256(key.encode()).hexdigest()}"
    claimed = await redis.set(
        slot, jsonutil.dumps({"fp": fingerprint, "state": "running"}), nx=True, ex=TTL_SECONDS
    )
    if not claimed:
        return _replay(await redis.get(slot), fingerprint)
    try:
        response = await handler(request)
    except ApiError as error:
        response = json_response(error.document(), status=error.status, headers=error.headers)
    except BaseException:
        await redis.delete(slot)
        raise
    if (
        response.status >= 500
        or response.status in _NOT_STORED
        or not isinstance(response, web.Response)
    ):
        await redis.delete(slot)
        return response
    body = response.body if isinstance(response.body, bytes) else b""
    stored = {
        "fp": fingerprint,
        "state": "done",
        "status": response.status,
        "body": body.decode(),
        "content_type": response.content_type,
    }
    await redis.set(slot, jsonutil.dumps(stored), ex=TTL_SECONDS)
    return response


def _replay(raw: bytes | str | None, fingerprint: str) -> web.Response:
    if raw is None:
        raise Conflict("The earlier request with this Idempotency-Key just finished; retry.")
    stored = jsonutil.loads(raw)
    if stored["fp"] != fingerprint:
        raise Conflict(
            f"This {HEADER} was used with different parameters.", meta={"header": HEADER}
        )
    if stored["state"] != "done":
        raise Conflict(f"A request with this {HEADER} is still in progress.")
    response = web.Response(
        body=stored["body"].encode(), status=stored["status"], content_type=stored["content_type"]
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response
