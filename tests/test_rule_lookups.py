"""Mechanism: the rules look up each field of a seed once, however many rules read it; the
strings the composer records are the ones a walk of the data finds; and the spans made
from libyaml's marks when asked for are the ones reading used to make for every value."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint import Config, lint_text, linter
from seedlint.catalogue import structure
from seedlint.document import JsonPath, SeedDocument, Span, composer, parse_seed
from seedlint.rules import fields
from tests.conftest import FIXED_NOW

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CASES = Path(__file__).resolve().parent / "cases"


def _walked(document: SeedDocument, path: JsonPath) -> str | None:
    """``text_at`` as a fresh walk of the data finds it, with no recorded strings."""
    return fields._find_text(document, path)


def _asked_paths(document: SeedDocument) -> set[JsonPath]:
    """Every recorded path, one step past each, and the fields the rules ask for."""
    paths = set(document.values)
    paths |= {(*path, "x") for path in document.values} | {(*path, 0) for path in document.values}
    for base in ((), ("related", 0), ("related", 1), ("images", 0)):
        for key in (*fields.URL_KEYS, *fields.DATE_KEYS, "title", "url", "missing"):
            paths.add((*base, key))
    return paths


def _agree(raw: bytes) -> bool:
    document = parse_seed(raw, "x.txt").document
    if document is None:
        return False
    for path in _asked_paths(document):
        assert fields.text_at(document, path) == _walked(document, path), path
    return document.texts_complete


def test_recorded_strings_match_a_walk_on_every_case_and_seed() -> None:
    complete = [
        _agree(file.read_bytes()) for file in sorted([*CASES.glob("*.txt"), *SEEDS.glob("*.txt")])
    ]
    assert any(complete), "no document was composed with its strings recorded"
    assert not all(complete), "no case made the composer fall back to walking"


_SCALARS = st.sampled_from(
    [
        "text",
        '"quoted"',
        "'single'",
        "no",
        "yes",
        "~",
        "null",
        "12",
        "1.5",
        "0x1f",
        "0o7",
        "2020-10-19",
        "2020-10-19T00:00:00Z",
        "!!str 12",
        "!!int 12",
        "!custom x",
        "! 12",
        "&a text",
        "*a",
        "|\n    block",
        ">\n    folded",
        '"multi\n    line"',
        "plain\n    more",
        "[a, 1, no]",
        "{k: v, n: 2}",
        "[]",
        "{}",
        "'#x'",
        ": bad",
        "- ",
        "-",
        "=",
        "<<",
    ]
)
_KEYS = st.sampled_from(["title", "webUrl", "a", "b", "related", "images", "url", "12", "no"])


@st.composite
def _yaml(draw: st.DrawFn, depth: int = 0) -> str:
    indent = "  " * depth
    lines = []
    for key in draw(st.lists(_KEYS, min_size=1, max_size=5)):
        kind = draw(st.integers(0, 3)) if depth < 2 else 0
        if kind == 0:
            lines.append(f"{indent}{key}: {draw(_SCALARS)}")
        elif kind == 1:
            lines.append(f"{indent}{key}:")
            lines.append(draw(_yaml(depth + 1)))
        else:
            lines.append(f"{indent}{key}:")
            for _ in range(draw(st.integers(1, 3))):
                lines.append(f"{indent}  - {draw(_SCALARS)}")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(_yaml())
def test_recorded_strings_match_a_walk(body: str) -> None:
    _agree(f"---\n{body}\n---\n".encode())


def test_each_field_of_a_seed_is_walked_to_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed the composer cannot vouch for (here a duplicate key) is walked, once per path."""
    walks: Counter[JsonPath] = Counter()
    find_text = fields._find_text

    def counting(document: SeedDocument, path: JsonPath) -> str | None:
        walks[path] += 1
        return find_text(document, path)

    seed = sorted(SEEDS.glob("*.txt"))[1].read_text(encoding="utf-8")
    doubled = seed.replace("\ntype:", "\ntype: article\ntype:", 1).encode()
    expected = lint_text(doubled, "x.txt", now=FIXED_NOW)
    assert structure.DUPLICATE_KEY.code in {d.code for d in expected}
    monkeypatch.setattr(fields, "_find_text", counting)
    assert lint_text(doubled, "x.txt", now=FIXED_NOW) == expected
    assert walks, "the rules read no field"
    assert max(walks.values()) == 1, [path for path, count in walks.items() if count > 1]
    assert ("webUrl",) in walks


def test_a_plain_seed_is_never_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[1].read_bytes()
    expected = lint_text(seed, "x.txt", now=FIXED_NOW)

    def walk(document: SeedDocument, path: JsonPath) -> str | None:
        raise AssertionError(path)

    monkeypatch.setattr(fields, "_find_text", walk)
    assert lint_text(seed, "x.txt", now=FIXED_NOW) == expected


def _reading(raw: bytes) -> tuple[object, ...]:
    result = parse_seed(raw, "x.txt")
    document = result.document
    if document is None:
        return (None, result.diagnostics)
    return (
        repr(document.data),  # repr: NaN is not equal to itself
        document.ambiguities,
        document.values,
        document.styles,
        result.diagnostics,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_yaml(), min_size=1, max_size=3))
def test_remembered_plain_readings_change_nothing(bodies: list[str]) -> None:
    raws = [f"---\n{body}\n---\n".encode() for body in bodies]
    fresh = []
    for raw in raws:
        composer._PLAIN_READINGS.clear()
        fresh.append(_reading(raw))
    assert [_reading(raw) for raw in raws] == fresh  # the second time from the memo


def _spans_agree(raw: bytes) -> None:
    document = parse_seed(raw, "x.txt").document
    if document is None:
        return
    first_line, offset = document.span_base
    for marks, spans in ((document.value_marks, "values"), (document.key_marks, "keys")):
        expected = {
            path: Span(
                start.line + first_line,
                start.column + 1,
                end.line + first_line,
                end.column + 1,
                start.index + offset,
                end.index + offset,
            )
            for path, (start, end) in marks.items()
        }
        if spans == "values":
            for path in _asked_paths(document):
                assert document.value_span(path) == expected.get(path), path
        assert getattr(document, spans) == expected


def test_spans_made_when_asked_for_match_the_marks_on_every_case_and_seed() -> None:
    for file in sorted([*CASES.glob("*.txt"), *SEEDS.glob("*.txt")]):
        _spans_agree(file.read_bytes())


@settings(max_examples=200, deadline=None)
@given(_yaml())
def test_spans_made_when_asked_for_match_the_marks(body: str) -> None:
    _spans_agree(f"---\n# comment\n{body}\n---\n".encode())


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_a_clean_seed_is_checked_without_making_its_spans(seed: Path) -> None:
    result = parse_seed(seed.read_bytes(), seed.name)
    assert result.document is not None
    report = linter.lint_parsed(result, seed.name, linter.make_context(Config(), FIXED_NOW))
    assert report == []
    assert result.document._values is None and result.document._keys is None
