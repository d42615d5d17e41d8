"""The SSRF guard at the network edge: a resolver that hands aiohttp only vetted addresses
(so the connection goes to the address that was checked, with Host and SNI unchanged), and
the registration-time check of a webhook URL."""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from notifier.domain.ssrf import AddressPolicy, check_url_shape, ip_literal

RESOLVE_TIMEOUT_SECONDS = 3.0


class RefusedAddress(OSError):
    """The target resolves only to addresses the guard refuses."""

    def __init__(self, reason: str) -> None:
        # (errno, strerror): aiohttp shows strerror in the connection error it raises.
        super().__init__(errno.EACCES, reason)


class GuardedResolver(AbstractResolver):
    """Resolves with the system resolver and drops every refused address."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Vetted addresses of ``host``; raises :class:`RefusedAddress` when none is left."""
        results = await self._inner.resolve(host, port, family)
        allowed = []
        reasons = []
        for result in results:
            reason = self._policy.refusal(ipaddress.ip_address(result["host"]))
            if reason is None:
                allowed.append(result)
            else:
                reasons.append(f"{result['host']}: {reason}")
        if not allowed:
            raise RefusedAddress(f"refused by the SSRF guard ({'; '.join(reasons)})")
        return allowed

    async def close(self) -> None:
        """Release the inner resolver."""
        await self._inner.close()


def literal_refusal(policy: AddressPolicy, url: str) -> str | None:
    """Why an IP-literal URL may not be reached (aiohttp skips the resolver for literals)."""
    address = ip_literal(check_url_shape(url).host)
    if address is None:
        return None
    reason = policy.refusal(address)
    return f"refused by the SSRF guard ({address}: {reason})" if reason else None


class RegistrationVetting:
    """:class:`notifier.ports.UrlVetting` under ``policy``."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    async def refusal(self, url: str) -> str | None:
        """See :func:`registration_refusal`."""
        return await registration_refusal(self._policy, url)


async def registration_refusal(policy: AddressPolicy, url: str) -> str | None:
    """Why ``url`` may not be registered: a bad shape, or a host that is (or resolves to) a
    refused address. A name that does not resolve (yet) is accepted: every attempt is checked
    again when it is sent."""
    try:
        target = check_url_shape(url)
    except ValueError as exc:
        return str(exc)
    address = ip_literal(target.host)
    if address is not None:
        reason = policy.refusal(address)
        return f"{address} is a {reason}, which webhooks may not reach" if reason else None
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError):
        return None
    for info in infos:
        resolved = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        reason = policy.refusal(resolved)
        if reason is not None:
            return f"{target.host} resolves to {resolved}, a {reason}, which webhooks may not reach"
    return None
