"""Every output format over one fixed set of findings: golden files, then each format read
back by its real consumer's parser or schema.

Regenerate the golden files after an intended change with
``SEEDLINT_UPDATE_GOLDEN=1 pytest tests/test_reporters.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import random
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from seedlint.config import OUTPUT_FORMATS
from seedlint.diagnostics import Diagnostic, Severity, visible
from seedlint.registry import all_rules
from seedlint.reporters import REPORTERS, ReportContext
from seedlint.reporters.junit import xml_safe
from seedlint.reporters.text import report_statistics
from tests.reporting import (
    NASTY_MESSAGE,
    NASTY_PATH,
    context,
    diagnostic_from_command,
    nasty_finding,
    parse_workflow_command,
    render,
    sarif_path,
    sarif_validator,
    sorted_findings,
)

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_FILES = {
    "text": "findings.txt",
    "json": "findings.json",
    "sarif": "findings.sarif",
    "github": "findings.github.txt",
    "junit": "findings.junit.xml",
}
UPDATE = os.environ.get("SEEDLINT_UPDATE_GOLDEN") == "1"


def test_every_config_format_has_a_reporter_and_a_golden_file() -> None:
    assert tuple(REPORTERS) == OUTPUT_FORMATS
    assert set(GOLDEN_FILES) == set(OUTPUT_FORMATS)


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_golden(fmt: str) -> None:
    output = render(fmt, sorted_findings(), context())
    golden = GOLDEN / GOLDEN_FILES[fmt]
    if UPDATE:
        golden.write_bytes(output.encode("utf-8"))
    assert output == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_output_is_deterministic_and_independent_of_input_order(fmt: str) -> None:
    findings = sorted_findings()
    # Two findings at one place under one code, told apart only by their message.
    twins = [
        Diagnostic("seeds/z.txt", 1, 1, "E001", 'front matter: missing required key "b"'),
        Diagnostic("seeds/z.txt", 1, 1, "E001", 'front matter: missing required key "a"'),
    ]
    first = render(fmt, [*findings, *twins], context())
    assert first.endswith("\n")
    for seed in range(5):
        shuffled = [*findings, *twins]
        random.Random(seed).shuffle(shuffled)
        assert render(fmt, shuffled, context()) == first, f"shuffle {seed}"
    assert render(fmt, [*reversed(findings), *twins], context()) == first


# --- json ---------------------------------------------------------------------------------


def _finding_from_json(item: dict[str, Any]) -> Diagnostic:
    return Diagnostic(
        path=item["path"],
        line=item["line"],
        column=item["column"],
        code=item["code"],
        message=item["message"],
        severity=Severity(item["severity"]),
        end_line=item["end_line"],
        end_column=item["end_column"],
    )


def _same(a: Diagnostic, b: Diagnostic) -> bool:
    keys = ("path", "line", "column", "code", "message", "severity", "end_line", "end_column")
    return all(getattr(a, key) == getattr(b, key) for key in keys)


def test_json_structure_and_round_trip() -> None:
    findings = [*sorted_findings(), nasty_finding()]
    document = json.loads(render("json", findings, context()))
    assert document["version"] == 1
    assert document["tool"] == {"name": "seedlint", "version": "9.8.7"}
    assert set(document) == {"version", "tool", "findings", "summary"}
    for item, finding in zip(document["findings"], findings, strict=True):
        assert set(item) == {
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "code",
            "name",
            "severity",
            "message",
            "fixable",
        }
        assert _same(_finding_from_json(item), finding)
        assert item["fixable"] is (finding.fix is not None)
    names = {item["code"]: item["name"] for item in document["findings"]}
    assert names["D001"] == "invalid-date-time"
    assert names["X999"] is None
    assert document["summary"] == {
        "files_checked": 3,
        "files_with_findings": 3,
        "errors": 5,
        "warnings": 1,
        "by_code": {"D001": 1, "E003": 1, "E004": 1, "E005": 1, "S013": 1, "X999": 1},
    }


# --- sarif --------------------------------------------------------------------------------


def test_sarif_validator_is_not_vacuous() -> None:
    validator = sarif_validator()
    assert not validator.is_valid({})
    assert not validator.is_valid({"version": "2.0.0", "runs": []})
    bad_region = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [
                    {
                        "message": {"text": "m"},
                        "locations": [{"physicalLocation": {"region": {"startLine": 0}}}],
                    }
                ],
            }
        ],
    }
    assert not validator.is_valid(bad_region)
    assert validator.is_valid({"version": "2.1.0", "runs": []})


@pytest.mark.parametrize("strict", [False, True])
def test_sarif_validates_against_the_official_schema(strict: bool) -> None:
    findings = [*sorted_findings(), nasty_finding(), nasty_finding(Severity.WARNING)]
    log = json.loads(render("sarif", findings, context(full_catalogue=True, strict=strict)))
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert errors == [], "\n".join(str(e) for e in errors[:3])


def test_sarif_rule_catalogue_and_results() -> None:
    findings = [*sorted_findings(), nasty_finding()]
    log = json.loads(render("sarif", findings, context(full_catalogue=True)))
    (run,) = log["runs"]
    assert log["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///project/"}}
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("seedlint", "9.8.7")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for descriptor, rule in zip(rules, all_rules(), strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert rule.summary in descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"] == rule.documentation
        assert descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
        assert descriptor["properties"]["fixable"] is rule.fixable
    for result, finding in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == finding.code
        if finding.code == "X999":
            assert "ruleIndex" not in result
        else:
            assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == finding.severity.value
        assert result["message"]["text"] == finding.message
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert sarif_path(physical["artifactLocation"]) == finding.path
        region = physical["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
        assert region.get("endLine") == finding.end_line
        assert region.get("endColumn") == finding.end_column


def test_sarif_uris_are_valid_relative_references() -> None:
    log = json.loads(render("sarif", [nasty_finding()], context()))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    # RFC 3986: only unreserved, reserved and %XX; and no scheme-like first segment.
    assert all(ch.isascii() and ch.isprintable() and ch != " " for ch in uri), uri
    assert ":" not in uri
    assert uri.startswith("seeds/")


def test_sarif_path_outside_the_root_is_an_absolute_file_uri() -> None:
    finding = Diagnostic("/elsewhere/my seed.txt", 1, 1, "S001", "no front matter")
    log = json.loads(render("sarif", [finding], context()))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///elsewhere/my%20seed.txt"}
    assert sarif_validator().is_valid(log)


# --- github -------------------------------------------------------------------------------


def test_github_commands_round_trip_exactly() -> None:
    findings = [*sorted_findings(), nasty_finding(), nasty_finding(Severity.WARNING)]
    output = render("github", findings, context())
    lines = output.splitlines()
    # One command per finding: no escaped CR/LF may survive to split a command.
    assert len(lines) == len(findings)
    assert "\r" not in output.replace("\n", "")
    for line, finding in zip(lines, findings, strict=True):
        shown = replace(finding, path=visible(finding.path), message=visible(finding.message))
        assert _same(diagnostic_from_command(line), shown)


def test_github_escapes_the_nasty_characters() -> None:
    (line,) = render("github", [nasty_finding()], context()).splitlines()
    command, properties, message = parse_workflow_command(line)
    assert command == "error"
    assert properties["title"] == "E005"
    # Control characters (CR, LF, \x01) are shown escaped: none can start a line.
    assert properties["file"] == visible(NASTY_PATH)
    assert message == visible(NASTY_MESSAGE)
    raw_properties = line.split("::")[1]
    assert "file=seeds/we%25ird%2C na%3Ame" in raw_properties
    assert "\\r\\n" in line and "\\x01" in line
    # The literal text "%0A" in the message must come back as text, not as a newline.
    assert line.endswith("%250A")


def test_github_without_findings_prints_nothing() -> None:
    assert render("github", [], context()) == ""


# --- junit --------------------------------------------------------------------------------


def _junit_cases(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "seedlint"
    return {case.attrib["name"]: case for case in suite.findall("testcase")}


def test_junit_with_junitparser(tmp_path: Path) -> None:
    from junitparser import Failure, JUnitXml

    findings = sorted_findings()
    report = tmp_path / "report.xml"
    report.write_text(render("junit", findings, context()), encoding="utf-8")
    xml = JUnitXml.fromfile(str(report))
    (suite,) = list(xml)
    assert suite.name == "seedlint"
    declared = (suite.tests, suite.failures, suite.errors, suite.skipped)
    assert declared == (3, 4, 0, 0)
    suite.update_statistics()  # junitparser recounts from the elements
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == declared
    cases = {case.name: case for case in suite}
    assert list(cases) == ["seeds/a.txt", "seeds/clean.txt", "seeds/sub/b.md"]
    assert cases["seeds/clean.txt"].is_passed
    assert cases["seeds/sub/b.md"].classname == "seeds/sub"
    failures = [r for r in cases["seeds/a.txt"].result if isinstance(r, Failure)]
    assert [(f.type, f.message) for f in failures] == [
        (d.code, d.message) for d in findings if d.path == "seeds/a.txt" and d.code != "S013"
    ]
    assert failures[0].text == f"5:20 D001 {findings[0].message}"
    assert cases["seeds/a.txt"].system_out == f"12:11 S013 {findings[2].message} (warning)\n"


def test_junit_strict_makes_warnings_failures() -> None:
    cases = _junit_cases(render("junit", sorted_findings(), context(strict=True)))
    failures = cases["seeds/a.txt"].findall("failure")
    assert [f.get("type") for f in failures] == ["D001", "E003", "S013"]
    assert cases["seeds/a.txt"].find("system-out") is None


def test_junit_clean_run_lists_every_checked_file_as_passing() -> None:
    xml = render("junit", [], context())
    cases = _junit_cases(xml)
    assert list(cases) == ["seeds/a.txt", "seeds/clean.txt", "seeds/sub/b.md"]
    assert all(len(case) == 0 for case in cases.values())
    assert ET.fromstring(xml.encode()).get("failures") == "0"


def test_junit_survives_every_nasty_character() -> None:
    finding = nasty_finding()
    warning = Diagnostic(NASTY_PATH, 9, 1, "S013", NASTY_MESSAGE, severity=Severity.WARNING)
    xml = render("junit", [finding, warning], context(checked=(NASTY_PATH,)))
    cases = _junit_cases(xml)  # well-formed XML, or this raises
    expected_path = visible(NASTY_PATH)  # control characters shown escaped
    assert list(cases) == [expected_path]
    (failure,) = cases[expected_path].findall("failure")
    expected_message = visible(NASTY_MESSAGE)
    assert failure.get("message") == expected_message
    assert failure.text == f"3:7 E005 {expected_message}"
    system_out = cases[expected_path].find("system-out")
    assert system_out is not None
    assert system_out.text == f"9:1 S013 {expected_message} (warning)\n"
    assert "\x01" not in xml


def test_xml_safe_replaces_only_what_xml_forbids() -> None:
    allowed = "\t\n\r é 😀 \ud7ff \ue000 \ufffd"
    assert xml_safe(allowed) == allowed
    assert (
        xml_safe("a\x00b\x08c\x0bd\x1fe\ufffef\udc80")
        == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffd"
    )


# --- text and statistics ------------------------------------------------------------------


def test_statistics_count_per_code_by_count_then_code() -> None:
    findings = [
        *sorted_findings(),
        Diagnostic("seeds/c.txt", 1, 1, "E004", "again"),
        Diagnostic("seeds/c.txt", 2, 1, "E004", "and again"),
        Diagnostic("seeds/c.txt", 3, 1, "D001", "twice"),
    ]
    import io

    stream = io.StringIO()
    report_statistics(findings, context(), stream)
    assert stream.getvalue().splitlines() == [
        "3  E004  out-of-range",
        "2  D001  invalid-date-time",
        "1  E003  wrong-type",
        "1  S013  ambiguous-scalar",
        "1  X999",
    ]


def test_statistics_of_a_clean_run_is_empty() -> None:
    import io

    stream = io.StringIO()
    report_statistics([], ReportContext(files_checked=1), stream)
    assert stream.getvalue() == ""
