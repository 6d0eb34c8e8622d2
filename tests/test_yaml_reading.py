"""Reading seeds: the YAML rules libyaml lets through, and S013's advice by field type."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from seedlint import lint_text
from seedlint.document import SeedDocument, compose_yaml, parse_seed
from seedlint.document.loader import LOADERS
from tests.conftest import CASES, FIXED_NOW

MINIMAL = (CASES / "valid" / "minimal.txt").read_text(encoding="utf-8")


def _lint(old: str, new: str) -> list[tuple[int, int, str, str]]:
    assert old in MINIMAL
    text = MINIMAL.replace(old, new)
    return [(d.line, d.column, d.code, d.message) for d in lint_text(text, "s.txt", now=FIXED_NOW)]


@pytest.mark.parametrize(
    ("old", "new", "advice"),
    [
        ("published: false", "published: yes", "write true"),
        ("published: false", "published: off", "write false"),
        ("category: news", "category: no", "quote it if you mean text"),
        ("quality: 33", "quality: 0x21", "write 33"),
        ("category: news", "category: 010", "quote it"),
    ],
)
def test_ambiguous_scalar_advice_fits_the_schema_type(old: str, new: str, advice: str) -> None:
    findings = [f for f in _lint(old, new) if f[2] == "S013"]
    assert len(findings) == 1
    assert findings[0][3].endswith(f"; {advice}")


def test_a_number_written_for_yaml12_gets_the_number_in_a_number_field() -> None:
    findings = _lint("heat: -1", "heat: 1e3")
    messages = {code: message for _, _, code, message in findings}
    assert messages["S013"].endswith("; write 1000")
    assert messages["E003"].endswith("(YAML 1.1 reads the plain 1e3 as text; write 1000)")


@pytest.mark.parametrize(
    ("old", "new", "position"),
    [
        ('title: "EU', 'title: [a, b]#x\nt: "EU', (3, 14)),
        ("category: news", "category: [-]", (2, 12)),
        ("category: news", "category: >#x\n  news", (2, 12)),
        ("category: news", 'category: "news\nand more"', (3, 1)),
        ("topics:\n  - Computer Vision\n  - AI", "topics: [Computer Vision,\nAI]", (16, 1)),
    ],
)
def test_invalid_yaml_libyaml_accepts_is_reported(
    old: str, new: str, position: tuple[int, int]
) -> None:
    assert [f[:3] for f in _lint(old, new)] == [(*position, "S003")]


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_tabs_inside_scalars_are_text(loader: str) -> None:
    text = MINIMAL.replace("category: news", 'category: "news\n  \tand more"\nnote: |\n  a\n  \tb')
    result = parse_seed(text.encode(), "s.txt", loader=LOADERS[loader])
    assert result.diagnostics == []
    assert result.document is not None
    assert result.document.data["note"] == "a\n\tb\n"
    assert result.document.data["category"] == "news and more"


def test_a_tab_before_a_key_is_tab_indentation() -> None:
    findings = _lint("  domain: biometricupdate.com", "\tdomain: biometricupdate.com")
    assert [f[2] for f in findings] == ["S011"]


SEED_FILES = sorted(
    path
    for folder in (CASES, CASES / "valid", CASES.parent.parent / "seeds")
    for path in folder.iterdir()
    if path.suffix in (".txt", ".md")
)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_loaders_read_every_case_file_and_seed_alike(path: Path) -> None:
    raw = path.read_bytes()
    fast = parse_seed(raw, path.name, loader=LOADERS["libyaml"])
    python = parse_seed(raw, path.name, loader=LOADERS["python"])
    assert python.diagnostics == fast.diagnostics
    assert (python.document is None) == (fast.document is None)
    if fast.document is not None and python.document is not None:
        assert repr(python.document.data) == repr(fast.document.data)
        assert python.document.values == fast.document.values
        assert python.document.keys == fast.document.keys


_PIECES = ["a", "b", "1", "0x1", "yes", " ", " ", "  ", "\t", "\n", "\n", "- ", ": ", ":", "?",
           "? ", "#", " #c", "[", "]", "{", "}", ",", "'", '"', "|", ">", "&x ", "*x", "!!str ",
           "!t ", "---", "...", "%YAML 1.2\n", "\\", "-"]  # fmt: skip


def test_both_loaders_agree_on_generated_yaml_fragments() -> None:
    """4,000 fragments of YAML's significant characters (fixed seed), each ending a line."""
    chooser = random.Random(1)
    for _ in range(4000):
        pieces = chooser.choices(_PIECES, k=chooser.randint(1, 14))
        text = "".join(pieces).rstrip("\n") + "\n"
        results = []
        for name in ("libyaml", "python"):
            document = SeedDocument(path="t", text=text, data=None)
            read = compose_yaml(document, text, loader=LOADERS[name])
            findings = [(d.line, d.column, d.code, d.message) for d in read.diagnostics]
            results.append((findings, repr(document.data) if read.document else None))
        assert results[0] == results[1], text


def test_a_parse_error_on_an_anchors_line_is_still_reported() -> None:
    findings = _lint("category: news", "category: &a news: more")
    assert sorted(f[2] for f in findings) == ["S003", "S008"]
