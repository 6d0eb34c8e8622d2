"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, VS Code SARIF viewer ...).

Decisions (see docs/output-formats.md):

* Columns: seedlint counts columns in Unicode code points, SARIF's default
  ``columnKind`` is ``utf16CodeUnits``. The run declares
  ``"columnKind": "unicodeCodePoints"`` rather than converting, because a
  conversion needs the line's text and reporters only see findings. The two
  differ only after a character outside the Basic Multilingual Plane (an
  emoji) on the same line.
* Paths: relative display paths become relative URIs under the base id
  ``%SRCROOT%`` (the project root, declared in ``originalUriBaseIds`` when
  known); paths outside the root become absolute ``file:`` URIs.
* End columns are exclusive, as in SARIF regions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Severity, encodable
from seedlint.reporters.base import ReportContext

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def artifact_location(path: str) -> dict[str, str]:
    """A SARIF artifactLocation: a percent-encoded relative URI under %SRCROOT%, or a file URI."""
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(path)
        if pure.is_absolute():
            return {"uri": pure.as_uri()}
    # ":" is encoded too, so a first segment such as "a:b.txt" cannot read as a URI scheme.
    return {"uri": quote(path.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": SRCROOT}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """One entry of ``tool.driver.rules``."""
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary}\n\n{rule.why}"},
        "help": {
            "text": rule.documentation,
            "markdown": f"**{rule.code} {rule.name}**\n\n{rule.markdown}",
        },
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": ["seed", "data-quality"],
            "fixable": rule.fixable,
            "online": rule.online,
        },
    }


def _region(diagnostic: Diagnostic) -> dict[str, int]:
    region = {"startLine": diagnostic.line, "startColumn": diagnostic.column}
    if diagnostic.end_line is not None:
        region["endLine"] = diagnostic.end_line
    if diagnostic.end_column is not None:
        region["endColumn"] = diagnostic.end_column
    return region


def _result(diagnostic: Diagnostic, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": _LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(diagnostic.path),
                    "region": _region(diagnostic),
                }
            }
        ],
    }
    if diagnostic.code in rule_index:
        result["ruleIndex"] = rule_index[diagnostic.code]
    return result


def sarif_log(diagnostics: Sequence[Diagnostic], context: ReportContext) -> dict[str, Any]:
    """The whole SARIF log as plain data: one run, the full rule catalogue, every finding."""
    rules = list(context.rules)  # registry order: by group, then code
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "seedlint",
                "version": context.tool_version,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, rule_index) for d in diagnostics],
    }
    if context.root_uri is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": context.root_uri}}
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def report_sarif(diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO) -> None:
    """Write the SARIF log as indented UTF-8 JSON with sorted keys."""
    log = sarif_log(diagnostics, context)
    stream.write(encodable(json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False)))
    stream.write("\n")
