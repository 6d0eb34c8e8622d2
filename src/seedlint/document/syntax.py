"""YAML syntax rules libyaml does not enforce, checked on the source text after composing.

libyaml accepts some input the YAML specification (and its test suite) calls
invalid, and rejects tabs in some places where YAML allows them. These checks
run on what the composer recorded (spans, flow collections, multi-line
scalars), and on the source text only where a cheap search finds a candidate,
so a clean seed costs a few regular-expression scans.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from seedlint.catalogue import structure
from seedlint.document.composer import Composer
from seedlint.document.model import JsonPath
from seedlint.patterns import lazy_pattern

_TAB_INDENT = lazy_pattern(r"^[ ]*\t", re.MULTILINE)
_GLUED_HASH = lazy_pattern(r"[^ \t\r\n\x85\u2028\u2029]#")
_LINE_BREAK = lazy_pattern(r"\r\n|[\r\n\x85\u2028\u2029]")
_BLOCK_HEADER = lazy_pattern(r"(?:[!&][^ \t\r\n]*[ \t]+)*[|>]([0-9+-]*)")


def check_syntax(composer: Composer, error_line: int | None) -> set[int]:
    """Report what libyaml lets through; return the lines of the tab findings."""
    return _Checks(composer, error_line).run()


class _Checks:
    def __init__(self, composer: Composer, error_line: int | None) -> None:
        self.composer = composer
        self.document = composer.document
        self.text = composer.yaml_text
        self.first_line = composer.first_line
        self.error_line = error_line
        self.tab_lines: set[int] = set()

    def run(self) -> set[int]:
        self._continuation_indentation()
        self._tab_indentation()
        self._glued_comments()
        self._block_scalar_headers()
        return self.tab_lines

    @cached_property
    def lines(self) -> list[str]:
        return _LINE_BREAK().split(self.text)

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(match.end() for match in _LINE_BREAK().finditer(self.text))
        return starts

    def _line(self, line: int) -> str:
        index = line - self.first_line
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    @cached_property
    def block_indents(self) -> dict[JsonPath, int]:
        """Column of the first key or ``-`` of each block collection (not of its anchor or tag)."""
        indents: dict[JsonPath, int] = {}
        flow = self.composer.flow
        offset = self.composer.offset
        for path, span in self.document.keys.items():
            parent = path[:-1]
            if parent in flow:
                continue
            column = span.column
            before = self.text[: span.start - offset].rstrip(" \t")
            if before.endswith("?"):  # an explicit key: the mapping is indented at the '?'
                column = len(before) - self.line_starts[span.line - self.first_line]
            indents[parent] = min(indents.get(parent, column), column)
        for path, span in self.document.values.items():
            if not path or not isinstance(path[-1], int) or path[:-1] in flow:
                continue
            before = self.text[: span.start - offset].rstrip(" \t")
            if before.endswith("-"):
                line_start = self.line_starts[span.line - self.first_line]
                column = len(before) - line_start
                parent = path[:-1]
                indents[parent] = min(indents.get(parent, column), column)
        return indents

    def _required_indent(self, path: JsonPath) -> int:
        """Spaces a continuation line of the value at ``path`` needs: past its block parent's."""
        values, flow = self.document.values, self.composer.flow
        for end in range(len(path) - 1, -1, -1):
            ancestor = path[:end]
            if ancestor not in flow and ancestor in values:
                return self.block_indents.get(ancestor, values[ancestor].column)
        return 0

    def _tab(self, line: int, column: int) -> None:
        self.tab_lines.add(line)
        message = "indented with a tab; YAML allows only spaces"
        self.composer.report(structure.TAB_INDENTATION, line, column, message)

    def _continuation_indentation(self) -> None:
        """Lines inside a quoted scalar or a flow collection must be indented past its parent."""
        if not self.composer.multiline:
            return  # (no spans made for nothing: see SeedDocument)
        seen: set[int] = set()
        values = self.document.values
        for path in self.composer.multiline:
            required = self._required_indent(path)
            span = values.get(path)
            if not required or span is None:
                continue
            if self.error_line is not None and span.end_line >= self.error_line:
                continue  # e.g. an unclosed quote: the parse error says it better
            for line in range(span.line + 1, span.end_line + 1):
                text = self._line(line)
                spaces = len(text) - len(text.lstrip(" "))
                if line in seen or spaces >= required or not text.strip(" \t"):
                    continue
                seen.add(line)
                if text[spaces] == "\t":
                    self._tab(line, spaces + 1)
                    continue
                message = f"line indented by {spaces} spaces inside a value that needs at least {required}; indent it further"
                self.composer.report(structure.YAML_SYNTAX, line, spaces + 1, message)

    def _tab_indentation(self) -> None:
        """A tab before a key, a ``-`` or a ``?``: YAML indents with spaces only."""
        if "\t" not in self.text:
            return
        candidates = list(_TAB_INDENT().finditer(self.text))
        if not candidates:
            return
        values, keys = self.document.values, self.document.keys
        starts = {(span.line, span.column): path for path, span in values.items()}
        key_starts = {(span.line, span.column) for span in keys.values()}
        inside = [values[path] for path in self.composer.block_scalars + self.composer.multiline]
        for match in candidates:
            line = bisect.bisect_right(self.line_starts, match.start()) - 1 + self.first_line
            text = self._line(line)
            content = len(text) - len(text.lstrip(" \t"))
            if content == len(text) or (self.error_line is not None and line > self.error_line):
                continue  # a blank line, or beyond where the parser stopped
            spaces = match.end() - match.start() - 1
            if line == self.error_line:
                self._tab(line, spaces + 1)  # the tab explains the parse error
                continue
            if any(span.line < line <= span.end_line for span in inside):
                continue  # block scalar content, or checked as a continuation line
            position = (line, content + 1)
            path = starts.get(position)
            scalar_or_flow = path is not None and (
                path in self.document.styles or path in self.composer.flow
            )
            if (
                position in key_starts
                or not scalar_or_flow
                or path is None
                or spaces < self._required_indent(path)
            ):
                self._tab(line, spaces + 1)

    def _scalar_spans(self) -> list[tuple[int, int]]:
        offset = self.composer.offset
        document = self.document
        spans = [
            (span.start - offset, span.end - offset)
            for path, span in document.values.items()
            if path in document.styles or path in document.ignored
        ]
        spans.extend((span.start - offset, span.end - offset) for span in document.keys.values())
        spans.sort()
        return spans

    def _glued_comments(self) -> None:
        """``"value"#note``, ``]#note``: a comment must be separated by a space."""
        if "#" not in self.text:
            return
        candidates = [match.start() + 1 for match in _GLUED_HASH().finditer(self.text)]
        if not candidates:
            return
        spans = self._scalar_spans()
        starts = [start for start, _ in spans]

        def in_scalar(index: int) -> bool:
            at = bisect.bisect_right(starts, index) - 1
            return at >= 0 and index < spans[at][1]

        for index in candidates:
            if in_scalar(index):
                continue
            line_number = bisect.bisect_right(self.line_starts, index) - 1
            line_start = self.line_starts[line_number]
            earlier = self.text.rfind("#", line_start, index)
            in_comment = False
            while earlier >= 0:
                if (earlier == line_start or self.text[earlier - 1] in " \t") and not in_scalar(
                    earlier
                ):
                    in_comment = True
                    break
                earlier = self.text.rfind("#", line_start, earlier)
            line = line_number + self.first_line
            if in_comment or (self.error_line is not None and line > self.error_line):
                continue
            message = "'#' starts a comment only after a space; add one before it"
            self.composer.report(structure.YAML_SYNTAX, line, index - line_start + 1, message)

    def _block_scalar_headers(self) -> None:
        """``key: >#note`` and an empty block scalar whose comment is out-dented."""
        if not self.composer.block_scalars:
            return
        offset = self.composer.offset
        values = self.document.values
        for path in self.composer.block_scalars:
            span = values[path]
            header = _BLOCK_HEADER().match(self.text, span.start - offset)
            if header is None:
                continue
            if self.text[header.end() : header.end() + 1] == "#":
                column = header.end() - self.line_starts[span.line - self.first_line] + 1
                message = "'#' starts a comment only after a space; add one before it"
                self.composer.report(structure.YAML_SYNTAX, span.line, column, message)
            elif not any(c.isdigit() for c in header.group(1)):
                self._empty_block_scalar(span.line)

    def _empty_block_scalar(self, header_line: int) -> None:
        widest = 0
        line = header_line + 1
        while line - self.first_line < len(self.lines):
            text = self._line(line)
            if text.strip(" "):
                break
            widest = max(widest, len(text))
            line += 1
        else:
            return
        spaces = len(text) - len(text.lstrip(" "))
        if text[spaces] == "#" and spaces < widest:
            message = f"comment indented by {spaces} spaces after blank lines of {widest} in a block scalar; YAML reads the widest blank line as its indentation"
            self.composer.report(structure.YAML_SYNTAX, line, spaces + 1, message)
