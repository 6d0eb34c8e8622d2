"""Turn findings into output. Reporters see only Diagnostic objects."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from seedlint.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class ReportContext:
    """Facts about the run that some formats show besides the findings."""

    files_checked: int
    quiet: bool = False
    color: bool = False


class Reporter(Protocol):
    """Writes a run's findings to a stream."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO
    ) -> None: ...


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    """Colour only on a terminal, never with NO_COLOR set; ``always``/``never`` override."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


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
    counts = Counter(d.severity for d in diagnostics)
    files = len({d.path for d in diagnostics})
    checked = f"{context.files_checked} file{'s' if context.files_checked != 1 else ''} checked"
    if not diagnostics:
        stream.write(f"All clean: {checked}.\n")
        return
    parts = []
    if counts[Severity.ERROR]:
        parts.append(_paint(_plural(counts[Severity.ERROR], "error"), "red", color))
    if counts[Severity.WARNING]:
        parts.append(_paint(_plural(counts[Severity.WARNING], "warning"), "yellow", color))
    stream.write(f"Found {' and '.join(parts)} in {_plural(files, 'file')} ({checked}).\n")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


REPORTERS: dict[str, Reporter] = {"text": report_text}
