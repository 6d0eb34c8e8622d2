"""End to end: a real LSP client drives ``seedlint server`` over stdio."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from seedlint.config import load_config
from seedlint.fix import fix_paths
from tests.server.conftest import BROKEN_SEED, SeedClient

pytestmark = pytest.mark.asyncio


def _span(diagnostic: types.Diagnostic) -> tuple[str, int, int, int, int]:
    r = diagnostic.range
    return (str(diagnostic.code), r.start.line, r.start.character, r.end.line, r.end.character)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply protocol text edits (UTF-16 positions; the seeds here are BMP-only) like an editor."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def test_initialize_announces_the_features(project: Path) -> None:
    # The fixture's initialize already ran; a second session checks the announced capabilities.
    from tests.server.conftest import SERVER, start

    client = await SERVER.start()
    try:
        result = await start(client, project)  # type: ignore[arg-type]
        capabilities = result.capabilities
        assert result.server_info is not None and result.server_info.name == "seedlint"
        assert capabilities.hover_provider
        assert capabilities.execute_command_provider is not None
        assert "seedlint.probe" in capabilities.execute_command_provider.commands
        actions = capabilities.code_action_provider
        assert isinstance(actions, types.CodeActionOptions)
        assert actions.code_action_kinds is not None
        assert types.CodeActionKind.QuickFix in actions.code_action_kinds
        assert "source.fixAll.seedlint" in actions.code_action_kinds
        await client.shutdown_session()  # type: ignore[attr-defined]
    finally:
        await client.stop()


async def test_broken_seed_gets_findings_at_their_ranges(client: SeedClient, project: Path) -> None:
    uri = (project / "seeds" / "grid.txt").as_uri()
    client.open(uri, BROKEN_SEED)
    found = await client.diagnostics_for(uri, 1)
    assert sorted(_span(d) for d in found) == [
        ("D001", 4, 19, 4, 39),  # the whole date-time value
        ("E001", 1, 0, 1, 14),  # "title" and "secured" are missing from the mapping
        ("E001", 1, 0, 1, 14),
        ("E002", 2, 0, 2, 28),  # the line of the unknown key "tittle"
        ("E003", 8, 9, 8, 13),  # "33", quotes included
    ]
    unknown = next(d for d in found if d.code == "E002")
    assert unknown.severity == types.DiagnosticSeverity.Error
    assert unknown.source == "seedlint"
    assert unknown.message == 'unknown key "tittle" in the front matter; did you mean "title"?'
    assert unknown.code_description is not None
    assert unknown.code_description.href.endswith("rules.md#e002-unknown-key")


async def test_an_edit_publishes_the_updated_set(client: SeedClient, project: Path) -> None:
    uri = (project / "seeds" / "grid.txt").as_uri()
    client.open(uri, BROKEN_SEED)
    await client.diagnostics_for(uri, 1)
    fixed = BROKEN_SEED.replace("tittle:", "title:").replace("2021-13-01", "2021-12-01")
    client.change(uri, fixed, 2)
    found = await client.diagnostics_for(uri, 2)
    assert sorted(_span(d) for d in found) == [("E001", 1, 0, 1, 14), ("E003", 8, 9, 8, 13)]
    assert "secured" in next(d for d in found if d.code == "E001").message


async def test_rapid_edits_are_debounced_and_stale_runs_dropped(project: Path) -> None:
    from tests.server.conftest import SERVER, start

    client: SeedClient = await SERVER.start()  # type: ignore[assignment]
    try:
        # A long debounce, so that even a starved server sees the burst within it.
        await start(client, project, {"debounce": 0.5})
        uri = (project / "seeds" / "grid.txt").as_uri()
        client.open(uri, BROKEN_SEED)
        await client.diagnostics_for(uri, 1)
        for version in range(2, 32):
            client.change(uri, BROKEN_SEED.replace("heat: -1", f"heat: {version}"), version)
        found = await client.diagnostics_for(uri, 31)
        assert {d.code for d in found} == {"D001", "E001", "E002", "E003"}
        versions = [v for v in client.versions_published(uri) if v is not None]
        assert versions == sorted(versions), "an older version was published after a newer one"
        assert len(versions) < 10  # 30 changes in one burst: a few runs, not 30
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_quick_fix_makes_the_edit_of_fix(client: SeedClient, project: Path) -> None:
    seed = project / "seeds" / "grid.txt"
    text = (
        BROKEN_SEED.replace("tittle:", "title:")
        .replace("2021-13-01", "2021-12-01")
        .replace('quality: "33"', "quality: 33")
        .replace('"A blackout hit the Iberian peninsula."', '" A blackout hit. "')
        .replace('originalUrl: "https://www.example.com', 'originalUrl: "http://www.example.com')
    )
    seed.write_text(text, encoding="utf-8")
    uri = seed.as_uri()
    client.open(uri, text)
    found = await client.diagnostics_for(uri, 1)
    padded = next(d for d in found if d.code == "C003")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=padded.range,
            context=types.CodeActionContext(diagnostics=[padded]),
        )
    )
    assert actions is not None
    quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    assert [a.title for a in quick] == ["seedlint: fix C003 surrounding-whitespace"]
    assert quick[0].is_preferred
    assert quick[0].edit is not None and quick[0].edit.changes is not None
    after = apply_edits(text, list(quick[0].edit.changes[uri]))
    assert 'excerpt: "A blackout hit."' in after
    assert after == text.replace('" A blackout hit. "', '"A blackout hit."')
    client.change(uri, after, 2)
    assert "C003" not in {d.code for d in await client.diagnostics_for(uri, 2)}

    # http: → https: is offered too, labelled as unsafe and not preferred.
    insecure = next(d for d in await client.diagnostics_for(uri, 2) if d.code == "U008")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=insecure.range,
            context=types.CodeActionContext(diagnostics=[insecure]),
        )
    )
    assert actions is not None
    unsafe = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    assert len(unsafe) == 1 and "unsafe" in unsafe[0].title and not unsafe[0].is_preferred


async def test_fix_all_matches_the_command_line_fix(client: SeedClient, project: Path) -> None:
    seed = project / "seeds" / "grid.txt"
    text = BROKEN_SEED.replace('"Energy"', '"Energy"').replace(
        '"A blackout hit the Iberian peninsula."', '"  A blackout hit.  "'
    )
    text = text.replace("  - Energy\n", '  - "Energy "\n')
    seed.write_text(text, encoding="utf-8")
    uri = seed.as_uri()
    client.open(uri, text)
    await client.diagnostics_for(uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert actions is not None and len(actions) == 1
    fix_all = actions[0]
    assert isinstance(fix_all, types.CodeAction) and fix_all.kind == "source.fixAll.seedlint"
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    after = apply_edits(text, list(fix_all.edit.changes[uri]))
    # What `seedlint check --fix` writes for the same file.
    fix_paths([seed], load_config(None, [seed]))
    assert after == seed.read_text(encoding="utf-8")
    assert after != text


async def test_hover_explains_a_rule(client: SeedClient, project: Path) -> None:
    uri = (project / "seeds" / "grid.txt").as_uri()
    text = BROKEN_SEED.replace('quality: "33"', 'quality: "33"  # seedlint: ignore[E003]')
    client.open(uri, text)
    found = await client.diagnostics_for(uri, 1)
    assert "E003" not in {d.code for d in found}

    def at(line: int, character: int) -> types.HoverParams:
        return types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, character))

    on_code = await client.text_document_hover_async(at(8, text.splitlines()[8].index("E003") + 1))
    assert on_code is not None and isinstance(on_code.contents, types.MarkupContent)
    assert on_code.contents.kind == types.MarkupKind.Markdown
    assert on_code.contents.value.startswith("**E003** `wrong-type`")
    on_finding = await client.text_document_hover_async(at(4, 25))  # inside the D001 date
    assert on_finding is not None and isinstance(on_finding.contents, types.MarkupContent)
    assert "**D001**" in on_finding.contents.value
    assert await client.text_document_hover_async(at(13, 2)) is None  # nothing to explain


async def test_a_configuration_below_the_root_is_ignored_as_by_the_cli(
    client: SeedClient, project: Path
) -> None:
    nested = project / "seeds" / "sub"
    nested.mkdir()
    (nested / "seedlint.toml").write_text('ignore = ["E"]\n', encoding="utf-8")
    uri = (nested / "grid.txt").as_uri()
    client.open(uri, BROKEN_SEED)
    found = await client.diagnostics_for(uri, 1)
    assert "E002" in {d.code for d in found}  # the nested `ignore` does not apply
    warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1 and "ignored" in warnings[0].message


async def test_a_broken_root_configuration_is_shown_not_crashed_on(
    client: SeedClient, project: Path
) -> None:
    (project / "seedlint.toml").write_text("colour = 1\n", encoding="utf-8")
    uri = (project / "seeds" / "grid.txt").as_uri()
    client.open(uri, BROKEN_SEED)
    assert await client.diagnostics_for(uri, None) == []  # type: ignore[arg-type]
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and "colour" in errors[0].message
    # Fixing the file (saved, as the editor tells the server) brings the findings back.
    (project / "seedlint.toml").write_text('cache-dir = ".cache"\n', encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            types.TextDocumentIdentifier((project / "seedlint.toml").as_uri())
        )
    )
    assert "E002" in {d.code for d in await client.diagnostics_for(uri, 1)}


async def test_a_seed_changed_on_disk_is_seen_by_c010_once_reported(
    client: SeedClient, project: Path
) -> None:
    uri = (project / "seeds" / "a.txt").as_uri()
    client.open(uri, BROKEN_SEED)
    assert "C010" not in {d.code for d in await client.diagnostics_for(uri, 1)}
    twin = project / "seeds" / "b.txt"
    twin.write_text(BROKEN_SEED, encoding="utf-8")
    mark = len(client.published.notices)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=twin.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    found = await client.diagnostics_for(uri, 1, after=mark)
    duplicate = next(d for d in found if d.code == "C010")
    assert "seeds/b.txt:7:9" in duplicate.message
