"""The probe command: online checks only on request, with progress through the protocol.

A real HTTP server on 127.0.0.1 answers the seed's links and serves its image;
the project's root configuration opens the address guard for it.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lsprotocol import types

from tests.server.conftest import BROKEN_SEED, SeedClient


def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"


_ROUTES = {"/ok": (200, b"fine", "text/html"), "/img.png": (200, _png(10, 20), "image/png")}


class _Handler(BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        status, payload, kind = _ROUTES.get(self.path, (404, b"gone", "text/plain"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.asyncio
async def test_probe_command_reports_progress_and_findings(
    client: SeedClient, project: Path, web: str
) -> None:
    (project / "seedlint.toml").write_text(
        'cache-dir = ".cache"\nallow-private = true\nprobe-timeout = 10\n', encoding="utf-8"
    )
    text = BROKEN_SEED.replace("https://www.example.com/news/grid", f"{web}/ok").replace(
        "https://www.example.com/grid.jpg", f"{web}/img.png"
    )
    text = text.replace(f'originalUrl: "{web}/ok"', f'originalUrl: "{web}/gone"')
    uri = (project / "seeds" / "grid.txt").as_uri()
    client.open(uri, text)
    offline = await client.diagnostics_for(uri, 1)
    assert not any(str(d.code).startswith(("L", "I")) for d in offline)  # never on its own

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source"]),
        )
    )
    assert actions is not None
    # The action is offered (lsprotocol's client-side parser reads a CodeAction that
    # carries a command as a bare Command; editors read it as the CodeAction it is).
    titles = [a.title for a in actions]
    assert "seedlint: Probe links and images in this file" in titles

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("seedlint.probe", [uri])
    )
    assert result["findings"] == 2
    assert result["summary"].startswith("Probed 2 links and 1 image")

    # The findings were published before the command answered.
    found = {str(d.code): d for d in client.diagnostics[uri]}
    lines = text.splitlines()
    dead = found["L001"]
    assert dead.range.start.line == next(i for i, x in enumerate(lines) if "/gone" in x)
    assert "/gone" in dead.message
    size = found["I001"]
    assert "declares 1920x1005 but the PNG image is 10x20" in size.message
    assert offline[0] in client.diagnostics[uri]  # the offline findings stay

    # Progress: one token, begun, reported, ended.
    assert len(client.progress_reports) == 1
    (reports,) = client.progress_reports.values()
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert reports[0].title == "Probe links and images in this file"
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    steps = [r for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert steps and steps[-1].percentage == 100 and steps[-1].message == "3/3 URLs, 1 failed"

    # An image size fix found by the probe is a quick fix too.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=size.range,
            context=types.CodeActionContext(diagnostics=[size], only=["quickfix"]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert "seedlint: fix I001 image-size-mismatch" in titles
