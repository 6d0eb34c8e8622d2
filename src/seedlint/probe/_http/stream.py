"""An httpcore network backend on asyncio's own transports (plain and TLS).

httpcore's default backend goes through anyio: every read and write enters a
cancel scope (``fail_after``) and every connect a task group, which made up
about a fifth of a link run's CPU. A probe reads a status line and a few
headers per request; this backend keeps the bytes in a protocol buffer and
wakes the one reader, with ``asyncio.timeout`` for the deadlines.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any, NoReturn

import httpcore

from .budget import within

_HIGH_WATER = 256 * 1024  # bytes buffered before the socket stops being read


def _raise_over(kind: type[Exception], error: BaseException) -> NoReturn:
    """Raise ``kind`` while ``error`` is being handled: httpcore re-raises ``from None``,
    which keeps only ``__context__``, and the verdicts look there for TLS errors."""
    try:
        raise error
    except BaseException as exc:
        raise kind(str(exc) or type(exc).__name__) from exc


class _Protocol(asyncio.Protocol):
    """Received bytes, end of stream and write pauses of one connection."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.read_paused = False
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()  # a server sending without end fills no memory
            self.read_paused = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    def _wake(self) -> None:
        if self._readable is not None and not self._readable.done():
            self._readable.set_result(None)

    async def readable(self) -> None:
        """Wait until bytes or the end of the stream arrive."""
        self._readable = asyncio.get_running_loop().create_future()
        try:
            await self._readable
        finally:
            self._readable = None

    @property
    def write_paused(self) -> bool:
        """The transport's write buffer is full."""
        return self._writable is not None

    async def writable(self) -> None:
        """Wait while the transport's write buffer is full."""
        if self._writable is not None:
            await asyncio.shield(self._writable)  # a timeout must not cancel the shared future


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: reads from the protocol's buffer, writes to the transport."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to ``max_bytes`` bytes; ``b""`` at the end of the stream."""
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            try:
                await within(protocol.readable(), timeout)
            except asyncio.TimeoutError as exc:
                raise httpcore.ReadTimeout("no bytes in time") from exc
        if protocol.buffer:
            data = bytes(protocol.buffer[:max_bytes])
            del protocol.buffer[:max_bytes]
            if protocol.read_paused and len(protocol.buffer) <= _HIGH_WATER // 2:
                protocol.read_paused = False
                self._transport.resume_reading()
            return data
        if protocol.error is not None:
            _raise_over(httpcore.ReadError, protocol.error)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Hand ``buffer`` to the transport; wait (within ``timeout``) while it is full."""
        if not buffer:
            return
        if self._transport.is_closing():
            error = self._protocol.error
            if error is not None:
                _raise_over(httpcore.WriteError, error)
            raise httpcore.WriteError("connection closed")
        self._transport.write(buffer)
        if not self._protocol.write_paused:
            return
        try:
            await within(self._protocol.writable(), timeout)
        except asyncio.TimeoutError as exc:
            raise httpcore.WriteTimeout("the peer took no bytes in time") from exc

    async def aclose(self) -> None:
        """Close the connection (a TLS one without waiting for the peer's goodbye)."""
        self._transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Run the TLS handshake; the socket is closed if it fails or is cancelled."""
        loop = asyncio.get_running_loop()
        try:
            tls = await within(
                loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                ),
                timeout,
            )
        except asyncio.TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from exc
        except ssl.SSLError as exc:
            self._transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        except OSError as exc:
            # The peer closed or reset mid-handshake (asyncio says ConnectionResetError):
            # no TLS spoken here, what the ssl module itself reports as an EOF error.
            # httpcore re-raises with ``from None``: the cause must be the exception
            # being handled, so that the TLS error stays in the chain (``__context__``).
            self._transport.abort()
            why = (
                "EOF occurred in violation of protocol: the connection closed during the handshake"
            )
            try:
                raise ssl.SSLEOFError(why) from exc
            except ssl.SSLEOFError as eof:
                raise httpcore.ConnectError(why) from eof
        except BaseException:
            self._transport.abort()
            raise
        if tls is None:  # the transport was closing
            raise httpcore.ConnectError("connection closed during the TLS handshake")
        self._protocol.transport = tls  # reads are paused and resumed on the TLS layer now
        return AsyncioStream(tls, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        """What httpcore asks: the TLS object, addresses, the socket, and whether the
        peer has sent anything (an idle connection that has is not reused)."""
        if info == "is_readable":
            return bool(self._protocol.buffer) or self._protocol.eof
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """TCP connections on asyncio transports (the address given is connected as is)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to ``host`` (an address) within ``timeout``."""
        loop = asyncio.get_running_loop()
        try:
            transport, protocol = await within(
                loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                ),
                timeout,
            )
        except asyncio.TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"connecting to {host} port {port} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        assert isinstance(transport, asyncio.Transport)
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Not supported: probes speak TCP only."""
        raise httpcore.ConnectError("unix sockets are not supported")

    async def sleep(self, seconds: float) -> None:
        """Sleep (httpcore uses it between its own connect retries, which are off)."""
        await asyncio.sleep(seconds)
