"""What the text format tells without colour: severities, fix hints, and honest rule listings.

Severities are written out (``error:``/``warning:``), so they survive
``NO_COLOR`` and CI logs; a finding's severity is always its rule's, so
``seedlint rules`` says what will be reported; ``[*]`` marks what ``--fix``
repairs and the summary counts it, with what only ``--unsafe-fixes`` would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.linter import lint_paths, lint_text
from seedlint.registry import all_rules
from tests.conftest import CASES, FIXED_NOW, SEEDS

RULES = {rule.code: rule for rule in all_rules()}


def test_every_finding_has_its_rules_severity() -> None:
    findings = [*lint_paths([CASES, SEEDS], now=FIXED_NOW).diagnostics]
    for rule in all_rules():
        findings.extend(lint_text(rule.example_seed, "example.txt", now=FIXED_NOW))
    assert findings
    wrong = [
        f"{d.code} {d.severity.value}" for d in findings if d.severity != RULES[d.code].severity
    ]
    assert wrong == []


def test_rules_lists_an_ip_host_as_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listed = capsys.readouterr().out
    assert "U009  ip-address-host" in listed and "U013  private-address-host" in listed
    lines = {line.split()[0]: line for line in listed.splitlines() if line[:1] == "U"}
    assert "[warning]" in lines["U009"] and "[error]" in lines["U013"]
    found = lint_text(
        (CASES / "U009_ip_host.txt").read_text(encoding="utf-8"), "x.txt", now=FIXED_NOW
    )
    assert {(d.code, d.severity.value) for d in found} == {("U009", "warning"), ("U013", "error")}


def test_severity_is_visible_without_colour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    seed = tmp_path / "ip.txt"
    seed.write_text((CASES / "U009_ip_host.txt").read_text(encoding="utf-8"), encoding="utf-8")
    main(["check", "--no-cache", str(seed)])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert ":19:10: U009 warning: images[0].url host 93.184.216.34" in out
    assert ":26:13: U013 error: related[0].webUrl host 10.0.0.5" in out
    assert out.splitlines()[-1] == "Found 1 error and 1 warning in 1 file (1 file checked)."


def test_fixable_findings_are_marked_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (CASES / "C003_surrounding_whitespace.txt").read_text(encoding="utf-8")
    http = text.replace('webUrl: "https://', 'webUrl: "http://', 1)  # U008: an unsafe fix
    seed = tmp_path / "s.txt"
    seed.write_text(http, encoding="utf-8")
    main(["check", "--no-cache", "--select", "C003,U008", str(seed)])
    out = capsys.readouterr().out.splitlines()
    marked = [line for line in out if " [*] " in line]
    assert [line.split(": ")[1].split()[0] for line in marked] == ["C003", "C003"]
    assert any(" U008 warning: " in line for line in out)  # unsafe: not marked
    assert out[-1] == "[*] 2 fixable with --fix (1 more with --fix --unsafe-fixes)."


def test_no_hint_when_nothing_is_fixable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "s.txt"
    seed.write_text((CASES / "E003_quality_string.txt").read_text(encoding="utf-8"), "utf-8")
    main(["check", "--no-cache", str(seed)])
    assert capsys.readouterr().out.splitlines()[-1].startswith("Found 1 error")


def test_inline_comments_take_rule_names_and_warn_about_unknown_codes() -> None:
    base = (CASES / "E003_quality_string.txt").read_text(encoding="utf-8")
    by_name = base.replace('quality: "33"', 'quality: "33"  # seedlint: ignore[wrong-type]')
    assert [d.code for d in lint_text(by_name, now=FIXED_NOW)] == []
    typo = base.replace('quality: "33"', 'quality: "33"  # seedlint: ignore[E033]')
    assert [(d.line, d.column, d.code) for d in lint_text(typo, now=FIXED_NOW)] == [
        (9, 10, "E003"),
        (9, 35, "S017"),
    ]


def test_only_real_comments_suppress() -> None:
    base = (CASES / "C003_surrounding_whitespace.txt").read_text(encoding="utf-8")
    quoted = base.replace('exports"', 'exports # seedlint: ignore"', 1)
    block = base.replace(
        'excerpt: "The European Union is working on a plan to tighten export criteria."',
        "excerpt: |-\n  # seedlint: ignore\n  The European Union is working on a plan.",
    )
    real = base.replace('exports"', 'exports"  # seedlint: ignore', 1)
    assert [d.line for d in lint_text(quoted, now=FIXED_NOW) if d.code == "C003"] == [3, 17]
    assert [d.line for d in lint_text(block, now=FIXED_NOW) if d.code == "C003"] == [3, 19]
    assert [d.line for d in lint_text(real, now=FIXED_NOW) if d.code == "C003"] == [17]
