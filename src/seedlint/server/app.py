"""The language server: protocol wiring, debounced linting off the event loop, the probe command.

Typing never waits on the linter: each change (re)starts a short timer per
document, lints run on one worker thread, and a result is published only if
the buffer still has the version that was linted (a stale run is dropped; a
queued one is skipped before it starts).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from seedlint.probe import ProgressSnapshot
from seedlint.server.actions import FIX_ALL_KIND, code_actions, hover, hover_markdown
from seedlint.server.convert import LineIndex, default_docs_url, to_lsp, utf16_units
from seedlint.server.linting import BufferLint, Projects, lint_buffer
from seedlint.server.probing import PROBE_COMMAND, PROBE_TITLE, ProbeOutcome, probe_buffer
from seedlint.version import __version__

DEFAULT_DEBOUNCE = 0.1
"""Seconds of quiet after a keystroke before the buffer is linted."""
PROBE_KIND = "source.seedlint.probe"
_CONFIG_FILES = ("seedlint.toml", "pyproject.toml")
_PROGRESS_INTERVAL = 0.1
_RECHECK_ON_OPEN = 2.0
"""Seconds: an open re-checks the project when its index was loaded longer ago than this."""


class SeedlintServer(LanguageServer):
    """seedlint's findings, quick fixes and rule documentation for open seed files."""

    def __init__(self) -> None:
        super().__init__(
            "seedlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.projects = Projects()
        self.debounce = DEFAULT_DEBOUNCE
        self.docs = default_docs_url()
        self.lints: dict[str, BufferLint] = {}
        self.online: dict[str, ProbeOutcome] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.shown_errors: set[str] = set()
        self.linter = ThreadPoolExecutor(1, thread_name_prefix="seedlint-lint")
        self.prober = ThreadPoolExecutor(1, thread_name_prefix="seedlint-probe")

    # Linting -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, replacing a run not yet started."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    def version_of(self, uri: str) -> int | None:
        """The buffer's current version (None when it is not open)."""
        document = self.workspace.text_documents.get(uri)
        return None if document is None else document.version

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return
        version, text = document.version, document.source
        loop = asyncio.get_running_loop()
        lint = await loop.run_in_executor(self.linter, self._lint_if_current, uri, text, version)
        if self.pending.get(uri) is asyncio.current_task():
            del self.pending[uri]
        if isinstance(lint, str):
            self.show_once(lint)
            self.lints.pop(uri, None)
            self.publish(uri)
        elif lint is not None and self.version_of(uri) == version:
            for warning in lint.config.warnings:  # a configuration below the root is ignored
                self.show_once(warning, types.MessageType.Warning)
            self.lints[uri] = lint
            self.publish(uri)

    def _lint_if_current(self, uri: str, text: str, version: int | None) -> BufferLint | str | None:
        if self.version_of(uri) != version:
            return None  # the buffer changed while this run waited: a newer one is queued
        try:
            return self.lint_now(uri, text, version)
        except Exception as error:  # as the CLI: say so, never take the session down
            return f"internal error: {type(error).__name__}: {error}; please report it"

    def lint_now(self, uri: str, text: str, version: int | None) -> BufferLint | str | None:
        """Lint a buffer (on the worker thread); None when it is not a seed, or a config error."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return None
        settings = self.projects.seed_config(Path(path))
        if settings.error is not None:
            return settings.error
        if settings.config is None:
            return None
        return lint_buffer(text, Path(path), settings.config, self.projects, version)

    def show_once(self, text: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Tell the user about a configuration problem, once until configurations change."""
        if text not in self.shown_errors:
            self.shown_errors.add(text)
            self.window_show_message(types.ShowMessageParams(kind, f"seedlint: {text}"))

    def lines(self, text: str) -> LineIndex:
        """A line index in the position encoding agreed with the client."""
        encoding = self.server_capabilities.position_encoding
        if encoding == types.PositionEncodingKind.Utf8:
            return LineIndex(text, lambda s: len(s.encode("utf-8")))
        if encoding == types.PositionEncodingKind.Utf32:
            return LineIndex(text, len)
        return LineIndex(text, utf16_units)

    def publish(self, uri: str) -> None:
        """Send the buffer's findings: the last lint's, plus the probe's for the same version."""
        lint = self.lints.get(uri)
        found: list[types.Diagnostic] = []
        version = None
        if lint is not None:
            version = lint.version
            lines = self.lines(lint.text)
            online = self.online.get(uri)
            extra = online.diagnostics if online and online.version == lint.version else []
            found = [to_lsp(d, lines, self.docs) for d in sorted([*lint.diagnostics, *extra])]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
        )

    async def current_lint(self, uri: str) -> BufferLint | None:
        """The findings of the buffer as it is now, the probe's included."""
        lint = await self.buffer_lint(uri)
        online = self.online.get(uri)
        if lint is not None and online is not None and online.version == lint.version:
            return replace(lint, diagnostics=sorted([*lint.diagnostics, *online.diagnostics]))
        return lint

    async def buffer_lint(self, uri: str) -> BufferLint | None:
        """The offline findings of the buffer as it is now, linting it first when needed."""
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        lint = self.lints.get(uri)
        if lint is not None and lint.version == document.version:
            return lint
        loop = asyncio.get_running_loop()
        text, version = document.source, document.version
        found = await loop.run_in_executor(self.linter, self.lint_now, uri, text, version)
        return found if isinstance(found, BufferLint) else None

    def forget_uri(self, uri: str) -> None:
        """A closed buffer: stop its run and forget its findings."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.lints.pop(uri, None)
        self.online.pop(uri, None)

    def relint_all(self) -> None:
        """Lint every open buffer again (a configuration or another seed changed on disk)."""
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, self.debounce)

    # Probing -------------------------------------------------------------------------

    async def probe(self, uri: str) -> dict[str, Any]:
        """Run the online checks on one buffer, reporting progress through the protocol."""
        lint = await self.buffer_lint(uri)
        if lint is None:
            return {"findings": 0, "summary": "Not a seed file: nothing to probe."}
        token = str(uuid.uuid4())
        window = self.client_capabilities.window
        reporting = bool(window and window.work_done_progress)
        loop = asyncio.get_running_loop()
        if reporting:
            await self.work_done_progress.create_async(token)
            self.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title=PROBE_TITLE, percentage=0)
            )
        last = [0.0]

        def report(snapshot: ProgressSnapshot) -> None:
            now = time.monotonic()
            if not reporting or (
                now - last[0] < _PROGRESS_INTERVAL and snapshot.done < snapshot.total
            ):
                return
            last[0] = now
            percentage = 100 * snapshot.done // snapshot.total if snapshot.total else 100
            message = f"{snapshot.done}/{snapshot.total} URLs, {snapshot.failures} failed"
            value = types.WorkDoneProgressReport(message=message, percentage=percentage)
            loop.call_soon_threadsafe(self.work_done_progress.report, token, value)

        try:
            outcome = await loop.run_in_executor(self.prober, probe_buffer, lint, report)
        finally:
            if reporting:
                await asyncio.sleep(0)  # deliver reports queued by the worker before the end
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
        if self.version_of(uri) == outcome.version:
            self.online[uri] = outcome
            self.lints.setdefault(uri, lint)
            self.publish(uri)
        return {"findings": len(outcome.diagnostics), "summary": outcome.summary}


def _kind(kind: types.CodeActionKind | str) -> str:
    """A code action kind as its protocol string (known kinds arrive as enum members)."""
    return kind.value if isinstance(kind, types.CodeActionKind) else kind


def build_server() -> SeedlintServer:
    """The server with every feature registered."""
    server = SeedlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SeedlintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict):
            debounce = options.get("debounce")
            if isinstance(debounce, (int, float)) and 0 <= debounce <= 10:
                ls.debounce = float(debounce)
            docs = options.get("documentationUrl")
            if isinstance(docs, str) and docs:
                ls.docs = docs
        folders = params.workspace_folders or []
        roots = [to_fs_path(folder.uri) for folder in folders]
        if not roots and params.root_uri:
            roots = [to_fs_path(params.root_uri)]
        ls.projects.workspace_roots = [Path(root).resolve() for root in roots if root]

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SeedlintServer, params: types.InitializedParams) -> None:
        for root in ls.projects.workspace_roots:
            # Bring each workspace's project index up to date before the first file opens.
            asyncio.get_running_loop().run_in_executor(ls.linter, ls.projects.prepare, root)
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched is None or not watched.dynamic_registration:
            return
        watchers = [
            types.FileSystemWatcher(glob_pattern=pattern)
            for pattern in ("**/*.txt", "**/*.md", *(f"**/{name}" for name in _CONFIG_FILES))
        ]
        registration = types.Registration(
            id=str(uuid.uuid4()),
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        await ls.client_register_capability_async(types.RegistrationParams([registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SeedlintServer, params: types.DidOpenTextDocumentParams) -> None:
        # Seeds may have changed on disk unannounced (a checkout, a client without file
        # watching): opening a file re-checks the project, unless it was just checked.
        ls.projects.forget(configs=False, older_than=_RECHECK_ON_OPEN)
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SeedlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.online.pop(params.text_document.uri, None)  # positions moved: probe again
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SeedlintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        config_saved = uri.endswith(_CONFIG_FILES)
        ls.projects.forget(configs=config_saved)
        if config_saved:
            ls.shown_errors.clear()
            ls.relint_all()
        else:
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SeedlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget_uri(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: SeedlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        configs = any(change.uri.endswith(_CONFIG_FILES) for change in params.changes)
        ls.projects.forget(configs=configs)
        if configs:
            ls.shown_errors.clear()
        ls.relint_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND, PROBE_KIND]
        ),
    )
    async def code_action(
        ls: SeedlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        lint = await ls.current_lint(uri)
        if lint is None:
            return None
        only = [_kind(kind) for kind in params.context.only] if params.context.only else None
        lines = ls.lines(lint.text)
        actions = code_actions(lint, uri, lines, params.range, only=only, docs=ls.docs)
        if only is None or any(PROBE_KIND.startswith(kind) for kind in only):
            command = types.Command(PROBE_TITLE, PROBE_COMMAND, arguments=[uri])
            actions.append(
                types.CodeAction(title=f"seedlint: {PROBE_TITLE}", kind=PROBE_KIND, command=command)
            )
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: SeedlintServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        if document is None:
            return None
        lint = await ls.current_lint(uri)
        rules = hover(lint, ls.lines(document.source), params.position)
        if not rules:
            return None
        content = types.MarkupContent(types.MarkupKind.Markdown, hover_markdown(rules, ls.docs))
        return types.Hover(contents=content)

    @server.command(PROBE_COMMAND)
    async def probe_command(ls: SeedlintServer, *arguments: Any) -> dict[str, Any]:
        uri = arguments[0] if arguments else None
        if isinstance(uri, dict):
            uri = uri.get("uri")
        if not isinstance(uri, str):
            raise ValueError(f"{PROBE_COMMAND} expects the document's URI as its argument")
        return await ls.probe(uri)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: SeedlintServer, *args: Any) -> None:
        for task in ls.pending.values():
            task.cancel()
        ls.pending.clear()
        ls.linter.shutdown(wait=False, cancel_futures=True)
        ls.prober.shutdown(wait=False, cancel_futures=True)

    return server
