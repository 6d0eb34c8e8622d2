"""Address guard: which hosts, addresses and ports a probe may contact.

Pure stdlib on purpose: the offline linter may reuse ``check_url`` without
paying for an HTTP stack. The network side (resolve, vet every address,
connect to a vetted IP) lives in ``_http.GuardedBackend`` and calls
``resolve_and_vet`` here, so every connection -- including each redirect
hop -- is checked against the address actually connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

DEFAULT_PORTS = frozenset({80, 443})
_SCHEME_PORTS = {"http": 80, "https": 443}


class GuardRefused(Exception):
    """A URL or connection refused by the guard; ``str(exc)`` says why."""


class DnsFailure(Exception):
    """The host name did not resolve; ``str(exc)`` says why."""


class BadUrl(ValueError):
    """The URL cannot be probed (syntax, scheme, port); ``str(exc)`` says why."""


_V4_RULES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), why)
    for net, why in (
        ("0.0.0.0/32", "the unspecified address"),
        ("0.0.0.0/8", "in the 'this network' block 0.0.0.0/8"),
        ("10.0.0.0/8", "a private (RFC 1918) address"),
        ("100.64.0.0/10", "a carrier-grade NAT (RFC 6598) address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.169.254/32", "a link-local address (cloud metadata endpoint)"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private (RFC 1918) address"),
        ("192.0.0.0/24", "an IETF protocol assignment address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.88.99.0/24", "a 6to4 relay anycast address"),
        ("192.168.0.0/16", "a private (RFC 1918) address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", "a reserved address"),
    )
)

_V6_RULES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), why)
    for net, why in (
        ("::/128", "the unspecified address"),
        ("::1/128", "a loopback address"),
        ("64:ff9b:1::/48", "a local-use NAT64 address"),
        ("100::/64", "a discard-only address"),
        ("2001:db8::/32", "a documentation address"),
        ("fc00::/7", "a unique local (fc00::/7) address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    )
)

_V4_COMPAT = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted (a phrase such as "a loopback address"), or None."""
    if isinstance(ip, ipaddress.IPv4Address):
        for net, why in _V4_RULES:
            if ip in net:
                return why
        return None if ip.is_global else "not a globally routable address"
    ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])  # drop a zone id
    for net6, why6 in _V6_RULES:
        if ip in net6:
            return why6
    # v6 spellings of v4 addresses reach the embedded v4 host: judge that host.
    embedded: ipaddress.IPv4Address | None = None
    via = ""
    if ip.ipv4_mapped is not None:
        embedded, via = ip.ipv4_mapped, "maps to"
    elif ip in _V4_COMPAT:
        embedded, via = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "embeds"
    elif ip in _NAT64:
        embedded, via = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "translates (NAT64) to"
    elif ip.sixtofour is not None:
        embedded, via = ip.sixtofour, "tunnels (6to4) to"
    elif ip.teredo is not None:
        embedded, via = ip.teredo[1], "tunnels (Teredo) to"
    if embedded is not None:
        inner = forbidden_reason(embedded)
        return f"{via} {embedded}, {inner}" if inner else None
    return None if ip.is_global else "not a globally routable address"


def _parse_v4_part(part: str) -> int | None:
    # WHATWG URL host parsing (what browsers and inet_aton accept): 0x.. hex, 0.. octal.
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0 if base == 16 else None
    try:
        return int(digits, base) if digits.isascii() and digits.isalnum() else None
    except ValueError:
        return None


def parse_ipv4_spelling(host: str) -> ipaddress.IPv4Address | None:
    """Read every spelling inet_aton/browsers accept: ``2130706433``, ``0x7f000001``,
    ``0177.0.0.1``, ``127.1``; None when ``host`` is not an IPv4 number."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # a trailing dot still names the same address
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    numbers = [_parse_v4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    nums = [n for n in numbers if n is not None]
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(nums)):
        return None
    value = nums[-1]
    for i, n in enumerate(nums[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip_literal(host: str) -> IPAddress | None:
    """An IP address however it is spelled in a URL host, or None for a name."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare)
        except ValueError:
            return None
    return parse_ipv4_spelling(bare)


def _split_host_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port)
    return entry, None  # a bare name, v4 address or unbracketed v6 address


