"""The human format: ``path:line:col: CODE message`` per finding, a summary, statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from seedlint.diagnostics import Diagnostic, Severity, plural
from seedlint.reporters.base import ReportContext, severity_counts

_STYLES = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "dim": "2"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def report_text(diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO) -> None:
    """``path:line:col: CODE message`` per finding, then a count by severity."""
    color = context.color
    for d in diagnostics:
        code_style = "red" if d.severity is Severity.ERROR else "yellow"
        location = _paint(f"{d.path}:{d.line}:{d.column}:", "bold", color)
        stream.write(f"{location} {_paint(d.code, code_style, color)} {d.message}\n")
    if context.quiet:
        return
    errors, warnings = severity_counts(diagnostics)
    files = len({d.path for d in diagnostics})
    checked = f"{context.files_checked} file{'s' if context.files_checked != 1 else ''} checked"
    if not diagnostics:
        stream.write(f"All clean: {checked}.\n")
        return
    parts = []
    if errors:
        parts.append(_paint(plural(errors, "error"), "red", color))
    if warnings:
        parts.append(_paint(plural(warnings, "warning"), "yellow", color))
    stream.write(f"Found {' and '.join(parts)} in {plural(files, 'file')} ({checked}).\n")


def statistics(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, int]]:
    """``(code, count)`` per rule code, most frequent first, ties by code."""
    counts = Counter(d.code for d in diagnostics)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def report_statistics(
    diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO
) -> None:
    """One line per rule code: count, code and name, aligned; nothing when clean."""
    rows = statistics(diagnostics)
    if not rows:
        return
    width = len(str(rows[0][1]))
    for code, count in rows:
        name = context.rule_name(code) or ""
        stream.write(f"{count:>{width}}  {code}  {name}".rstrip() + "\n")
