"""Connections: the guarded network backend, one pool per origin, the client."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Iterable

import httpcore
import httpx

from ..guard import GuardPolicy, GuardRefused, Resolver, resolve_and_vet
from ..guard import system_resolver as _system_resolver
from ..settings import ProbeSettings
from .budget import within
from .stream import AsyncioBackend, AsyncioStream


class _ClosingStream(httpcore.AsyncNetworkStream):
    """A TCP stream that is closed when its TLS handshake is cancelled.

    httpcore closes the socket when the handshake fails with an Exception but
    not on cancellation (a BaseException), which is how every time budget here
    ends a request: without this, each cancelled handshake leaks a socket.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            return await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except Exception:
            raise  # httpcore closes the stream itself
        except BaseException:
            with contextlib.suppress(Exception):
                await self._inner.aclose()
            raise

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, vet every address, then connect to a vetted IP (never the name)."""

    def __init__(
        self,
        policy: GuardPolicy,
        resolver: Resolver = _system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner if inner is not None else AsyncioBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable vetted address of ``host``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            addresses = await within(
                resolve_and_vet(host, port, self._policy, self._resolver), timeout
            )
        except asyncio.TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        error: Exception | None = None
        for ip in addresses:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                stream = await self._inner.connect_tcp(
                    ip,
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=socket_options,
                )
                # Ours closes a cancelled handshake's socket itself.
                return stream if isinstance(stream, AsyncioStream) else _ClosingStream(stream)
            except httpcore.ConnectError as exc:  # refused: the next address may answer
                error = exc
            # A ConnectTimeout propagates: a hung host costs one timeout, not one per address.
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never used: probes only speak TCP."""
        raise GuardRefused("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Delegate (httpcore uses it between its own connect retries, which we disable)."""
        await self._inner.sleep(seconds)


def _ssl_context(verify: bool | str) -> ssl.SSLContext | bool:
    if isinstance(verify, str):
        # httpx 0.28 deprecates verify=<path>; build the context ourselves.
        return ssl.create_default_context(cafile=verify)
    return verify


class _PoolTransport(httpx.AsyncHTTPTransport):
    """httpx's transport around a connection pool of ours (no proxy, our network backend).

    httpx has no public hook for a network backend, and its constructor builds
    a pool (and a TLS context) of its own: this one only takes the pool, which
    is all that sending and closing use. No proxy either: a proxy would
    connect on our behalf, unvetted.
    """

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:  # no super(): see above
        self._pool = pool


class PerHostTransport(httpx.AsyncBaseTransport):
    """One small httpcore pool per origin, every connection made through the guarded backend.

    A single pool for the whole run re-scans every connection it holds on each
    request (httpcore's bookkeeping is linear in its size, encode/httpx#3215)
    and, being capped below hosts x per-host slots, evicts idle connections
    that the next request to that host needs. Pools of ``per_host``
    connections keep both costs small and connections alive for reuse; the
    limiter's semaphores bound the requests in flight. Idle sockets are bounded
    too: a host's pools close as soon as none of its URLs is active or waiting
    (``release``), and beyond ``max_pools`` open pools the least recently used
    idle ones are closed (every URL task waits on its host from the start, so
    without this a run over thousands of hosts could hold one idle socket per
    host).
    """

    def __init__(
        self,
        settings: ProbeSettings,
        backend: httpcore.AsyncNetworkBackend,
        max_pools: int | None = None,
    ) -> None:
        self._verify = settings.verify
        self._ssl: ssl.SSLContext | None = None  # made for the first https origin
        self._backend = backend
        self._size = settings.per_host
        self.max_pools = max_pools if max_pools is not None else 2 * settings.concurrency
        # Least recently used first: a hit moves its origin to the end.
        self._transports: dict[tuple[str, str, int], _PoolTransport] = {}
        self._pools: dict[tuple[str, str, int], httpcore.AsyncConnectionPool] = {}

    @property
    def open_pools(self) -> int:
        """How many origins have a pool now."""
        return len(self._transports)

    async def _for(self, url: httpx.URL) -> _PoolTransport:
        key = (url.scheme, url.host, port_of(url))
        transport = self._transports.pop(key, None)
        if transport is not None:
            self._transports[key] = transport
            return transport
        await self._evict_idle()
        pool = httpcore.AsyncConnectionPool(
            # Plain http needs no TLS context: none is made (loading trust takes ~20 ms).
            ssl_context=self._tls() if url.scheme == "https" else None,
            max_connections=self._size,
            max_keepalive_connections=self._size,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=self._backend,
        )
        transport = _PoolTransport(pool)
        self._transports[key] = transport
        self._pools[key] = pool
        return transport

    def _tls(self) -> ssl.SSLContext:
        """The run's TLS context, made on first use: loading a trust store takes ~20 ms."""
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(verify=_ssl_context(self._verify), trust_env=False)
        return self._ssl

    async def _evict_idle(self) -> None:
        """Close least recently used pools whose connections are all idle, down to max_pools."""
        excess = len(self._transports) + 1 - self.max_pools
        for key in list(self._transports):
            if excess <= 0:
                break
            if all(connection.is_idle() for connection in self._pools[key].connections):
                excess -= 1
                await self._close(key)

    async def _close(self, key: tuple[str, str, int]) -> None:
        transport = self._transports.pop(key)
        del self._pools[key]
        await transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through the pool of the request's origin."""
        transport = await self._for(request.url)
        return await transport.handle_async_request(request)

    async def release(self, host: str) -> None:
        """Close the pools of ``host`` (a ``host_key``): its connections are idle now."""
        for key in [k for k in self._transports if key_text(k[1], k[2]) == host]:
            await self._close(key)

    async def aclose(self) -> None:
        """Close every pool."""
        for key in list(self._transports):
            await self._close(key)


def key_text(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def build_client(settings: ProbeSettings, transport: PerHostTransport) -> httpx.AsyncClient:
    """One client for the whole run, every request sent through ``transport``."""
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=None,  # queueing is bounded by our own semaphores and the total budget
        ),
        follow_redirects=False,  # followed by hand: each hop is guarded and recorded
        trust_env=False,
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
    )


def host_key(url: httpx.URL) -> str:
    """``host:port``: the unit of politeness, budgets and "unreachable"."""
    return key_text(url.host, port_of(url))


def port_of(url: httpx.URL) -> int:
    """The port connected to (port 0 is a port, not "the default")."""
    if url.port is not None:
        return url.port
    return 443 if url.scheme == "https" else 80
