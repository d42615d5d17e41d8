"""The SSRF guard: which addresses production refuses, in the domain and at the socket edge."""

from __future__ import annotations

import ipaddress

import pytest

from notifier.adapters.guard import GuardedResolver, RefusedAddress, registration_refusal
from notifier.adapters.sender import HttpSender
from notifier.domain.ssrf import AddressPolicy, check_url_shape, parse_cidrs

PRODUCTION = AddressPolicy()
DEVELOPMENT = AddressPolicy(development=True)

REFUSED = [
    "10.0.0.1",
    "172.16.3.4",
    "192.168.1.1",
    "127.0.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "240.0.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:8.8.8.8",
    "2002:0a00:0001::1",  # 6to4 around 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
]


@pytest.mark.unit
@pytest.mark.parametrize("address", REFUSED)
def test_production_refuses_internal_and_special_addresses(address: str) -> None:
    assert PRODUCTION.refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.unit
@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert PRODUCTION.refusal(ipaddress.ip_address(address)) is None


@pytest.mark.unit
def test_the_allow_list_opens_exactly_its_networks() -> None:
    policy = AddressPolicy(parse_cidrs("127.0.0.0/8,::1/128"))
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("10.0.0.1")) is not None


@pytest.mark.unit
def test_development_allows_loopback_but_never_link_local_metadata() -> None:
    assert DEVELOPMENT.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert DEVELOPMENT.refusal(ipaddress.ip_address("169.254.169.254")) is not None


@pytest.mark.unit
@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "http://user:pw@example.com/",
        "https:///nohost",
        "javascript:alert(1)",
    ],
)
def test_webhook_urls_must_be_plain_http_or_https(url: str) -> None:
    with pytest.raises(ValueError):
        check_url_shape(url)


@pytest.mark.integration
@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://localhost:9/x"],
)
async def test_production_refuses_registering_internal_targets(url: str) -> None:
    assert await registration_refusal(PRODUCTION, url) is not None


@pytest.mark.integration
async def test_the_resolver_never_hands_out_a_refused_address() -> None:
    resolver = GuardedResolver(PRODUCTION)
    with pytest.raises(RefusedAddress):
        await resolver.resolve("localhost", 80)
    await resolver.close()


@pytest.mark.integration
@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://169.254.169.254/", "http://localhost:9/hook"]
)
async def test_production_sender_refuses_without_connecting(url: str) -> None:
    sender = HttpSender(PRODUCTION, total_timeout=2, connect_timeout=1, max_connections=4)
    await sender.start()
    try:
        result = await sender.send(url, b"{}", {"Content-Type": "application/json"})
    finally:
        await sender.close()
    assert result.status is None
    assert result.error is not None and "SSRF" in result.error