@dataclass(frozen=True)
class GuardPolicy:
    """What the guard allows; build it with ``GuardPolicy.build``."""

    allow_all: bool = False
    names: tuple[tuple[str, int | None], ...] = ()
    addresses: tuple[tuple[IPAddress, int | None], ...] = ()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    ports: frozenset[int] = DEFAULT_PORTS

    @classmethod
    def build(
        cls,
        *,
        allow_private: bool = False,
        allowed_hosts: Sequence[str] = (),
        allowed_networks: Sequence[str] = (),
        allowed_ports: Sequence[int] = (),
    ) -> GuardPolicy:
        """Parse allow-list entries (raises ValueError on a malformed one)."""
        names: list[tuple[str, int | None]] = []
        addresses: list[tuple[IPAddress, int | None]] = []
        for entry in allowed_hosts:
            host, port = _split_host_port(entry.strip())
            ip = parse_ip_literal(host)
            if ip is None:
                names.append((host.lower().rstrip("."), port))
            else:
                addresses.append((ip, port))
        return cls(
            allow_all=allow_private,
            names=tuple(names),
            addresses=tuple(addresses),
            networks=tuple(ipaddress.ip_network(n, strict=False) for n in allowed_networks),
            ports=DEFAULT_PORTS | frozenset(allowed_ports),
        )

    def trusts_name(self, host: str, port: int) -> bool:
        """True when ``host`` is allow-listed by name for ``port``."""
        name = host.lower().rstrip(".")
        return any(n == name and p in (None, port) for n, p in self.names)

    def vet(self, host: str, ip: IPAddress | None, port: int) -> str | None:
        """Why connecting to ``host`` (at ``ip`` when known) on ``port`` is refused, or None."""
        if self.allow_all or self.trusts_name(host, port):
            return None
        if ip is not None and any(a == ip and p in (None, port) for a, p in self.addresses):
            return None
        if port not in self.ports:
            allowed = ", ".join(str(p) for p in sorted(self.ports))
            return f"port {port} is not allowed (allowed: {allowed})"
        if ip is None or any(ip in net for net in self.networks):
            return None
        why = forbidden_reason(ip)
        if why is None:
            return None
        shown = host.strip("[]")
        if parse_ip_literal(host) is None:
            return f"{shown} resolved to {ip}, {why}"
        if shown != str(ip):
            return f"{shown} is {ip}, {why}"
        return f"{ip} is {why}"


def url_host_port(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; raises BadUrl for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadUrl(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _SCHEME_PORTS:
        raise BadUrl(f"unsupported scheme {scheme!r}" if scheme else "URL has no scheme")
    host = parts.hostname
    if not host:
        raise BadUrl("URL has no host")
    return scheme, host, port if port is not None else _SCHEME_PORTS[scheme]


def check_url(url: str, policy: GuardPolicy) -> str | None:
    """Pre-flight check of a URL (raises BadUrl): a refusal reason, or None.

    Catches every IP-literal spelling and disallowed ports before any DNS or
    connection; names are vetted again, by address, when connecting.
    """
    _, host, port = url_host_port(url)
    return policy.vet(host, parse_ip_literal(host), port)


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Resolve with the event loop's getaddrinfo (the OS resolver, /etc/hosts included)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_and_vet(
    host: str, port: int, policy: GuardPolicy, resolver: Resolver = system_resolver
) -> list[str]:
    """Addresses to connect to for ``host``, each vetted; raise GuardRefused or DnsFailure.

    Every resolved address must pass: one forbidden answer refuses the host, so
    a name cannot smuggle a private address in among public ones.
    """
    literal = parse_ip_literal(host)
    if literal is not None:
        why = policy.vet(host, literal, port)
        if why:
            raise GuardRefused(why)
        return [str(literal)]
    try:
        found = await resolver(host, port)
    except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
        raise DnsFailure(f"{host}: {getattr(exc, 'strerror', None) or exc}") from exc
    addresses = list(dict.fromkeys(found))  # dedupe, keep the resolver's order
    if not addresses:
        raise DnsFailure(f"{host}: no addresses")
    for text in addresses:
        try:
            ip: IPAddress = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError as exc:
            raise DnsFailure(f"{host}: resolver returned {text!r}") from exc
        why = policy.vet(host, ip, port)
        if why:
            raise GuardRefused(why)
    return addresses
