"""Findings and exit codes: the data every other module speaks in."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import NamedTuple

from seedlint.patterns import lazy_pattern


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


class Edit(NamedTuple):
    """Replace the characters ``[start, end)`` of the decoded file text with ``text``."""

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    """A set of edits that together repair one finding."""

    edits: tuple[Edit, ...]
    safe: bool = True
    """Unsafe fixes may change meaning and run only with ``--unsafe-fixes``."""


@dataclass(frozen=True)
class Diagnostic:
    """One finding at one place. Positions are 1-based; columns count characters.

    Two findings are equal only when every field is: two rules (or one rule
    with two messages) at one position stay two findings in a set. Sorting is
    by path, line, column and code, then message, so any order is total.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    end_line: int | None = None
    end_column: int | None = None
    fix: Fix | None = None

    def __post_init__(self) -> None:
        if self.line < 1 or self.column < 1:
            raise ValueError(f"positions are 1-based, got {self.line}:{self.column}")

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str, int, int]:
        """Path, line, column, code, message, severity, end line, end column."""
        return (
            self.path,
            self.line,
            self.column,
            self.code,
            self.message,
            self.severity.value,
            self.end_line or 0,
            self.end_column or 0,
        )

    def __lt__(self, other: Diagnostic) -> bool:
        return self.sort_key < other.sort_key

    @property
    def location(self) -> str:
        """``path:line:col`` as editors and terminals link it."""
        return f"{self.path}:{self.line}:{self.column}"


def plural(count: int, noun: str) -> str:
    """``1 error``, ``3 errors``: counts in messages and summaries."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


_UNSAFE = lazy_pattern("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0 and C1 controls (ESC, CR, LF, NEL ...), line separators, bidi overrides, and lone
surrogates (a file name that is not UTF-8, a ``\\ud800`` escape in YAML): UTF-8 cannot
encode those."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``, ``\n``, ``\u202e``).

    Seeds and file names come from pull requests: shown raw, an escape sequence
    would restyle or rewrite the terminal, and a line break would let seed
    content start a line of its own (a GitHub Actions workflow command such as
    ``::warning::``). Every human-facing output goes through this one function.
    """
    if _UNSAFE().search(text) is None:
        return text
    return _UNSAFE().sub(_escape, text)


def encodable(text: str) -> str:
    r"""``text`` with lone surrogates written as ``\udcff`` escapes, so it encodes as UTF-8.

    For machine formats (JSON, SARIF) that keep other characters as they are:
    applied to a serialised JSON document, each such escape sits inside a
    string and is JSON's own escape of the same character, so nothing is lost.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
