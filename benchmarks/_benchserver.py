"""Benchmark HTTP/1.1 server on 127.0.0.1 (asyncio, stdlib only), run as a subprocess.

Two apps, chosen with ``--app``:

* ``links``: ``--hosts N`` listening ports, each standing for one web host.
  The path alone decides the answer (see ``_links_answer``), after a fixed
  ``--latency`` per response; ``/hang/...`` never answers and is dropped by
  the server after ``--hang-seconds``.
* ``images``: one port serving the files of ``--dir`` under ``/img/<name>``,
  honouring single ``Range`` requests (206 / 416) and ``If-Range``.

A separate control port (never counted) serves ``GET /__stats`` (every
request as JSON: port, method, path, status, arrival time, header and body
bytes sent), ``POST /__reset`` (clear the log and per-path state),
``PUT /__index`` (store an HTML page) and ``GET /index.html`` (serve it).

Bytes are counted at the socket: the write buffer's high-water mark is 0 and
every 16 KiB chunk is awaited with ``drain()``, so a chunk counts once the
kernel has taken it (on loopback: once it sits in the client's receive
buffer). A client that closes early stops the count at what it was sent.
On loopback the kernel takes ~100 KiB at once, so a client that aborts a
stream after its first bytes is still charged the whole of a small file;
``--pace`` spaces the chunks out (emulated bandwidth) so that an early close
stops the transfer about where it would on a real link.

Safety: binds 127.0.0.1 only, exits after ``--lifetime`` seconds or as soon
as its standard input closes (the parent went away). On start it prints one
JSON line: ``{"control": port, "ports": [...]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

CHUNK = 16 * 1024
HOST = "127.0.0.1"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".ico": "image/x-icon",
    ".svg": "image/svg+xml",
}


@dataclass
class Record:
    """One request as the server saw it."""

    port: int
    method: str
    path: str
    t: float  # arrival, time.monotonic() of the server
    status: int = 0  # 0 = never answered
    head_bytes: int = 0
    body_bytes: int = 0
    range: str | None = None


@dataclass
class Answer:
    """What to send back."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    hang: bool = False


