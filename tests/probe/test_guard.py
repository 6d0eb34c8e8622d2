"""The address guard: unit cases, and real servers that must see zero requests."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seedlint.probe import Outcome, ProbeSettings
from seedlint.probe.guard import (
    BadUrl,
    GuardPolicy,
    GuardRefused,
    check_url,
    forbidden_reason,
    parse_ip_literal,
    resolve_and_vet,
)

from .servers import ok, redirect

FORBIDDEN = [
    ("127.0.0.1", "loopback"),
    ("10.1.2.3", "RFC 1918"),
    ("172.16.0.1", "RFC 1918"),
    ("192.168.1.1", "RFC 1918"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("169.254.169.254", "metadata"),
    ("169.254.1.1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("255.255.255.255", "broadcast"),
    ("240.0.0.1", "reserved"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fd00::1", "unique local"),
    ("fe80::1", "link-local"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "maps to 127.0.0.1"),
    ("::ffff:10.0.0.1", "maps to 10.0.0.1"),
    ("::127.0.0.1", "embeds 127.0.0.1"),
    ("2002:7f00:1::", "6to4"),
    ("64:ff9b::a9fe:a9fe", "NAT64"),
]


@pytest.mark.parametrize(("address", "why"), FORBIDDEN)
def test_forbidden_addresses(address, why):
    reason = forbidden_reason(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None


SPELLINGS = ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.1", "0x7f.1", "127.0.0.1."]


@pytest.mark.parametrize("host", SPELLINGS)
def test_every_ipv4_spelling_is_read(host):
    assert parse_ip_literal(host) == ipaddress.IPv4Address("127.0.0.1")


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "0x", "08.0.0.1", "256.1.1.1", "a.1"])
def test_names_are_not_addresses(host):
    assert parse_ip_literal(host) is None or host == "0x"


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_spellings_agree_with_inet_aton(value):
    address = ipaddress.IPv4Address(value)
    a, b, c, d = address.packed
    for spelling in (
        str(value),
        hex(value),
        f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",
        f"{a}.{(b << 16) | (c << 8) | d}",
    ):
        assert parse_ip_literal(spelling) == address
        assert socket.inet_aton(spelling) == address.packed


def test_ports_and_allow_lists():
    policy = GuardPolicy.build()
    assert "port 8080" in (check_url("http://example.com:8080/", policy) or "")
    assert check_url("https://example.com/", policy) is None
    allowed = GuardPolicy.build(allowed_hosts=("127.0.0.1:8080", "intranet"), allowed_ports=(8443,))
    assert check_url("http://127.0.0.1:8080/", allowed) is None
    assert "loopback" in (check_url("http://127.0.0.1:8443/", allowed) or "")
    assert check_url("http://INTRANET:9999/", allowed) is None  # a trusted name: any port
    networks = GuardPolicy.build(allowed_networks=("10.0.0.0/8",))
    assert check_url("http://10.2.3.4/", networks) is None
    assert check_url("http://[::1]/", GuardPolicy.build(allowed_hosts=("[::1]:80",))) is None
    with pytest.raises(BadUrl):
        check_url("ftp://example.com/", policy)
    with pytest.raises(BadUrl):
        check_url("http://example.com:99999/", policy)


def test_a_name_resolving_to_loopback_is_refused():
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]  # one bad answer spoils the lot

    with pytest.raises(GuardRefused, match=r"public\.example resolved to 127\.0\.0\.1"):
        asyncio.run(resolve_and_vet("public.example", 443, GuardPolicy.build(), resolver))


# -- against a real server: nothing may arrive --------------------------------


def test_loopback_spellings_send_nothing(http_server, probe_run):
    http_server.route("/", ok())
    port = http_server.port
    hosts = [*SPELLINGS, "[::ffff:127.0.0.1]", "[::1]", "[::ffff:7f00:1]", "127.0.0.1"]
    urls = [f"http://{host}:{port}/" for host in hosts]
    # The port is allowed, so the address itself must be what gets refused.
    settings = ProbeSettings(use_cache=False, allowed_ports=(port,), connect_timeout=0.5)
    report = probe_run(urls, urls, settings=settings)
    for url in urls:
        assert report.links[url].outcome is Outcome.FORBIDDEN_ADDRESS, url
        assert "loopback" in report.links[url].detail, report.links[url].detail
        assert report.images[url].outcome is Outcome.FORBIDDEN_ADDRESS
    assert http_server.connections == 0
    assert http_server.requests() == []


def test_localhost_resolved_by_the_system_is_refused(http_server):
    from seedlint.probe import run_probe  # the real OS resolver: localhost is in /etc/hosts

    url = http_server.route("/", ok()).replace("127.0.0.1", "localhost")
    settings = ProbeSettings(use_cache=False, allowed_ports=(http_server.port,))
    result = run_probe([url], [], settings).links[url]
    assert result.outcome is Outcome.FORBIDDEN_ADDRESS
    assert "localhost resolved to" in result.detail
    assert http_server.connections == 0


def test_default_port_rule_sends_nothing(http_server, probe_run):
    url = http_server.route("/", ok())
    result = probe_run([url], settings=ProbeSettings(use_cache=False)).links[url]
    assert result.outcome is Outcome.FORBIDDEN_ADDRESS
    assert f"port {http_server.port} is not allowed" in result.detail
    assert http_server.connections == 0


def test_metadata_address_is_refused(probe_run):
    url = "http://169.254.169.254/latest/meta-data/"
    result = probe_run([url], settings=ProbeSettings(use_cache=False)).links[url]
    assert result.outcome is Outcome.FORBIDDEN_ADDRESS
    assert "metadata" in result.detail


def test_redirect_hop_to_a_forbidden_target(make_server, probe_run):
    allowed, target = make_server(), make_server()
    target.route("/", ok())
    allowed.route("/to-port", redirect(302, target.url("/")))
    allowed.route("/to-address", redirect(302, target.url("/")))
    allowed.route("/to-name", redirect(302, f"http://localhost:{target.port}/"))
    only_first = ProbeSettings(use_cache=False, allowed_hosts=(f"127.0.0.1:{allowed.port}",))
    both_ports = ProbeSettings(
        use_cache=False,
        allowed_hosts=(f"127.0.0.1:{allowed.port}",),
        allowed_ports=(allowed.port, target.port),
    )
    by_port = probe_run([allowed.url("/to-port")], settings=only_first)
    by_address = probe_run(
        [allowed.url("/to-address"), allowed.url("/to-name")], settings=both_ports
    )
    result = by_port.links[allowed.url("/to-port")]
    assert result.outcome is Outcome.FORBIDDEN_ADDRESS
    assert "port" in result.detail and result.final_url == target.url("/")
    result = by_address.links[allowed.url("/to-address")]
    assert result.outcome is Outcome.FORBIDDEN_ADDRESS
    assert "127.0.0.1 is a loopback address" in result.detail
    # A name is vetted by the address it resolves to, at connect time.
    result = by_address.links[allowed.url("/to-name")]
    assert result.outcome is Outcome.FORBIDDEN_ADDRESS
    assert "localhost resolved to 127.0.0.1" in result.detail
    assert len(allowed.requests()) >= 3
    assert target.connections == 0


def test_allow_listed_network(http_server, probe_run):
    url = http_server.route("/", ok())
    settings = ProbeSettings(
        use_cache=False, allowed_networks=("127.0.0.0/8",), allowed_ports=(http_server.port,)
    )
    assert probe_run([url], settings=settings).links[url].outcome is Outcome.ALIVE
