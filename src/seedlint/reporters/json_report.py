"""The JSON format: one stable, versioned document (see docs/output-formats.md).

Other tools and our own tests consume it, so its shape only changes together
with ``JSON_FORMAT_VERSION``: adding a key is compatible, renaming or removing
one is not.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from seedlint.diagnostics import Diagnostic, encodable
from seedlint.reporters.base import ReportContext, severity_counts

JSON_FORMAT_VERSION = 1


def finding_to_json(diagnostic: Diagnostic, context: ReportContext) -> dict[str, Any]:
    """One finding as a JSON object; unknown end positions and names are ``null``."""
    return {
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column,
        "code": diagnostic.code,
        "name": context.rule_name(diagnostic.code),
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "fixable": diagnostic.fix is not None,
    }


def json_document(diagnostics: Sequence[Diagnostic], context: ReportContext) -> dict[str, Any]:
    """The whole report as plain data (what :func:`report_json` serializes)."""
    errors, warnings = severity_counts(diagnostics)
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "seedlint", "version": context.tool_version},
        "findings": [finding_to_json(d, context) for d in diagnostics],
        "summary": {
            "files_checked": context.files_checked,
            "files_with_findings": len({d.path for d in diagnostics}),
            "errors": errors,
            "warnings": warnings,
            "by_code": dict(sorted(Counter(d.code for d in diagnostics).items())),
        },
    }


def report_json(diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO) -> None:
    """Write the report as indented JSON with sorted keys and a final newline.

    Non-ASCII text is written as is (the output is UTF-8), which keeps messages
    that quote a value readable.
    """
    document = json_document(diagnostics, context)
    stream.write(encodable(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)))
    stream.write("\n")