REASONS = {
    200: "OK",
    206: "Partial Content",
    301: "Moved Permanently",
    302: "Found",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    416: "Range Not Satisfiable",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class Server:
    """State shared by every connection."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.records: list[Record] = []
        self.hits: dict[str, int] = {}
        self.last_429: dict[str, float] = {}
        self.index = b"<!doctype html><title>empty</title>"
        self.control_port = 0
        page = args.page_bytes
        filler = b"<p>" + b"Lorem ipsum dolor sit amet. " * 40 + b"</p>\n"
        head = b"<!doctype html><html><head><title>article</title></head><body>\n"
        body = head + filler * (page // len(filler) + 1)
        self.page = body[: max(page - 15, 0)] + b"</body></html>\n"
        self.error_page = (head + filler * 2)[: args.error_bytes]
        self.images: dict[str, bytes] = {}
        if args.app == "images":
            for p in sorted(Path(args.dir).iterdir()):
                if p.is_file() and p.name != "manifest.json":
                    self.images[p.name] = p.read_bytes()

    # -- apps -------------------------------------------------------------

    def _links_answer(self, method: str, path: str) -> Answer:
        """The answer for a link path ``/<kind>/.../<n>``."""
        parts = path.split("?", maxsplit=1)[0].strip("/").split("/")
        kind = parts[0]
        html = [("Content-Type", "text/html; charset=utf-8")]
        hit = self.hits.get(path, 0) + 1
        self.hits[path] = hit
        if kind in ("ok", "landing"):
            return Answer(200, html, self.page)
        if kind == "redir":
            # /redir/<code>-<code>.../<n>: answer the first code, point at the rest.
            codes = parts[1].split("-")
            rest = "-".join(codes[1:])
            target = f"/redir/{rest}/{parts[2]}" if rest else f"/landing/{parts[2]}"
            return Answer(int(codes[0]), [("Location", target), *html], b"")
        if kind == "missing":
            return Answer(404, html, self.error_page)
        if kind == "gone":
            return Answer(410, html, self.error_page)
        if kind == "err":
            return Answer(int(parts[1]), html, self.error_page)
        if kind == "flaky":  # 500 the first time, 200 after
            return Answer(
                500 if hit == 1 else 200, html, self.error_page if hit == 1 else self.page
            )
        if kind == "busy":  # 429 until a request comes >= 1 s after the last 429
            last = self.last_429.get(path)
            if last is not None and time.monotonic() - last >= 1.0:
                return Answer(200, html, self.page)
            self.last_429[path] = time.monotonic()
            return Answer(429, [("Retry-After", "1"), *html], self.error_page)
        if kind == "limited":  # always 429
            return Answer(429, [("Retry-After", "1"), *html], self.error_page)
        if kind == "nohead":
            if method == "HEAD":
                return Answer(405, [("Allow", "GET"), *html], self.error_page)
            return Answer(200, html, self.page)
        if kind == "hang":
            return Answer(0, hang=True)
        return Answer(404, html, self.error_page)

    def _image_answer(self, path: str, headers: dict[str, str], record: Record) -> Answer:
        name = path.split("?", maxsplit=1)[0].removeprefix("/img/")
        data = self.images.get(name)
        if data is None:
            return Answer(404, [("Content-Type", "text/plain")], b"not found\n")
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        base = [
            ("Content-Type", _TYPES.get(Path(name).suffix.lower(), "application/octet-stream")),
            ("Accept-Ranges", "bytes"),
            ("ETag", etag),
            ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ]
        wanted = headers.get("range")
        if_range = headers.get("if-range")
        if wanted is None or (if_range is not None and if_range != etag):
            return Answer(200, base, data)
        record.range = wanted
        m = _RANGE.match(wanted.strip().replace(" ", ""))
        size = len(data)
        if not m or (not m.group(1) and not m.group(2)):
            return Answer(200, base, data)  # unsupported form (multi-range...): whole file
        if m.group(1):
            start = int(m.group(1))
            end = int(m.group(2)) if m.group(2) else size - 1
        else:  # suffix range
            start = max(0, size - int(m.group(2)))
            end = size - 1
        if start >= size or end < start:
            return Answer(416, [*base, ("Content-Range", f"bytes */{size}")], b"")
        end = min(end, size - 1)
        return Answer(
            206, [*base, ("Content-Range", f"bytes {start}-{end}/{size}")], data[start : end + 1]
        )

    def _control_answer(self, method: str, path: str, body: bytes) -> Answer:
        js = [("Content-Type", "application/json")]
        if path == "/__stats":
            payload = {"records": [asdict(r) for r in self.records], "now": time.monotonic()}
            return Answer(200, js, json.dumps(payload).encode())
        if path == "/__reset" and method == "POST":
            self.records.clear()
            self.hits.clear()
            self.last_429.clear()
            return Answer(200, js, b"{}")
        if path == "/__index" and method == "PUT":
            self.index = body
            return Answer(200, js, b"{}")
        if path in ("/", "/index.html"):
            return Answer(200, [("Content-Type", "text/html; charset=utf-8")], self.index)
        return Answer(404, js, b"{}")

    # -- connections --------------------------------------------------------

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("sockname")[1]
        control = port == self.control_port
        writer.transport.set_write_buffer_limits(high=0)
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                except (
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    asyncio.TimeoutError,
                ):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = [*lines[0].split(" "), "", "", ""][:3]
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                if control:
                    answer = self._control_answer(method, target, body)
                    record = None
                else:
                    record = Record(port, method, target, time.monotonic())
                    self.records.append(record)
                    if self.args.latency:
                        await asyncio.sleep(self.args.latency)
                    if self.args.app == "links":
                        answer = self._links_answer(method, target)
                    else:
                        answer = self._image_answer(target, headers, record)
                if answer.hang:
                    # Never answer; drop the connection after hang_seconds (or when the client goes).
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(reader.read(), self.args.hang_seconds)
                    return
                await self._send(writer, method, answer, record, keep)
                if not keep:
                    return
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _send(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        answer: Answer,
        record: Record | None,
        keep: bool,
    ) -> None:
        reason = REASONS.get(answer.status, "Unknown")
        lines = [f"HTTP/1.1 {answer.status} {reason}"]
        lines += [f"{k}: {v}" for k, v in answer.headers]
        lines.append(f"Content-Length: {len(answer.body)}")
        lines.append("Connection: keep-alive" if keep else "Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if record is not None:
            record.status = answer.status
        writer.write(head)
        await writer.drain()
        if record is not None:
            record.head_bytes = len(head)
        if method == "HEAD":
            return
        view = memoryview(answer.body)
        for start in range(0, len(view), CHUNK):
            if start and self.args.pace:
                await asyncio.sleep(self.args.pace)  # emulated bandwidth: see --pace
            chunk = view[start : start + CHUNK]
            writer.write(chunk)
            await writer.drain()
            if record is not None:
                record.body_bytes += len(chunk)


async def main_async(args: argparse.Namespace) -> None:
    server = Server(args)
    control = await asyncio.start_server(server.handle, HOST, 0, backlog=1024)
    server.control_port = control.sockets[0].getsockname()[1]
    count = args.hosts if args.app == "links" else 1
    listeners = [
        await asyncio.start_server(server.handle, HOST, 0, backlog=1024) for _ in range(count)
    ]
    ports = [s.sockets[0].getsockname()[1] for s in listeners]
    print(json.dumps({"control": server.control_port, "ports": ports}), flush=True)
    await asyncio.sleep(args.lifetime)


def _exit_when_stdin_closes() -> None:
    sys.stdin.buffer.read()
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=("links", "images"), required=True)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--hang-seconds", type=float, default=10.0)
    parser.add_argument("--page-bytes", type=int, default=32 * 1024)
    parser.add_argument("--error-bytes", type=int, default=2 * 1024)
    parser.add_argument("--dir", default="tests/data/images")
    parser.add_argument("--lifetime", type=float, default=900.0)
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="seconds between 16 KiB body chunks (0: as fast as the socket takes them)",
    )
    args = parser.parse_args()
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
