"""Redis replies as text: redis-py answers bytes (the clients do not decode responses), while
fakes and Lua numbers may answer str or int, and every caller wants str."""

from __future__ import annotations

from collections.abc import Iterable


def as_text(reply: object) -> str:
    """One reply (a member, a value) as str."""
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def as_texts(replies: Iterable[object]) -> list[str]:
    """Several replies (e.g. the members of a ZRANGE) as str, in order."""
    return [as_text(reply) for reply in replies]
