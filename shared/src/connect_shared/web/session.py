"""The dashboard session: a small signed cookie, readable by all three services because they
share the signing secret, plus (once signed in) a server-side record in Redis that signing out
deletes, so a copy of the cookie stops working at once.

Value: ``v1.<base64url JSON>.<base64url HMAC-SHA256>``. It carries the CSRF token, and once
signed in the organization id, the API key id (never the key itself) and the id of the
server-side record, an expiry and an optional one-shot notice. Signatures and CSRF tokens are
compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from typing import Any, Literal

from connect_shared import jsonutil

VERSION = "v1"
NoticeKind = Literal["info", "error"]


@dataclass(frozen=True)
class Session:
    """What the cookie says about its holder."""

    csrf: str
    expires_at: int  # unix seconds
    organization_id: str | None = None
    api_key_id: str | None = None
    notice: tuple[NoticeKind, str] | None = None
    session_id: str | None = None  # the server-side record (see :func:`record_key`)

    @property
    def signed_in(self) -> bool:
        """True when the holder signed in with an organization's API key."""
        return (
            self.organization_id is not None
            and self.api_key_id is not None
            and self.session_id is not None
        )

    def with_notice(self, kind: NoticeKind, text: str) -> Session:
        """The same session carrying a message for the next page shown."""
        return replace(self, notice=(kind, text[:300]))


def new_csrf_token() -> str:
    """A fresh random CSRF token (256 bits)."""
    return secrets.token_urlsafe(32)


def anonymous(now: int, ttl_seconds: int) -> Session:
    """A session that may only sign in."""
    return Session(csrf=new_csrf_token(), expires_at=now + ttl_seconds)


def signed_in(organization_id: str, api_key_id: str, now: int, ttl_seconds: int) -> Session:
    """A new session for a sign-in (a new CSRF token and a new record id, so nothing survives
    from before)."""
    return Session(
        csrf=new_csrf_token(),
        expires_at=now + ttl_seconds,
        organization_id=organization_id,
        api_key_id=api_key_id,
        session_id=secrets.token_urlsafe(32),
    )


def record_key(session_id: str) -> str:
    """The Redis key of a signed-in session's server-side record (deleted at sign-out)."""
    return f"dash:session:{session_id}"


def record_value(session: Session) -> str:
    """What the server-side record holds: whose session it is."""
    return f"{session.organization_id} {session.api_key_id}"


def csrf_matches(session: Session, submitted: str | None) -> bool:
    """True when ``submitted`` is this session's CSRF token (constant-time)."""
    if not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    """Signs sessions into cookie values and verifies them back."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._secret, f"{VERSION}.{payload}".encode(), hashlib.sha256)
        return _b64(mac.digest())

    def encode(self, session: Session) -> str:
        """The cookie value of ``session``."""
        body: dict[str, Any] = {"c": session.csrf, "e": session.expires_at}
        if session.organization_id and session.api_key_id and session.session_id:
            body["o"] = session.organization_id
            body["k"] = session.api_key_id
            body["s"] = session.session_id
        if session.notice is not None:
            body["n"] = list(session.notice)
        payload = _b64(jsonutil.dumps(body))
        return f"{VERSION}.{payload}.{self._sign(payload)}"

    def decode(self, value: str | None, now: int) -> Session | None:
        """The session in ``value``, or None when it is missing, forged, malformed or expired."""
        if not value or value.count(".") != 2:
            return None
        version, payload, signature = value.split(".")
        if version != VERSION:
            return None
        if not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            return None
        try:
            body = jsonutil.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        return _session_from(body, now)


def _session_from(body: Any, now: int) -> Session | None:
    if not isinstance(body, dict):
        return None
    csrf, expires = body.get("c"), body.get("e")
    if not isinstance(csrf, str) or not isinstance(expires, int) or expires <= now:
        return None
    org, key, session_id = body.get("o"), body.get("k"), body.get("s")
    notice = body.get("n")
    parsed_notice: tuple[NoticeKind, str] | None = None
    if isinstance(notice, list) and len(notice) == 2 and isinstance(notice[1], str):
        parsed_notice = ("error" if notice[0] == "error" else "info", notice[1])
    return Session(
        csrf=csrf,
        expires_at=expires,
        organization_id=org if isinstance(org, str) else None,
        api_key_id=key if isinstance(key, str) else None,
        notice=parsed_notice,
        session_id=session_id if isinstance(session_id, str) else None,
    )
