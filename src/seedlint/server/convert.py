"""seedlint's positions and findings in the protocol's terms.

seedlint counts lines from 1 and columns in characters from 1, on the text
without its byte-order mark; the protocol counts both from 0, columns in the
negotiated code units (UTF-16 unless the client offers another), and lines end
at ``\\n``, ``\\r\\n`` or ``\\r``. Edits are character offsets in that same text.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from lsprotocol import types

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Edit, Severity
from seedlint.registry import find_rule

_LINE_END = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"
_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}
Units = Callable[[str], int]
"""Code units of a string in the negotiated position encoding."""


def utf16_units(text: str) -> int:
    """UTF-16 code units of ``text`` (the protocol's default encoding)."""
    return len(text.encode("utf-16-le")) // 2


class LineIndex:
    """Where each line of a buffer starts, for conversions both ways."""

    def __init__(self, text: str, units: Units = utf16_units) -> None:
        self.text = text
        self.units = units
        self.bom = 1 if text.startswith(_BOM) else 0
        self.starts = [0, *(match.end() for match in _LINE_END.finditer(text))]

    def _line_text(self, line: int) -> str:
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def position_at(self, offset: int) -> types.Position:
        """The position of a buffer offset (characters from the start, BOM included)."""
        offset = max(0, min(offset, len(self.text)))
        line = _bisect(self.starts, offset)
        start = self.starts[line]
        return types.Position(line, self.units(self.text[start:offset]))

    def offset_at(self, position: types.Position) -> int:
        """The buffer offset of a protocol position (clamped to the line)."""
        if position.line >= len(self.starts):
            return len(self.text)
        line_text = self._line_text(position.line)
        count = 0
        for index, char in enumerate(line_text):
            if count >= position.character:
                return self.starts[position.line] + index
            count += self.units(char)
        return self.starts[position.line] + len(line_text)

    def position_of(self, line: int, column: int) -> types.Position:
        """The position of seedlint's 1-based ``line:column`` (columns in characters)."""
        index = min(max(line - 1, 0), len(self.starts) - 1)
        characters = column - 1 + (self.bom if index == 0 else 0)
        line_text = self._line_text(index)
        return types.Position(index, self.units(line_text[: max(characters, 0)]))

    def range_of(self, diagnostic: Diagnostic) -> types.Range:
        """The finding's range; without an end, to the end of its line (or just its start)."""
        start = self.position_of(diagnostic.line, diagnostic.column)
        if diagnostic.end_line is not None and diagnostic.end_column is not None:
            end = self.position_of(diagnostic.end_line, diagnostic.end_column)
            if (end.line, end.character) >= (start.line, start.character):
                return types.Range(start, end)
        line_end = types.Position(start.line, self.units(self._line_text(start.line)))
        return types.Range(start, max(start, line_end, key=lambda p: p.character))

    def text_edit(self, edit: Edit) -> types.TextEdit:
        """A span edit (offsets in the text without BOM) as a protocol text edit."""
        start = self.position_at(edit.start + self.bom)
        end = self.position_at(edit.end + self.bom)
        return types.TextEdit(types.Range(start, end), edit.text)


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def to_lsp(diagnostic: Diagnostic, lines: LineIndex, docs: str | None) -> types.Diagnostic:
    """One finding as a protocol diagnostic, linked to its rule's documentation."""
    rule = find_rule(diagnostic.code)
    link = rule_url(rule, docs) if rule is not None and docs else None
    return types.Diagnostic(
        range=lines.range_of(diagnostic),
        message=diagnostic.message,
        severity=_SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=link) if link else None,
        source="seedlint",
    )


def rule_url(rule: Rule, docs: str) -> str:
    """The rule's section of the rules reference (GitHub's heading anchors)."""
    return f"{docs}#{rule.code.lower()}-{rule.name}"


@lru_cache(maxsize=1)
def default_docs_url() -> str | None:
    """``docs/rules.md`` of the source tree seedlint runs from, when it has one."""
    reference = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
    return reference.as_uri() if reference.is_file() else None


def rule_markdown(rule: Rule, docs: str | None) -> str:
    """A rule's documentation for a hover: what ``seedlint rule CODE`` prints, as Markdown."""
    explanation = textwrap.dedent(rule.explanation).strip()
    text = f"**{rule.code}** `{rule.name}` ({rule.flags})\n\n{rule.summary}\n\n{explanation}\n"
    if docs:
        text += f"\n[Rules reference]({rule_url(rule, docs)})\n"
    return text
