"""Findings and exit codes: the data every other module speaks in."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How bad a finding is; errors fail the run, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


class ExitCode(enum.IntEnum):
    """The process exit codes ``seedlint`` promises."""

    OK = 0
    """No errors (warnings allowed unless ``--strict``)."""
    FINDINGS = 1
    """At least one error, or a warning under ``--strict``."""
    USAGE = 2
    """Bad command line or configuration, or an internal error."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C (128 + SIGINT); what had finished is reported first."""


@dataclass(frozen=True)
class Edit:
    """Replace the characters ``[start, end)`` of the decoded file text with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A set of edits that together repair one finding."""

    edits: tuple[Edit, ...]
    safe: bool = True
    """Unsafe fixes may change meaning and run only with ``--unsafe-fixes``."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at one place. Positions are 1-based; columns count characters.

    Field order is the sort order: path, line, column, code.
    """

    path: str
    line: int
    column: int
    code: str
    message: str = field(compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)
    fix: Fix | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.line < 1 or self.column < 1:
            raise ValueError(f"positions are 1-based, got {self.line}:{self.column}")

    @property
    def location(self) -> str:
        """``path:line:col`` as editors and terminals link it."""
        return f"{self.path}:{self.line}:{self.column}"


def plural(count: int, noun: str) -> str:
    """``1 error``, ``3 errors``: counts in messages and summaries."""
    return f"{count} {noun}{'s' if count != 1 else ''}"
