"""Turn findings into output: one module per format, all registered in :data:`REPORTERS`.

Reporters see only :class:`~seedlint.diagnostics.Diagnostic` objects and rule
metadata (:class:`~seedlint.registry.Rule`), never jsonschema or httpx objects,
so every format can be tested with hand-made findings. The formats and their
structure are documented in ``docs/output-formats.md``.
"""

from __future__ import annotations

from seedlint.reporters.base import (
    ReportContext,
    Reporter,
    fails_run,
    in_order,
    severity_counts,
    use_color,
)
from seedlint.reporters.github import report_github
from seedlint.reporters.json_report import report_json
from seedlint.reporters.junit import report_junit
from seedlint.reporters.sarif import report_sarif
from seedlint.reporters.text import report_statistics, report_text

REPORTERS: dict[str, Reporter] = {
    "text": in_order(report_text),
    "json": in_order(report_json),
    "sarif": in_order(report_sarif),
    "github": in_order(report_github),
    "junit": in_order(report_junit),
}
"""Every output format by its ``--output-format`` name; each sorts the findings it is given."""

__all__ = [
    "REPORTERS",
    "ReportContext",
    "Reporter",
    "fails_run",
    "report_github",
    "report_json",
    "report_junit",
    "report_sarif",
    "report_statistics",
    "report_text",
    "severity_counts",
    "use_color",
]
