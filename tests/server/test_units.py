"""The server's own pieces: which files are seeds, and position conversions."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from seedlint.config import load_config
from seedlint.diagnostics import Diagnostic, Edit
from seedlint.discovery import discover
from seedlint.server.convert import LineIndex
from seedlint.server.linting import Projects


def test_seed_files_are_exactly_those_the_cli_discovers(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "seedlint.toml").write_text(
        'paths = ["seeds", "more"]\nexclude = [".*", "drafts", "seeds/old/*"]\n', encoding="utf-8"
    )
    files = [
        "seeds/a.txt",
        "seeds/b.md",
        "seeds/c.json",
        "seeds/sub/d.txt",
        "seeds/drafts/e.txt",
        "seeds/old/f.txt",
        "seeds/.hidden/g.txt",
        "seeds/.h.txt",
        "more/h.txt",
        "other/i.txt",
        "j.txt",
    ]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("---\n---\n", encoding="utf-8")
    config = load_config(None, [root])
    discovered = {p.resolve() for p in discover([root / "seeds", root / "more"], config)}
    assert discovered  # the walk found some, and the server agrees on every file
    projects = Projects()
    for name in files:
        file = root / name
        is_seed = projects.seed_config(file).config is not None
        assert is_seed == (file.resolve() in discovered), name


def test_a_broken_configuration_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "seedlint.toml").write_text("colour = 1\n", encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    found = Projects().seed_config(tmp_path / "seeds" / "a.txt")
    assert found.config is None and found.error is not None and "colour" in found.error


def test_without_a_config_file_the_workspace_folder_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    projects = Projects(workspace_roots=[tmp_path.resolve()])
    config = projects.seed_config(tmp_path / "seeds" / "a.txt").config
    assert config is not None and config.root == tmp_path.resolve()
    assert projects.seed_config(tmp_path / "notes" / "a.txt").config is None


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        ("a: b\nc: d\n", 2, 4, (1, 3)),
        ("a: b\r\nc: d\r\n", 2, 4, (1, 3)),
        ("a: b\rc: d\r", 2, 4, (1, 3)),
        ("x: 😀 y\n", 1, 6, (0, 6)),  # the emoji is two UTF-16 code units
        (
            "\ufeffa: b\n",
            1,
            4,
            (0, 4),
        ),  # the BOM is a character of the buffer, not of seedlint's text
        ("\ufeffa: b\nc: d\n", 2, 1, (1, 0)),
        ("a: b\u2028c\n", 1, 6, (0, 5)),  # U+2028 does not end a line for the protocol
    ],
)
def test_positions(text: str, line: int, column: int, expected: tuple[int, int]) -> None:
    position = LineIndex(text).position_of(line, column)
    assert (position.line, position.character) == expected


def test_ranges_without_an_end_run_to_the_end_of_the_line() -> None:
    index = LineIndex("---\nkey: value\r\n---\n")
    found = index.range_of(Diagnostic("x", 2, 1, "E002", "m"))
    assert found == types.Range(types.Position(1, 0), types.Position(1, 10))


def test_edits_and_offsets_round_trip() -> None:
    text = "\ufeffa: 😀x\nb: c\n"
    index = LineIndex(text)
    edit = index.text_edit(Edit(3, 5, "z"))  # "😀x" in the text without BOM; "😀" is one character
    assert edit.range == types.Range(types.Position(0, 4), types.Position(0, 7))
    assert index.offset_at(types.Position(1, 1)) == text.index("b") + 1
    assert index.offset_at(types.Position(0, 6)) == text.index("x")


def test_c010_reads_the_project_once_not_per_keystroke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedlint.server import projects as projects_module
    from seedlint.server.linting import lint_buffer
    from tests.server.conftest import BROKEN_SEED

    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    (root / "seedlint.toml").write_text('cache-dir = ".cache"\n', encoding="utf-8")
    (root / "seeds" / "other.txt").write_text(BROKEN_SEED, encoding="utf-8")
    scans: list[Path] = []
    real = projects_module.project_facts

    def counting(config):  # type: ignore[no-untyped-def]
        scans.append(config.root)
        return real(config)

    monkeypatch.setattr(projects_module, "project_facts", counting)
    projects = Projects()
    mine = root / "seeds" / "mine.txt"
    config = projects.seed_config(mine).config
    assert config is not None
    for keystroke in range(20):
        text = BROKEN_SEED.replace("heat: -1", f"heat: {keystroke}")
        codes = {d.code for d in lint_buffer(text, mine, config, projects).diagnostics}
        assert "C010" in codes  # other.txt has the same webUrl
    assert len(scans) == 1
    # A change on disk is seen after the editor reports it (a save or a watched file).
    (root / "seeds" / "other.txt").unlink()
    assert "C010" in {d.code for d in lint_buffer(BROKEN_SEED, mine, config, projects).diagnostics}
    projects.forget(configs=False)
    assert "C010" not in {
        d.code for d in lint_buffer(BROKEN_SEED, mine, config, projects).diagnostics
    }
    assert len(scans) == 2


def test_every_rule_link_points_at_a_heading_of_the_rules_reference() -> None:
    import re

    from seedlint.registry import all_rules
    from seedlint.server.convert import default_docs_url, rule_url
    from tests.conftest import PROJECT

    reference = (PROJECT / "docs" / "rules.md").read_text(encoding="utf-8")
    # GitHub's anchors: lower case, punctuation dropped, spaces to hyphens.
    anchors = {
        re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#{1,6} (.+)$", reference, re.MULTILINE)
    }
    docs = default_docs_url()
    assert docs is not None and docs.endswith("/docs/rules.md")
    for rule in all_rules():
        assert rule_url(rule, docs).split("#", 1)[1] in anchors, rule.code


def test_positions_in_the_encoding_the_client_chose() -> None:
    text = "x: 😀é y\n"
    utf8 = LineIndex(text, lambda s: len(s.encode("utf-8"))).position_of(1, 7)
    utf32 = LineIndex(text, len).position_of(1, 7)
    assert (utf8.character, utf32.character) == (10, 6)
