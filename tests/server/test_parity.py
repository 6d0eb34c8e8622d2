"""The server's findings equal ``seedlint check FILE``'s for the same text, for every case file.

All case files sit in one project, so many share a webUrl: C010 is compared too
(the CLI reads the project index from disk, the server its in-memory copy).
Expected ranges are converted here independently of the server's code:
0-based lines, UTF-16 columns, a finding without an end runs to its line's end.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from seedlint.cli import main
from tests.conftest import CASES
from tests.server.conftest import BROKEN_SEED, SeedClient

pytestmark = pytest.mark.asyncio

_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _expected(text: str, finding: dict[str, Any]) -> tuple[Any, ...]:
    lines = re.split(r"\r\n|\r|\n", text)
    bom = 1 if text.startswith("\ufeff") else 0

    def position(line: int, column: int) -> tuple[int, int]:
        characters = column - 1 + (bom if line == 1 else 0)
        return line - 1, _utf16(lines[line - 1][:characters])

    start = position(finding["line"], finding["column"])
    if finding["end_line"] is not None:
        end = position(finding["end_line"], finding["end_column"])
    else:
        end = max(start, (start[0], _utf16(lines[start[0]])))
    severity = _SEVERITY[finding["severity"]]
    return (*start, *end, finding["code"], severity, finding["message"])


def _got(diagnostic: types.Diagnostic) -> tuple[Any, ...]:
    r = diagnostic.range
    return (
        r.start.line,
        r.start.character,
        r.end.line,
        r.end.character,
        diagnostic.code,
        diagnostic.severity,
        diagnostic.message,
    )


def cli_findings(file: Path, root: Path) -> list[dict[str, Any]]:
    """``seedlint check --output-format json FILE``, only the findings about ``file``."""
    out = io.StringIO()
    with redirect_stdout(out):
        main(["check", "--output-format", "json", str(file)])
    shown = file.relative_to(root).as_posix()
    return [f for f in json.loads(out.getvalue())["findings"] if f["path"] == shown]


async def test_every_case_file_matches_the_command_line(client: SeedClient, project: Path) -> None:
    seeds = project / "seeds"
    cases = [p for p in sorted(CASES.rglob("*")) if p.suffix in (".txt", ".md")]
    texts: dict[Path, str] = {}
    for case in cases:
        try:
            text = case.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # an editor buffer is text: bytes that are not UTF-8 never reach a server
        target = seeds / case.relative_to(CASES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case, target)
        texts[target] = text
    assert len(texts) >= len(cases) - 1
    expected = {
        target: sorted(_expected(text, f) for f in cli_findings(target, project))
        for target, text in texts.items()
    }
    assert any(f[4] == "C010" for found in expected.values() for f in found)
    # The files appeared after the server started, as an editor's file watcher reports.
    created = [types.FileEvent(t.as_uri(), types.FileChangeType.Created) for t in texts]
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(created))
    for target, text in texts.items():
        client.open(target.as_uri(), text)
    for target in texts:
        got = sorted(_got(d) for d in await client.diagnostics_for(target.as_uri(), 1))
        assert got == expected[target], target.name


async def test_an_oversized_buffer_is_reported_as_the_cli_reports_the_file(
    client: SeedClient, tmp_path: Path
) -> None:
    root = tmp_path / "small"
    (root / "seeds").mkdir(parents=True)
    (root / "seedlint.toml").write_text(
        'cache-dir = ".cache"\nmax-file-size = 100\n', encoding="utf-8"
    )
    seed = root / "seeds" / "big.txt"
    seed.write_text(BROKEN_SEED, encoding="utf-8")
    expected = sorted(_expected(BROKEN_SEED, f) for f in cli_findings(seed, root))
    assert [f[4] for f in expected] == ["S006"]
    client.open(seed.as_uri(), BROKEN_SEED)
    got = sorted(_got(d) for d in await client.diagnostics_for(seed.as_uri(), 1))
    assert got == expected
