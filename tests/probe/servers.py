"""Real HTTP(S) servers on 127.0.0.1 for probe tests, with a server-side request log.

A ``LocalServer`` runs a threaded ``http.server`` on an ephemeral port with a
route table {path: responder}. Responders write raw bytes, so tests can send
anything: garbage status lines, resets, endless bodies. Every accepted
connection and every request (method, path, headers, bytes sent) is logged
server-side, so tests can assert "zero requests" and bounded bytes. Handler
threads are daemons, every sleep is bounded, and ``stop()`` shuts down.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class LoggedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    bytes_sent: int = 0  # everything written back: status line, headers, body
    body_sent: int = 0


class Exchange:
    """What a responder gets: the request, and ways to answer it."""

    def __init__(self, handler: _Handler, entry: LoggedRequest, hit: int) -> None:
        self.handler = handler
        self.entry = entry
        self.hit = hit  # 1 for the first request to this path, 2 for the next...
        self.method = entry.method
        self.path = entry.path
        self.headers = entry.headers

    def write(self, data: bytes, *, body: bool = False) -> None:
        """Write raw bytes, counting them."""
        self.handler.wfile.write(data)
        self.entry.bytes_sent += len(data)
        if body:
            self.entry.body_sent += len(data)

    def send(
        self,
        status: int,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        *,
        length: bool = True,
    ) -> None:
        """A complete response (no body on HEAD; Content-Length unless length=False)."""
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Whatever"
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{k}: {v}" for k, v in headers]
        names = {k.lower() for k, _ in headers}
        if length and "content-length" not in names:
            lines.append(f"Content-Length: {len(body)}")
        if not length:
            lines.append("Connection: close")
            self.handler.close_connection = True
        self.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if self.method != "HEAD" and body:
            self.write(body, body=True)


Responder = Callable[[Exchange], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle keep-alive connection cannot hold a thread for long
    server: _Server

    def _dispatch(self) -> None:
        owner = self.server.owner
        path = self.path
        entry = LoggedRequest(self.command, path, {k.lower(): v for k, v in self.headers.items()})
        with owner.lock:
            owner.log.append(entry)
            owner.hits[path] = owner.hits.get(path, 0) + 1
            hit = owner.hits[path]
            owner.active += 1
            owner.max_active = max(owner.max_active, owner.active)
        try:
            responder = owner.routes.get(path.split("?", 1)[0], not_found)
            responder(Exchange(self, entry, hit))
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away: fine
        finally:
            with owner.lock:
                owner.active -= 1

    do_GET = do_HEAD = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: LocalServer

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self.owner.lock:
            self.owner.connections += 1
        request.settimeout(5)
        context = self.owner.tls
        if context is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            with self.owner.lock:
                self.owner.tls_failures += 1
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets and broken pipes are part of the scenarios


@dataclass
class LocalServer:
    """A threaded HTTP (or HTTPS with ``tls``) server on 127.0.0.1."""

    tls: ssl.SSLContext | None = None
    routes: dict[str, Responder] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    connections: int = 0
    tls_failures: int = 0
    active: int = 0
    max_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> LocalServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def route(self, path: str, responder: Responder) -> str:
        """Add a route; return its full URL."""
        self.routes[path] = responder
        return self.url(path)

    def requests(self, path: str | None = None) -> list[LoggedRequest]:
        with self.lock:
            return [r for r in self.log if path is None or r.path == path]


# -- responders --------------------------------------------------------------


def not_found(ex: Exchange) -> None:
    ex.send(404, [("Content-Type", "text/plain")], b"not found")


def ok(body: bytes = b"hello", content_type: str = "text/html") -> Responder:
    return status(200, [("Content-Type", content_type)], body)


def status(code: int, headers: Sequence[tuple[str, str]] = (), body: bytes = b"") -> Responder:
    def respond(ex: Exchange) -> None:
        ex.send(code, headers, body)

    return respond


def redirect(code: int, location: str) -> Responder:
    return status(code, [("Location", location)])


def sequence(*responders: Responder) -> Responder:
    """The n-th request gets the n-th responder (the last one repeats)."""

    def respond(ex: Exchange) -> None:
        responders[min(ex.hit, len(responders)) - 1](ex)

    return respond


def by_method(**responders: Responder) -> Responder:
    """Answer per method, e.g. by_method(HEAD=status(405), GET=ok())."""

    def respond(ex: Exchange) -> None:
        responders.get(ex.method, not_found)(ex)

    return respond


def slow(seconds: float, then: Responder | None = None) -> Responder:
    """Sleep (bounded) before answering."""

    def respond(ex: Exchange) -> None:
        time.sleep(min(seconds, 5.0))
        (then or ok())(ex)

    return respond


def reset(ex: Exchange) -> None:
    """Close with a TCP RST and no answer."""
    sock = ex.handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    ex.handler.close_connection = True
    sock.close()


def garbage(ex: Exchange) -> None:
    """Something that is not HTTP at all."""
    ex.write(b"THIS IS NOT HTTP\r\nreally not\r\n\r\n")
    ex.handler.close_connection = True


def endless(
    head: bytes = b"", content_type: str = "text/html", limit: int = 64 << 20, seconds: float = 5.0
) -> Responder:
    """200 with a body that never ends (bounded by ``limit`` bytes and ``seconds``)."""

    def respond(ex: Exchange) -> None:
        ex.send(200, [("Content-Type", content_type)], length=False)
        if ex.method == "HEAD":
            return
        chunk = b"\0" * 65536
        deadline = time.monotonic() + seconds
        if head:
            ex.write(head, body=True)
        while ex.entry.body_sent < limit and time.monotonic() < deadline:
            ex.write(chunk, body=True)

    return respond


def file(data: bytes, content_type: str = "image/png", ranges: bool = True) -> Responder:
    """Serve bytes, honouring a single ``Range: bytes=a-b`` or ``bytes=-n`` when ``ranges``."""

    def respond(ex: Exchange) -> None:
        wanted = ex.headers.get("range", "")
        if ranges and wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            if first:
                start = int(first)
                end = min(int(last) if last else len(data) - 1, len(data) - 1)
            else:  # suffix range: the last n bytes (all of them if the file is shorter)
                start, end = max(len(data) - int(last), 0), len(data) - 1
                if int(last) == 0:
                    start = len(data)
            if start >= len(data):
                ex.send(416, [("Content-Range", f"bytes */{len(data)}")])
                return
            ex.send(
                206,
                [
                    ("Content-Type", content_type),
                    ("Content-Range", f"bytes {start}-{end}/{len(data)}"),
                ],
                data[start : end + 1],
            )
            return
        ex.send(200, [("Content-Type", content_type)], data)

    return respond


def start_server(tls: ssl.SSLContext | None = None) -> LocalServer:
    return LocalServer(tls=tls).start()


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte (each held at most 30 s)."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self._held: list[tuple[float, socket.socket]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                conn = None
            if conn is not None:
                self.connections += 1
                self._held.append((time.monotonic(), conn))
            now = time.monotonic()
            for began, held in [h for h in self._held if now - h[0] > 30]:
                held.close()
                self._held.remove((began, held))

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for _, held in self._held:
            held.close()
        self._sock.close()
