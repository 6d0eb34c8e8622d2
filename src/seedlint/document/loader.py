"""The YAML event source: libyaml's C parser, or a pure-Python parser that agrees with it.

PyYAML's pure-Python scanner and libyaml disagree on a handful of inputs, mostly
about tabs (libyaml accepts ``a: b<tab>`` and ``---<tab>x``; the Python scanner
rejects every tab between tokens), a ``?`` inside a flow plain scalar, and
directives. seedlint's findings must not depend on whether PyYAML was built with
libyaml, so the fallback scanner below follows libyaml's rules where they differ.
The overrides mirror PyYAML's own methods (MIT licence), changed as commented.
"""

# PyYAML's scanner is untyped; the overrides below call its helpers.
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from typing import Any

import yaml
from yaml.scanner import ScannerError
from yaml.tokens import DirectiveToken, ScalarToken, TagToken

from seedlint.patterns import lazy_pattern

_BLANK_OR_BREAK = "\0 \t\r\n\x85\u2028\u2029"
_BREAK = "\r\n\x85\u2028\u2029"
_URI_CHARACTERS = "-;/?:@&=+$_.!~*'()%"
"""Besides letters and digits; a verbatim tag (``!<...>``) also allows ``,[]``."""


class CompatibleSafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, scanning the way libyaml does."""

    def scan_to_next_token(self) -> None:
        # libyaml skips tabs too, except where a simple key may start a block line.
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _BREAK:
                    self.forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain(self) -> ScalarToken:
        # As PyYAML's, but '?' does not end a flow plain scalar, and ':' followed by
        # a flow indicator is an error (libyaml's "found unexpected ':'").
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] | None = []
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                ch = self.peek(length)
                if self.flow_level and ch == ":" and self.peek(length + 1) in ",?[]{}":
                    self.forward(length)
                    raise ScannerError(
                        "while scanning a plain scalar",
                        start_mark,
                        "found unexpected ':'",
                        self.get_mark(),
                    )
                if (
                    ch in _BLANK_OR_BREAK
                    or (ch == ":" and self.peek(length + 1) in _BLANK_OR_BREAK)
                    or (self.flow_level and ch in ",[]{}")
                ):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces or ())
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or self.peek() == "#" or (not self.flow_level and self.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str] | None:
        # As PyYAML's, but tabs are blanks, except a tab that stands in the indentation.
        chunks: list[str] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        ch = self.peek()
        if ch in _BREAK:
            line_break = self.scan_line_break()
            self.allow_simple_key = True
            if self._at_document_marker():
                return None
            breaks = []
            while self.peek() in " \t" + _BREAK:
                if self.peek() == "\t" and self.column < indent:
                    raise ScannerError(
                        "while scanning a plain scalar",
                        start_mark,
                        "found a tab character that violates indentation",
                        self.get_mark(),
                    )
                if self.peek() in " \t":
                    self.forward()
                else:
                    breaks.append(self.scan_line_break())
                    if self._at_document_marker():
                        return None
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def _at_document_marker(self) -> bool:
        prefix = self.prefix(3)
        return prefix in ("---", "...") and self.peek(3) in _BLANK_OR_BREAK

    def scan_block_scalar_indicators(self, start_mark: Any) -> tuple[bool | None, int | None]:
        # As PyYAML's, but a tab or a '#' may follow the indicators (libyaml).
        chomping: bool | None = None
        increment: int | None = None
        for _ in range(2):
            ch = self.peek()
            if ch in "+-" and chomping is None:
                chomping = ch == "+"
            elif ch in "0123456789" and increment is None:
                increment = int(ch)
                if increment == 0:
                    raise ScannerError(
                        "while scanning a block scalar",
                        start_mark,
                        "expected indentation indicator in the range 1-9, but found 0",
                        self.get_mark(),
                    )
            else:
                break
            self.forward()
        if self.peek() not in _BLANK_OR_BREAK + "#":
            raise ScannerError(
                "while scanning a block scalar",
                start_mark,
                f"expected chomping or indentation indicators, but found {self.peek()!r}",
                self.get_mark(),
            )
        return chomping, increment

    def scan_block_scalar_ignored_line(self, start_mark: Any) -> None:
        # As PyYAML's, but tabs are blanks here too (libyaml).
        while self.peek() in " \t":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0" + _BREAK:
                self.forward()
        if self.peek() not in "\0" + _BREAK:
            raise ScannerError(
                "while scanning a block scalar",
                start_mark,
                f"expected a comment or a line break, but found {self.peek()!r}",
                self.get_mark(),
            )
        self.scan_line_break()

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, Any]:
        # As PyYAML's, but a tab where the indentation is still being detected is an error.
        chunks: list[str] = []
        max_indent = 0
        end_mark = self.get_mark()
        while self.peek() in " " + _BREAK:
            if self.peek() != " ":
                chunks.append(self.scan_line_break())
                end_mark = self.get_mark()
            else:
                self.forward()
                max_indent = max(max_indent, self.column)
        self._reject_indentation_tab()
        return chunks, max_indent, end_mark

    def scan_block_scalar_breaks(self, indent: int) -> tuple[list[str], Any]:
        # As PyYAML's, but a tab inside the indentation is an error.
        chunks: list[str] = []
        end_mark = self.get_mark()
        while self.column < indent and self.peek() == " ":
            self.forward()
        if self.column < indent:
            self._reject_indentation_tab()
        while self.peek() in _BREAK:
            chunks.append(self.scan_line_break())
            end_mark = self.get_mark()
            while self.column < indent and self.peek() == " ":
                self.forward()
            if self.column < indent:
                self._reject_indentation_tab()
        return chunks, end_mark

    def _reject_indentation_tab(self) -> None:
        if self.peek() == "\t":
            raise ScannerError(
                "while scanning a block scalar",
                None,
                "found a tab character where an indentation space is expected",
                self.get_mark(),
            )

    def scan_tag(self) -> TagToken:
        # As PyYAML's, but a shorthand tag ends at ',', '[' or ']' (libyaml), and may
        # be followed by ',' inside a flow collection.
        start_mark = self.get_mark()
        handle: str | None
        if self.peek(1) == "<":
            handle = None
            self.forward(2)
            suffix = self._tag_uri(start_mark, verbatim=True)
            if self.peek() != ">":
                raise ScannerError(
                    "while parsing a tag",
                    start_mark,
                    f"expected '>', but found {self.peek()!r}",
                    self.get_mark(),
                )
            self.forward()
        elif self.peek(1) in _BLANK_OR_BREAK:
            handle, suffix = None, "!"
            self.forward()
        else:
            length, ch = 1, self.peek(1)
            while ch not in "\0 \r\n\x85\u2028\u2029" and ch != "!":
                length += 1
                ch = self.peek(length)
            if ch == "!":
                handle = self.scan_tag_handle("tag", start_mark)
            else:
                handle = "!"
                self.forward()
            suffix = self._tag_uri(start_mark, verbatim=False)
        ch = self.peek()
        if ch not in _BLANK_OR_BREAK and not (self.flow_level and ch == ","):
            raise ScannerError(
                "while scanning a tag",
                start_mark,
                "did not find expected whitespace or line break",
                self.get_mark(),
            )
        return TagToken((handle, suffix), start_mark, self.get_mark())

    def _tag_uri(self, start_mark: Any, *, verbatim: bool) -> str:
        allowed = _URI_CHARACTERS + (",[]" if verbatim else "")
        chunks: list[str] = []
        length = 0
        ch = self.peek(length)
        while ch.isascii() and (ch.isalnum() or ch in allowed):
            if ch == "%":
                chunks.append(self.prefix(length))
                self.forward(length)
                length = 0
                chunks.append(self.scan_uri_escapes("tag", start_mark))
            else:
                length += 1
            ch = self.peek(length)
        if length:
            chunks.append(self.prefix(length))
            self.forward(length)
        if not chunks:
            raise ScannerError(
                "while parsing a tag",
                start_mark,
                f"expected URI, but found {ch!r}",
                self.get_mark(),
            )
        return "".join(chunks)

    def scan_directive(self) -> DirectiveToken:
        # libyaml knows only %YAML 1.1/1.2 and %TAG, and allows tabs before values.
        start_mark = self.get_mark()
        self.forward()
        name = self.scan_directive_name(start_mark)
        if name not in ("YAML", "TAG"):
            raise ScannerError(
                "while scanning a directive",
                start_mark,
                "found unknown directive name",
                self.get_mark(),
            )
        while self.peek() in " \t":
            self.forward()
        value: tuple[Any, Any]
        if name == "YAML":
            value = self.scan_yaml_directive_value(start_mark)
            if value[0] != 1 or value[1] not in (1, 2):
                raise ScannerError(None, None, "found incompatible YAML document", start_mark)
        else:
            value = self.scan_tag_directive_value(start_mark)
        end_mark = self.get_mark()
        self.scan_directive_ignored_line(start_mark)
        return DirectiveToken(name, value, start_mark, end_mark)


_LIBYAML_WORDING = [
    (lazy_pattern(pattern), replacement)
    for pattern, replacement in (
        (
            r"expected ',' or '([}\]])', but got .* while parsing a flow (mapping|sequence)",
            r"did not find expected ',' or '\1' while parsing a flow \2",
        ),
        (
            r"mapping (values|keys) are not allowed here",
            r"mapping \1 are not allowed in this context",
        ),
        (
            r"^sequence entries are not allowed here",
            "block sequence entries are not allowed in this context",
        ),
        (
            r"found character .* that cannot start any token",
            "found character that cannot start any token",
        ),
        (
            r"expected <block end>, but found .* while parsing a block mapping",
            "did not find expected key while parsing a block mapping",
        ),
        (
            r"expected <block end>, but found .* while parsing a block collection",
            "did not find expected '-' indicator while parsing a block collection",
        ),
        (r"expected '<document start>', but found .*", "did not find expected <document start>"),
        (
            r"expected the node content, but found .* while parsing a (flow|block) node",
            r"did not find expected node content while parsing a \1 node",
        ),
        (r"found unexpected document separator", "found unexpected document indicator"),
        (
            r"expected indentation indicator in the range 1-9, but found 0",
            "found an indentation indicator equal to 0",
        ),
        (
            r"expected chomping or indentation indicators, but found .* while scanning a block scalar",
            "did not find expected comment or line break while scanning a block scalar",
        ),
        (
            r"expected a comment or a line break, but found .* while scanning a (block scalar|directive)",
            r"did not find expected comment or line break while scanning a \1",
        ),
        (
            r"expected alphabetic or numeric character, but found .* while scanning an (anchor|alias)",
            r"did not find expected alphabetic or numeric character while scanning an \1",
        ),
        (
            r"expected alphabetic or numeric character, but found .* while scanning a directive",
            "could not find expected directive name while scanning a directive",
        ),
        (
            r"found unknown escape character .* while scanning a double-quoted scalar",
            "found unknown escape character while parsing a quoted scalar",
        ),
        (r"found duplicate YAML directive", "found duplicate %YAML directive"),
        (
            r"expected ' ', but found .* while scanning a tag",
            "did not find expected whitespace or line break while scanning a tag",
        ),
    )
]


def libyaml_wording(message: str) -> str:
    """A pure-Python parser error message in libyaml's words, so findings do not depend on the build."""
    for pattern, replacement in _LIBYAML_WORDING:
        message = pattern().sub(replacement, message)
    return message


FastLoader: type[Any] = CompatibleSafeLoader
"""libyaml's C parser when PyYAML was built with it: the same events, several times faster."""
if yaml.__with_libyaml__:
    FastLoader = yaml.CSafeLoader

LOADERS: dict[str, type[Any]] = {"libyaml": FastLoader, "python": CompatibleSafeLoader}
"""Both event sources, for tests that check they agree."""


def words_like_libyaml(loader: type[Any]) -> bool:
    """Whether ``loader``'s error messages need :func:`libyaml_wording`."""
    return issubclass(loader, CompatibleSafeLoader)
