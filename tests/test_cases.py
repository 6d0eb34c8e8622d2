"""Every file in tests/cases/ against the findings listed beside it.

``CODE_what.txt`` (or ``.md``) is a seed; ``CODE_what.expected`` lists the
findings it must produce, one ``line:col CODE`` per line, and nothing else.
Files in ``cases/valid/`` must produce no finding at all. A new rule test is a
new pair of files, not new Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seedlint import lint_text
from seedlint.registry import all_rules
from tests.conftest import CASES, FIXED_NOW

CASE_FILES = sorted(p for p in CASES.iterdir() if p.suffix in (".txt", ".md"))
VALID_FILES = sorted((CASES / "valid").iterdir())


def _expected(case: Path) -> list[str]:
    lines = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.name)
def test_case_produces_exactly_the_expected_findings(case: Path) -> None:
    findings = lint_text(case.read_bytes(), case.name, now=FIXED_NOW)
    got = sorted(f"{d.line}:{d.column} {d.code}" for d in findings)
    assert got == _expected(case)


@pytest.mark.parametrize("case", VALID_FILES, ids=lambda p: p.name)
def test_valid_case_is_clean(case: Path) -> None:
    assert lint_text(case.read_bytes(), case.name, now=FIXED_NOW) == []


def test_every_case_names_a_real_rule_and_has_expectations() -> None:
    codes = {rule.code for rule in all_rules()}
    for case in CASE_FILES:
        assert case.name.split("_", 1)[0] in codes, case.name
        assert case.with_suffix(".expected").is_file(), case.name


# S006 is about the file on disk (test_bad_inputs.py); E007 needs a custom schema (test_config.py);
# C010 compares files with each other (test_project_index.py); S015 (symlinks) and S016
# (--fix on a file that changed or cannot be written) are about files (test_untrusted_files.py);
# C015 needs a configured vocabulary, C016/C017 compare seeds (test_vocabulary.py).
FILE_LEVEL_RULES = {"S006", "E007", "C010", "S015", "S016", "C015", "C016", "C017"}


def test_every_offline_rule_has_a_case() -> None:
    covered = {case.name.split("_", 1)[0] for case in CASE_FILES} | FILE_LEVEL_RULES
    missing = [r.code for r in all_rules() if not r.online and r.code not in covered]
    assert missing == []
