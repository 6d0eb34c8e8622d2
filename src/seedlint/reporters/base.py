"""What every reporter shares: the run context, the Reporter protocol and small helpers."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol, TextIO

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Severity
from seedlint.version import __version__


class ReportContext:
    """Facts about the run that some formats show besides the findings (read-only)."""

    __slots__ = (
        "checked_paths",
        "color",
        "files_checked",
        "quiet",
        "root_uri",
        "rules",
        "rules_by_code",
        "strict",
        "tool_version",
    )

    def __init__(
        self,
        files_checked: int,
        *,
        quiet: bool = False,
        color: bool = False,
        checked_paths: tuple[str, ...] = (),
        rules: tuple[Rule, ...] = (),
        strict: bool = False,
        tool_version: str = __version__,
        root_uri: str | None = None,
    ) -> None:
        self.files_checked = files_checked
        self.quiet = quiet
        self.color = color
        self.checked_paths = checked_paths
        """Display paths of every checked file, clean or not (JUnit makes each a test case)."""
        self.rules = rules
        """The rule catalogue (SARIF lists it; names come from it). Empty: names unknown."""
        self.strict = strict
        """Warnings fail the run, so JUnit reports them as failures too."""
        self.tool_version = tool_version
        self.root_uri = root_uri
        """``file://`` URI of the folder relative paths start from (SARIF ``%SRCROOT%``)."""
        self.rules_by_code: Mapping[str, Rule] = {rule.code: rule for rule in rules}

    def rule_name(self, code: str) -> str | None:
        """The kebab-case name of ``code``, if the catalogue knows it."""
        rule = self.rules_by_code.get(code)
        return rule.name if rule else None


class Reporter(Protocol):
    """Writes a run's findings to a stream."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO
    ) -> None: ...


def in_order(reporter: Reporter) -> Reporter:
    """``reporter``, given the findings in one fixed order whatever order they come in.

    The order is the sort order of findings (path, line, column, code), ties broken
    by message, severity and end, so the output never depends on how a caller
    (a worker pool, an editor) happened to collect them.
    """

    def ordered(diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO) -> None:
        reporter(sorted(diagnostics, key=_report_key), context, stream)

    return ordered


def _report_key(d: Diagnostic) -> tuple[str, int, int, str, str, str, int, int]:
    return (
        d.path,
        d.line,
        d.column,
        d.code,
        d.message,
        d.severity.value,
        d.end_line or 0,
        d.end_column or 0,
    )


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    """Colour only on a terminal, never with NO_COLOR set; ``always``/``never`` override."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def severity_counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """``(errors, warnings)``."""
    counts = Counter(d.severity for d in diagnostics)
    return counts[Severity.ERROR], counts[Severity.WARNING]


def fails_run(diagnostic: Diagnostic, context: ReportContext) -> bool:
    """Whether this finding makes the run fail: errors always, warnings under ``--strict``."""
    return diagnostic.severity is Severity.ERROR or context.strict
