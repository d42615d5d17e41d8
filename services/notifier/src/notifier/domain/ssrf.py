"""Which addresses a webhook may reach (server-side request forgery guard), without I/O.

Production refuses loopback, private, link-local, CGNAT, multicast, reserved, unspecified and
IPv4-mapped addresses (and IPv6 forms embedding a refused IPv4 one) unless allow-listed.
Development additionally allows loopback and private ranges (local sinks), never link-local
(cloud metadata lives there) or the other special ranges.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
MAX_URL_LENGTH = 2048


def parse_cidrs(text: str) -> tuple[Network, ...]:
    """``"127.0.0.0/8, ::1/128"`` -> networks; raises ValueError on a bad one."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


@dataclass(frozen=True)
class AddressPolicy:
    """The guard's settings: profile and allow-listed networks."""

    allow: tuple[Network, ...] = ()
    development: bool = False

    def refusal(self, address: Address) -> str | None:
        """Why ``address`` may not be reached, or None when it may."""
        if any(address in network for network in self.allow if network.version == address.version):
            return None
        if isinstance(address, ipaddress.IPv6Address):
            if address.ipv4_mapped is not None:
                return "IPv4-mapped IPv6 address"
            embedded = _embedded_ipv4(address)
            if embedded is not None:
                inner = self.refusal(embedded)
                return f"embeds {embedded}: {inner}" if inner else None
        reason = _special(address)
        if reason is None:
            return None
        if self.development and reason in ("loopback", "private"):
            return None
        return f"{reason} address"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _special(address: Address) -> str | None:
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("carrier-grade NAT", isinstance(address, ipaddress.IPv4Address) and address in CGNAT),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    return None if address.is_global else "non-global"


def ip_literal(host: str) -> Address | None:
    """The address if ``host`` is an IP literal (``[::1]`` brackets allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class UrlTarget:
    """The parts of a webhook URL the guard needs."""

    scheme: str
    host: str
    port: int


def check_url_shape(url: str) -> UrlTarget:
    """Validate a webhook URL's form: http(s), a host, no credentials; ValueError if not."""
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise ValueError("the URL contains whitespace or control characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError("the URL must use http or https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("the URL must not contain credentials")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("the URL has an invalid port") from exc
    host = parts.hostname
    if not host:
        raise ValueError("the URL needs a host")
    return UrlTarget(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))
