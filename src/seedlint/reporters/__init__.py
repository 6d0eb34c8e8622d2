"""Turn findings into output: one module per format, each found by :func:`reporter_for`.

Reporters see only :class:`~seedlint.diagnostics.Diagnostic` objects and rule
metadata (:class:`~seedlint.registry.Rule`), never jsonschema or httpx objects,
so every format can be tested with hand-made findings. The formats and their
structure are documented in ``docs/output-formats.md``.

A run imports only the module of the format it writes (``json`` and the XML
escaping of the other formats cost start-up time a text run does not need);
:data:`REPORTERS` and the ``report_*`` functions are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from seedlint.reporters.base import (
    ReportContext,
    Reporter,
    fails_run,
    in_order,
    severity_counts,
    use_color,
)

if TYPE_CHECKING:
    from seedlint.reporters.github import report_github
    from seedlint.reporters.json_report import report_json
    from seedlint.reporters.junit import report_junit
    from seedlint.reporters.sarif import report_sarif
    from seedlint.reporters.text import report_statistics, report_text

    REPORTERS: dict[str, Reporter]
    """Every output format by its ``--output-format`` name; each sorts the findings it is given."""

_FORMATS = {
    "text": ("seedlint.reporters.text", "report_text"),
    "json": ("seedlint.reporters.json_report", "report_json"),
    "sarif": ("seedlint.reporters.sarif", "report_sarif"),
    "github": ("seedlint.reporters.github", "report_github"),
    "junit": ("seedlint.reporters.junit", "report_junit"),
}
"""Each ``--output-format`` name: the module and function that write it."""

_FUNCTIONS = {name: module for module, name in _FORMATS.values()}
_FUNCTIONS["report_statistics"] = "seedlint.reporters.text"


def reporter_for(output_format: str) -> Reporter:
    """The reporter of ``output_format`` (sorting the findings it is given); imports its
    module only."""
    module, name = _FORMATS[output_format]
    reporter: Reporter = getattr(importlib.import_module(module), name)
    return in_order(reporter)


def __getattr__(name: str) -> Any:
    """``REPORTERS`` and the ``report_*`` functions, imported on first use."""
    if name == "REPORTERS":
        return {output_format: reporter_for(output_format) for output_format in _FORMATS}
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(_FUNCTIONS[name]), name)
    raise AttributeError(f"module 'seedlint.reporters' has no attribute {name!r}")


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
    "reporter_for",
    "severity_counts",
    "use_color",
]
