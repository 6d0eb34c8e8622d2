"""Escape sequences from seeds never reach a terminal or a CI log raw.

Threat model: a pull request controls the bytes of every seed and the names of
its files. A YAML key such as ``"\\e[1mkey\\n::warning::k"`` or a file name with
an ESC or a line break, quoted in a finding, would restyle the terminal or,
once text output reaches a GitHub Actions log, start a line that runs as a
workflow command. So every human-facing output (text, ``--diff``,
``--statistics``, github, junit) shows control characters in a visible escaped
form, through one function (:func:`seedlint.diagnostics.visible`), and no seed
content can start a line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.diagnostics import visible
from tests.conftest import CASES

VALID = (CASES / "valid" / "minimal.txt").read_text(encoding="utf-8")
HOSTILE_KEY = 'category: news\n"\\e[1mkey\\n::warning::k": 1\n'
HOSTILE_NAME = "a\x1b[31mred\n::warning::x\u202e.txt"
RAW_CONTROLS = ("\x1b", "\u202e", "\x07")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "seedlint.toml").write_text("", encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "key.txt").write_text(VALID.replace("category: news\n", HOSTILE_KEY), "utf-8")
    (seeds / HOSTILE_NAME).write_text(VALID.replace("quality: 33", 'quality: "33"'), "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _assert_safe(out: str, *, own_prefix: str | None = None) -> None:
    for raw in RAW_CONTROLS:
        assert raw not in out
    for line in out.splitlines():
        if own_prefix is not None and line.startswith(own_prefix):
            continue
        assert not line.startswith("::"), line


@pytest.mark.parametrize("extra", [[], ["--statistics"], ["--color", "always"]])
def test_text_output_shows_control_characters_escaped(
    project: Path, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--no-cache", *extra, "seeds"]) == 1
    out = capsys.readouterr().out
    _assert_safe(out.replace("\x1b[", "") if "--color" in extra else out)
    assert 'unknown key "\\x1b[1mkey\\n::warning::k"' in out
    assert f"seeds/{visible(HOSTILE_NAME)}:" in out
    if "--color" not in extra:
        assert "seeds/a\\x1b[31mred\\n::warning::x\\u202e.txt:9:10: E003 error:" in out


def test_coloured_output_has_only_its_own_escape_sequences(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--no-cache", "--color", "always", "seeds"])
    out = capsys.readouterr().out
    # Our SGR codes are ESC [ digits m; the seed's ESC [ 1 m / [ 31 m appear escaped only.
    assert "\\x1b[1mkey" in out and "\x1b[1mkey" not in out
    assert "\\x1b[31mred" in out and "\x1b[31mred" not in out


def test_github_output_has_one_command_per_finding_and_no_raw_escape(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--no-cache", "--output-format", "github", "seeds"])
    out = capsys.readouterr().out
    _assert_safe(out, own_prefix="::error file=")
    lines = out.splitlines()
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert any(
        "\\x1b[1mkey\\n%3A%3Awarning" in line or "\\x1b[1mkey\\n::warning" in line for line in lines
    )


def test_junit_messages_are_escaped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--no-cache", "--output-format", "junit", "seeds"])
    out = capsys.readouterr().out
    root = ET.fromstring(out.encode("utf-8"))
    texts = [
        value for element in root.iter() for value in (element.text or "", *element.attrib.values())
    ]
    for value in texts:
        for raw in ("\x1b", "\u202e", "\n::"):
            assert raw not in value
    assert any("\\x1b[1mkey\\n::warning::k" in value for value in texts)


def test_diff_shows_control_characters_escaped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = (CASES / "C003_surrounding_whitespace.txt").read_text(encoding="utf-8")
    # A bidi override in a value a fix rewrites (YAML itself refuses a raw ESC).
    hostile = seed.replace('title: " EU', 'title: " \u202eEU', 1)
    (project / "seeds" / "fix.txt").write_text(hostile, encoding="utf-8")
    main(["check", "--no-cache", "--diff", "seeds/fix.txt"])
    out = capsys.readouterr().out
    _assert_safe(out)
    assert '-title: " \\u202eEU' in out and '+title: "\\u202eEU' in out
    assert out.count("\n") == len(out.splitlines())  # every line ends in exactly one LF


def test_visible_escapes_every_control_and_keeps_the_rest() -> None:
    assert visible("plain é 😀 \\ text") == "plain é 😀 \\ text"
    assert visible("\x1b\n\r\t\x00\x7f\x85\u2028\u202e") == (
        "\\x1b\\n\\r\\t\\x00\\x7f\\x85\\u2028\\u202e"
    )
