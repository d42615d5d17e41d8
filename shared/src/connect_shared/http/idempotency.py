"""``Idempotency-Key`` on every POST: the first answer (status, body and headers, ``Location``
included) is kept 24 hours and replayed for a repeat; the same key with different parameters is
409. Parameters are compared as parsed JSON, so a repeat whose body differs only in member order
or whitespace is the same request. An answer owed to work in progress elsewhere (an error marked
``transient``: the token is being redeemed, the record is being changed) is not kept: a repeat
runs again and may succeed once that work ended.

The slot is a lease while the first request runs (:mod:`connect_shared.leases`): the handler's
process renews it, so a repeat meanwhile is 409 "in progress"; a process that dies stops
renewing and the slot lapses within :data:`RUNNING_LEASE_SECONDS`, after which a repeat runs
the request again. A 5xx (503 included) or 429 answer frees the slot at once.

No secret rests in the cache in plain text: a service that answers with secrets (the notifier's
new webhook and rotated secret) registers a :class:`ReplaySealer` under :data:`REPLAY_SEALER`,
and every body it stores is sealed (bound to its slot, so it cannot be moved to another). A
handler whose answer holds a secret calls :func:`holds_secret`; without a sealer such an answer
is not stored at all.

A request that runs again after its process died can find its own earlier write through
:func:`request_identity` (a token created under it, a redemption started under it).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Protocol

from aiohttp import web

from connect_shared import jsonutil
from connect_shared.errors import ApiError, BadRequest, Conflict
from connect_shared.http.keys import PRINCIPAL_KEY
from connect_shared.http.middleware import Handler
from connect_shared.http.responses import json_response
from connect_shared.leases import Lease, owner_token
from connect_shared.runtime import RUNTIME
from connect_shared.stages import stage

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600
# How long a slot whose request is still running outlives its process's last heartbeat.
RUNNING_LEASE_SECONDS = 10.0
MAX_KEY_LENGTH = 255
# Answers that must not be replayed: the client should retry them for real.
_NOT_STORED = {429, 503}
# Response headers a replay does not repeat: they describe this answer's transport, or are
# set again by the middlewares outside this one.
_FRESH_HEADERS = frozenset(
    {"content-type", "content-length", "date", "server", "transfer-encoding", "connection"}
)


class ReplaySealer(Protocol):
    """Seals stored answers and opens them again (e.g. AES-256-GCM with a service key)."""

    def seal(self, plain: str) -> str:
        """The sealed form of ``plain``."""
        ...

    def open(self, stored: str) -> str:
        """The plain text of a value :meth:`seal` produced (raises if it was tampered with)."""
        ...


REPLAY_SEALER = web.AppKey("connect.replay_sealer", ReplaySealer)
_HOLDS_SECRET = web.RequestKey("connect.holds_secret", bool)
_IDENTITY = web.RequestKey("connect.request_identity", str)


def request_identity(request: web.Request) -> str | None:
    """A digest naming this request across its retries (organization, ``Idempotency-Key``,
    method, path and parsed body), or None without a key.

    The answer kept in Redis is lost when the process dies after its write landed (or with a
    FLUSHALL); a handler that writes under this identity (a new object's id derived from it,
    a record carrying it) can recognise its own earlier write when the request runs again,
    and answer as the first time instead of writing twice or refusing."""
    return request.get(_IDENTITY)


def holds_secret(request: web.Request) -> None:
    """Mark this request's answer as carrying a secret: it is cached sealed or not at all."""
    request[_HOLDS_SECRET] = True


def _canonical_body(body: bytes) -> bytes:
    """A JSON body as parsed (sorted members, no whitespace); anything else as sent."""
    try:
        return b"json:" + jsonutil.canonical(jsonutil.loads_untrusted(body))
    except Exception:  # not JSON, or not storable: the bytes are all there is to compare
        return b"raw:" + body


def _fingerprint(request: web.Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path_qs.encode(), _canonical_body(body)):
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
    sealer = request.app.get(REPLAY_SEALER)
    fingerprint = _fingerprint(request, await request.read())
    slot = f"idem:{principal.organization_id}:{hashlib.sha256(key.encode()).hexdigest()}"
    request[_IDENTITY] = hashlib.sha256(f"{slot}:{fingerprint}".encode()).hexdigest()
    running = {"fp": fingerprint, "state": "running", "owner": owner_token()}
    lease = Lease(redis, slot, jsonutil.dumps(running).decode(), RUNNING_LEASE_SECONDS)
    with stage("idempotency"):
        acquired = await lease.acquire()
        if not acquired:
            replay = _replay(await redis.get(slot), fingerprint, slot, sealer)
    if not acquired:
        return replay
    transient = False
    try:
        async with lease.kept():
            response = await handler(request)
    except ApiError as error:
        response = json_response(error.document(), status=error.status, headers=error.headers)
        transient = error.transient
    except BaseException:
        await lease.release()
        raise
    try:
        with stage("idempotency"):
            await _keep_answer(request, response, lease, fingerprint, sealer, transient=transient)
    except BaseException:
        await lease.release()  # a repeat runs the request again rather than wait 24 hours
        raise
    return response


async def _keep_answer(
    request: web.Request,
    response: web.StreamResponse,
    lease: Lease,
    fingerprint: str,
    sealer: ReplaySealer | None,
    *,
    transient: bool,
) -> None:
    """Swap the running slot for the answer, or free it when the answer is not replayed."""
    unsealable = sealer is None and request.get(_HOLDS_SECRET, False)
    if (
        transient
        or response.status >= 500
        or response.status in _NOT_STORED
        or not isinstance(response, web.Response)
        or unsealable
    ):
        if unsealable:
            log.warning("an answer holding a secret is not cached: no replay sealer configured")
        await lease.release()
        return
    body = response.body.decode() if isinstance(response.body, bytes) else ""
    stored: dict[str, Any] = {
        "fp": fingerprint,
        "state": "done",
        "status": response.status,
        "content_type": response.content_type,
        "headers": {
            str(name): value
            for name, value in response.headers.items()
            if name.lower() not in _FRESH_HEADERS
        },
    }
    if sealer is not None:
        stored["sealed_body"] = sealer.seal(f"{lease.key}\n{body}")
    else:
        stored["body"] = body
    if not await lease.replace(jsonutil.dumps(stored).decode(), TTL_SECONDS):
        log.warning("idempotency slot was taken over before this answer was stored")


def _stored_body(stored: dict[str, Any], slot: str, sealer: ReplaySealer | None) -> str:
    if "sealed_body" not in stored:
        return str(stored["body"])
    if sealer is None:
        raise Conflict(f"The answer to this {HEADER} cannot be replayed here.")
    try:
        bound_slot, _, body = sealer.open(str(stored["sealed_body"])).partition("\n")
    except Exception:  # tampered with, or sealed under a key this process no longer has
        bound_slot, body = "", ""
    if bound_slot != slot:
        raise Conflict(f"The answer to this {HEADER} cannot be replayed here.")
    return body


def _replay(
    raw: bytes | str | None, fingerprint: str, slot: str, sealer: ReplaySealer | None
) -> web.Response:
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
        body=_stored_body(stored, slot, sealer).encode(),
        status=stored["status"],
        content_type=stored["content_type"],
        headers=stored.get("headers") or {},
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response
