"""The human format: ``path:line:col: CODE severity: message`` per finding, a summary, statistics.

The severity is written out, so errors and warnings differ without colour
(``NO_COLOR``, a CI log). A finding ``--fix`` can repair is marked ``[*]`` after
its code, as ruff does, and the summary counts them. Every path and message
goes through :func:`~seedlint.diagnostics.visible`: seed content never moves the
cursor, restyles the terminal or starts a line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from seedlint.diagnostics import Diagnostic, Severity, plural, visible
from seedlint.reporters.base import ReportContext, severity_counts

_STYLES = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "dim": "2"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def format_finding(d: Diagnostic, color: bool = False) -> str:
    """``path:line:col: CODE [*] severity: message`` (``[*]``: ``--fix`` repairs it)."""
    style = "red" if d.severity is Severity.ERROR else "yellow"
    location = _paint(f"{visible(d.path)}:{d.line}:{d.column}:", "bold", color)
    marker = " [*]" if d.fix is not None and d.fix.safe else ""
    severity = _paint(f"{d.severity.value}:", style, color)
    return f"{location} {_paint(visible(d.code), style, color)}{marker} {severity} {visible(d.message)}"


def fix_hint(diagnostics: Sequence[Diagnostic]) -> str | None:
    """``[*] 2 fixable with --fix (1 more with --fix --unsafe-fixes).``; None when none is."""
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.safe)
    unsafe = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
    if not safe and not unsafe:
        return None
    more = f"{unsafe} more with --fix --unsafe-fixes"
    if not safe:
        return f"No fixes with --fix; {more}."
    return f"[*] {safe} fixable with --fix" + (f" ({more})." if unsafe else ".")


def report_text(diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO) -> None:
    """One line per finding (:func:`format_finding`), then a count by severity and the fixes."""
    color = context.color
    for d in diagnostics:
        stream.write(format_finding(d, color) + "\n")
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
    hint = fix_hint(diagnostics)
    if hint is not None:
        stream.write(hint + "\n")


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
        stream.write(visible(f"{count:>{width}}  {code}  {name}".rstrip()) + "\n")
