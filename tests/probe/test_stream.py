"""The asyncio network backend under httpcore: reads, timeouts, the end of a stream, bounds."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpcore
import pytest

from seedlint.probe._http.stream import _HIGH_WATER, AsyncioBackend, AsyncioStream


@pytest.fixture
def tcp_server() -> Iterator[Callable[[Callable[[socket.socket], None]], int]]:
    """start(handler) -> port; each accepted connection is handed to ``handler`` in a thread."""
    listeners: list[socket.socket] = []

    def start(handler: Callable[[socket.socket], None]) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def serve() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                handler(conn)

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    for listener in listeners:
        listener.close()


def test_reads_what_was_sent_then_empty_at_the_end(tcp_server):
    port = tcp_server(lambda conn: conn.sendall(b"hello"))

    async def main() -> list[bytes]:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        got = [await stream.read(3, timeout=5), await stream.read(100, timeout=5)]
        got.append(await stream.read(100, timeout=5))
        await stream.aclose()
        return got

    assert asyncio.run(main()) == [b"hel", b"lo", b""]


def test_a_silent_peer_is_a_read_timeout(tcp_server):
    port = tcp_server(lambda conn: time.sleep(2))

    async def main() -> float:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        began = time.monotonic()
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(100, timeout=0.2)
        await stream.aclose()
        return time.monotonic() - began

    assert asyncio.run(main()) < 1.5


def test_a_refused_connection_is_a_connect_error():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5))


def test_an_endless_sender_fills_a_bounded_buffer(tcp_server):
    """Bytes nobody reads stay in the socket, not in memory: reading pauses at a high-water mark."""

    def flood(conn: socket.socket) -> None:
        conn.settimeout(3)
        chunk = b"x" * 65536
        try:
            for _ in range(256):  # 16 MiB on offer
                conn.sendall(chunk)
        except OSError:
            pass

    port = tcp_server(flood)

    async def main() -> tuple[int, int]:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        assert isinstance(stream, AsyncioStream)
        await asyncio.sleep(0.5)  # the peer keeps sending; nobody reads
        held = len(stream._protocol.buffer)
        drained = 0
        while drained < 4 << 20:  # reading on resumes the flow
            drained += len(await stream.read(65536, timeout=5))
        await stream.aclose()
        return held, drained

    held, drained = asyncio.run(main())
    assert _HIGH_WATER <= held < 2 * _HIGH_WATER + 65536
    assert drained >= 4 << 20
