"""A real LSP client (pytest-lsp) driving ``seedlint server`` over stdio, and a seed project.

The client records every ``textDocument/publishDiagnostics`` with its version,
so a test waits for the findings of the exact buffer version it sent. Waits
are bounded by generous deadlines; nothing sleeps to let time pass.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

WAIT = 60.0
"""Seconds to wait for the server at most (a loaded 2-core machine can be slow)."""

BROKEN_SEED = """\
---
category: news
tittle: "Spain's power grid"
excerpt: "A blackout hit the Iberian peninsula."
publishedDateTime: 2021-13-01T00:00:00Z
originalUrl: "https://www.example.com/news/grid"
webUrl: "https://www.example.com/news/grid"
type: article
quality: "33"
heat: -1
published: false
provider:
  name: Example News
  domain: example.com
topics:
  - Energy
images:
  - url: "https://www.example.com/grid.jpg"
    width: 1920
    height: 1005
    isCached: true
---
"""


@dataclass
class Published:
    """Every diagnostics notification received, in order."""

    notices: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


class SeedClient(LanguageClient):
    """pytest-lsp's client, keeping each published diagnostics set with its version."""

    published: Published

    async def diagnostics_for(
        self, uri: str, version: int, timeout: float = WAIT, *, after: int = 0
    ) -> list[types.Diagnostic]:
        """The findings the server publishes for ``version`` of ``uri``.

        ``after``: only notifications after that many (``len(published.notices)``).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.published.arrived.clear()
            for notice in reversed(self.published.notices[after:]):
                if notice.uri == uri and notice.version == version:
                    return list(notice.diagnostics)
            await asyncio.wait_for(self.published.arrived.wait(), deadline - loop.time())

    def versions_published(self, uri: str) -> list[int | None]:
        """The versions ``uri`` had each time findings were published for it."""
        return [n.version for n in self.published.notices if n.uri == uri]

    def open(self, uri: str, text: str, version: int = 1) -> None:
        """Send ``textDocument/didOpen``."""
        item = types.TextDocumentItem(uri=uri, language_id="plaintext", version=version, text=text)
        self.text_document_did_open(types.DidOpenTextDocumentParams(item))

    def change(self, uri: str, text: str, version: int) -> None:
        """Send ``textDocument/didChange`` with the whole new text."""
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )


def _publish(client: SeedClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.notices.append(params)
    client.published.arrived.set()


def make_client() -> SeedClient:
    client = SeedClient(converter_factory=default_converter)
    client.published = Published()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    register_lsp_features(client, features)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "seedlint", "server"], client_factory=make_client
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A seed project: a root seedlint.toml (trusted), a seeds/ folder and a cache inside."""
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    (root / "seedlint.toml").write_text('cache-dir = ".cache"\n', encoding="utf-8")
    return root


def capabilities() -> types.ClientCapabilities:
    """What an ordinary editor announces: progress, code action kinds, Markdown hovers."""
    return types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                version_support=True, code_description_support=True
            ),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[
                            types.CodeActionKind.QuickFix,
                            types.CodeActionKind.SourceFixAll,
                        ]
                    )
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
    )


async def start(
    client: SeedClient, root: Path, options: dict[str, Any] | None = None
) -> types.InitializeResult:
    """Initialize a session for the workspace folder ``root``."""
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options or {"debounce": 0.05},
        )
    )


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: SeedClient, project: Path) -> AsyncIterator[None]:
    """A server started on ``project``, shut down cleanly (shutdown, exit, exit code 0)."""
    await start(lsp_client, project)
    yield
    await lsp_client.shutdown_session()
    server = lsp_client._server
    assert server is not None and server.returncode == 0
