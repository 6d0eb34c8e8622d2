"""yaml-test-suite (vendored in tests/conformance/yaml) through the document loader.

Every case is composed with both event sources (libyaml and the pure-Python
parser): an invalid case must get an error; a valid case must get no error and,
when it is one document, the data of its ``in.json``, apart from what seedlint
reports on purpose (anchors, aliases, tags, YAML 1.1 readings), which leaves
those values out of the data. Each valid case seedlint treats differently is a
row of the YAML table in docs/conformance.md; a difference that is not there,
or a row that no longer differs, fails the test.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from seedlint.diagnostics import Diagnostic, Severity
from seedlint.document import JsonPath, SeedDocument, compose_yaml
from seedlint.document.loader import LOADERS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "conformance" / "yaml" / "data"
TABLE = ROOT / "docs" / "conformance.md"
SECTION = "## YAML (yaml-test-suite)"
CASES = sorted(str(path.parent.relative_to(DATA)) for path in DATA.rglob("in.yaml"))
ERROR_CASES = [case for case in CASES if (DATA / case / "error").exists()]
VALID_CASES = [case for case in CASES if case not in ERROR_CASES]
_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+?) \| (.+) \|$")


@cache
def compose(case: str, loader: str) -> tuple[SeedDocument, tuple[Diagnostic, ...], bool]:
    """The document, the findings and whether composing succeeded, for one case."""
    text = (DATA / case / "in.yaml").read_bytes().decode("utf-8")
    document = SeedDocument(path=case, text=text, data=None)
    result = compose_yaml(document, text, loader=LOADERS[loader])
    ordered = sorted(result.diagnostics, key=lambda d: (d.line, d.column, d.code, d.message))
    return document, tuple(ordered), result.document is not None


def expected_documents(case: str) -> list[Any] | None:
    """The documents of ``in.json`` (None when the case has none)."""
    path = DATA / case / "in.json"
    if not path.exists():
        return None
    decoder, text, found, index = json.JSONDecoder(), path.read_text(encoding="utf-8"), [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return found
        value, index = decoder.raw_decode(text, index)
        found.append(value)


def agrees(document: SeedDocument, ours: Any, theirs: Any, path: JsonPath = ()) -> bool:
    """``ours`` equals ``theirs``, leaving out values seedlint reports instead of reading."""
    if path in document.ignored or path in document.ambiguities:
        return True
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(
            agrees(document, ours[key], theirs[key], (*path, key)) for key in ours
        )
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(
            agrees(document, a, b, (*path, index))
            for index, (a, b) in enumerate(zip(ours, theirs, strict=True))
        )
    if isinstance(ours, float) and isinstance(theirs, float | int) and not isinstance(theirs, bool):
        return ours == theirs or (math.isnan(ours) and math.isnan(theirs))
    return type(ours) is type(theirs) and ours == theirs


def verdict(case: str, loader: str) -> str:
    """The error codes seedlint reports on a case, plus ``data`` when its data differs."""
    document, diagnostics, composed = compose(case, loader)
    words = sorted({d.code for d in diagnostics if d.severity is Severity.ERROR})
    documents = expected_documents(case)
    single = composed and documents is not None and len(documents) == 1
    if single and not agrees(document, document.data, documents[0]):
        words.append("data")
    return " ".join(words) or "valid"


def documented_deviations() -> dict[str, str]:
    """Case → verdict, from the YAML section of docs/conformance.md."""
    text = TABLE.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_the_suite_is_vendored_whole() -> None:
    source = (ROOT / "tests" / "conformance" / "yaml" / "SOURCE").read_text(encoding="utf-8")
    assert "commit: 6ad3d2c62885d82fc349026c136ef560838fdf3d" in source
    assert len(CASES) == 402
    assert len(ERROR_CASES) == 94
    assert (ROOT / "tests" / "conformance" / "yaml" / "LICENSE").exists()


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("case", ERROR_CASES)
def test_every_invalid_case_gets_an_error(case: str, loader: str) -> None:
    _, diagnostics, _ = compose(case, loader)
    assert any(d.severity is Severity.ERROR for d in diagnostics), diagnostics


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_valid_cases_agree_or_are_documented(loader: str) -> None:
    found = {case: verdict(case, loader) for case in VALID_CASES}
    deviations = {case: found[case] for case in VALID_CASES if found[case] != "valid"}
    documented = documented_deviations()
    assert set(documented) <= set(VALID_CASES), "the table names cases that are not valid cases"
    assert deviations == documented


def test_the_table_gives_a_reason_for_every_row() -> None:
    text = TABLE.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [_ROW.match(line) for line in text.splitlines() if line.startswith("| `")]
    assert rows
    assert all(row is not None and len(row.group(3).strip()) > 10 for row in rows)


@pytest.mark.parametrize("case", CASES)
def test_both_loaders_give_the_same_findings_and_data(case: str) -> None:
    fast, fast_findings, fast_composed = compose(case, "libyaml")
    python, python_findings, python_composed = compose(case, "python")
    assert python_findings == fast_findings
    assert python_composed == fast_composed
    if fast_composed:
        assert repr(python.data) == repr(fast.data)
        assert starts(python, python.values) == starts(fast, fast.values)
        assert starts(python, python.keys) == starts(fast, fast.keys)


def starts(document: SeedDocument, spans: dict[JsonPath, Any]) -> dict[JsonPath, Any]:
    """Where each value or key starts, the place a finding points at.

    An empty node has no characters of its own: libyaml places it just after the
    indicator before it, PyYAML at the token after it, so it is left out (C2DT, DFF7).
    """
    return {
        path: (span.line, span.column)
        for path, span in spans.items()
        if span.start != span.end or document.styles.get(path) != ""
    }


def test_tabs_inside_scalars_are_not_tab_indentation() -> None:
    for case in (
        "J3BT",
        "4ZYM",
        "3RLN/02",
        "3RLN/05",
        "DK95/02",
        "DK95/08",
        "M9B4",
        "MJS9",
        "T5N4",
        "TL85",
        "HS5T",
        "7A4E",
        "PRH3",
        "NB6Z",
        "UV7Q",
        "5GBF",
        "6HB6",
    ):
        _, diagnostics, composed = compose(case, "libyaml")
        assert composed and diagnostics == (), case


def test_an_alias_used_as_a_key_is_named() -> None:
    text = "a: &x 1\n*x : 2\n"
    document = SeedDocument(path="t", text=text, data=None)
    findings = compose_yaml(document, text).diagnostics
    assert [(d.line, d.column, d.code) for d in findings] == [(1, 4, "S008"), (2, 1, "S008")]
    assert findings[1].message.startswith("alias *x is used as a mapping key")
