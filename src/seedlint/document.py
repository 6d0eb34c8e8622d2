"""From bytes to a :class:`SeedDocument`: decode, split the front matter, compose YAML.

The YAML is composed from libyaml's event stream rather than with a PyYAML
constructor, because the constructors rewrite what the author wrote: they turn
timestamps into ``datetime`` objects (the schema must see the text), let a
duplicate key win silently and expand aliases (exponentially, for a "billion
laughs" document). Walking the events keeps every value as written, records
the position of every key and value, and never expands or constructs anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from seedlint.catalogue import structure
from seedlint.diagnostics import Diagnostic

try:  # libyaml's C parser; the pure-Python one gives the same events, slower.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

JsonPath = tuple["str | int", ...]
MAX_DEPTH = 32
"""Deepest nesting accepted; real seeds nest four levels."""
MAX_FINDINGS_PER_KIND = 20
"""Cap on repeated structural findings in one file, so hostile input stays cheap."""

_OPENING = re.compile(r"---[ \t]*(?:\r\n|\n|\r|$)")
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_CANONICAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_CANONICAL_FLOAT = re.compile(
    r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_YAML12_NUMBER = re.compile(
    r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
)
_CORE_TAG = "tag:yaml.org,2002:"
_ACCEPTED_SCALAR_TAGS = frozenset(
    _CORE_TAG + name for name in ("str", "int", "float", "bool", "null")
)
_ACCEPTED_COLLECTION_TAGS = frozenset((_CORE_TAG + "map", _CORE_TAG + "seq"))
_RESOLVER = yaml.resolver.Resolver()


class Span(NamedTuple):
    """Where a key or value stands: 1-based line/column and 0-based text offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


@dataclass
class SeedDocument:
    """A parsed seed: plain data plus the position of every key and value.

    ``data`` holds only str, int, float, bool, None, dict and list; dates stay
    the text the author wrote. ``values``/``keys`` map a JSON path such as
    ``("related", 2, "webUrl")`` to the span of the value or of its key.
    """

    path: str
    text: str
    data: Any
    values: dict[JsonPath, Span] = field(default_factory=dict)
    keys: dict[JsonPath, Span] = field(default_factory=dict)
    styles: dict[JsonPath, str] = field(default_factory=dict)
    """Scalar style per value path: '' plain, '"', "'", '|' or '>'."""
    yaml_notes: dict[JsonPath, str] = field(default_factory=dict)
    """Why a plain scalar got a surprising type (YAML 1.1), to explain schema errors."""
    ignored: set[JsonPath] = field(default_factory=set)
    """Values replaced by None (aliases, tagged values): already reported, not re-checked."""
    has_bom: bool = False

    def position(self, path: JsonPath) -> Span:
        """The span of the value at ``path``, or of its nearest recorded ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path) or Span(1, 1, 1, 1, 0, 0)

    def key_position(self, path: JsonPath) -> Span:
        """The span of the key that holds ``path``; its value's span when there is no key."""
        return self.keys.get(path) or self.position(path)


@dataclass
class ReadResult:
    """A document (None when the file could not be parsed) and the findings from reading it."""

    document: SeedDocument | None
    diagnostics: list[Diagnostic]


def read_seed_file(path: Path, display_path: str, max_size: int) -> ReadResult:
    """Read and parse one seed file, reporting (not raising) every problem with it."""
    try:
        size = path.stat().st_size
        if size > max_size:
            message = f"file is {size:,} bytes, over the {max_size:,}-byte limit; not read"
            return ReadResult(None, [structure.TOO_LARGE.at(display_path, 1, 1, message)])
        with path.open("rb") as stream:
            # Read one byte past the limit: the file may have grown since stat().
            raw = stream.read(max_size + 1)
    except OSError as error:
        message = f"cannot read file: {error.strerror or error}"
        return ReadResult(None, [structure.NOT_TEXT.at(display_path, 1, 1, message)])
    if len(raw) > max_size:
        message = f"file is over the {max_size:,}-byte limit; not read"
        return ReadResult(None, [structure.TOO_LARGE.at(display_path, 1, 1, message)])
    return parse_seed(raw, display_path)


def parse_seed(raw: bytes, path: str = "<text>") -> ReadResult:
    """Parse the bytes of one seed file."""
    diagnostics: list[Diagnostic] = []
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if has_bom else raw
    nul = body.find(b"\x00", 0, 8192)
    if nul >= 0:
        line, column = _byte_position(body, nul)
        message = f"binary file: NUL byte at line {line}, column {column}; expected UTF-8 text"
        return ReadResult(None, [structure.NOT_TEXT.at(path, 1, 1, message)])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(body, error.start)
        message = f"byte 0x{body[error.start]:02x} is not valid UTF-8; save the file as UTF-8"
        return ReadResult(None, [structure.NOT_TEXT.at(path, line, column, message)])
    if not text.strip():
        return ReadResult(
            None, [structure.EMPTY.at(path, 1, 1, "file is empty; expected front matter")]
        )

    diagnostics.extend(_control_characters(text, path))
    if _OPENING.match(text) is None:
        message = "file does not start with a '---' line; expected YAML front matter"
        diagnostics.append(structure.MISSING_FRONT_MATTER.at(path, 1, 1, message))
        return ReadResult(None, diagnostics)
    body_start = _OPENING.match(text).end()  # type: ignore[union-attr]  # matched just above
    closing = _CLOSING.search(text, body_start)
    if closing is None:
        message = "front matter opened here is never closed by a '---' line"
        diagnostics.append(structure.UNTERMINATED_FRONT_MATTER.at(path, 1, 1, message))
        return ReadResult(None, diagnostics)

    document = SeedDocument(path=path, text=text, data=None, has_bom=has_bom)
    yaml_text = text[body_start : closing.start()]
    composer = _Composer(document, yaml_text, body_start, first_line=2)
    tab_lines = composer.report_tab_indentation()
    parsed = composer.compose()
    diagnostics.extend(composer.diagnostics)
    if composer.syntax_error is not None:
        error_line = composer.syntax_error.line
        # A tab or control character already explains a parse error on its line.
        explained = error_line in tab_lines or any(d.line == error_line for d in diagnostics)
        if not explained:
            diagnostics.append(composer.syntax_error)
        return ReadResult(None, diagnostics)
    if not parsed:
        return ReadResult(None, diagnostics)
    if document.data is None and not document.values:
        message = "front matter is empty; expected the article's keys"
        diagnostics.append(structure.EMPTY.at(path, 1, 1, message))
        return ReadResult(None, diagnostics)
    return ReadResult(document, diagnostics)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _control_characters(text: str, path: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for match in _CONTROL.finditer(text):
        if len(found) == MAX_FINDINGS_PER_KIND:
            break
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        message = f"control character U+{ord(match.group()):04X}; remove it"
        found.append(structure.CONTROL_CHARACTER.at(path, line, column, message))
    return found


class _Abort(Exception):
    """The document cannot be composed further; the reason is already a finding."""


_MISSING = object()


class _Composer:
    """Builds plain data from libyaml events, recording positions and findings."""

    def __init__(
        self, document: SeedDocument, yaml_text: str, offset: int, first_line: int
    ) -> None:
        self.document = document
        self.yaml_text = yaml_text
        self.offset = offset
        self.first_line = first_line
        self.diagnostics: list[Diagnostic] = []
        self.syntax_error: Diagnostic | None = None
        self._counts: dict[str, int] = {}

    def report_tab_indentation(self) -> set[int]:
        lines = set()
        for match in _TAB_INDENT.finditer(self.yaml_text):
            line = self.yaml_text.count("\n", 0, match.start()) + self.first_line
            column = match.end() - match.start()
            lines.add(line)
            self._report(
                structure.TAB_INDENTATION,
                line,
                column,
                "indented with a tab; YAML allows only spaces",
            )
        return lines

    def _report(self, rule: Any, line: int, column: int, message: str) -> None:
        count = self._counts.get(rule.code, 0)
        self._counts[rule.code] = count + 1
        if count < MAX_FINDINGS_PER_KIND:
            self.diagnostics.append(rule.at(self.document.path, line, column, message))

    def _span(self, event: Any, end_event: Any = None) -> Span:
        start, end = event.start_mark, (end_event or event).end_mark
        return Span(
            start.line + self.first_line,
            start.column + 1,
            end.line + self.first_line,
            end.column + 1,
            start.index + self.offset,
            end.index + self.offset,
        )

    def compose(self) -> bool:
        """Walk the events; False when the document could not be composed."""
        loader = _Loader(self.yaml_text)
        try:
            self._walk(loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = (mark.line if mark else 0) + self.first_line
            column = (mark.column if mark else 0) + 1
            problem = error.problem or "invalid YAML"
            context = f" {error.context}" if error.context else ""
            self.syntax_error = structure.YAML_SYNTAX.at(
                self.document.path, line, column, f"{problem}{context}"
            )
            return False
        except yaml.reader.ReaderError as error:  # a character YAML forbids, by offset
            offset = max(error.position, 0)
            line = self.yaml_text.count("\n", 0, offset) + self.first_line
            column = offset - (self.yaml_text.rfind("\n", 0, offset) + 1) + 1
            message = f"character U+{error.character:04X} is not allowed in YAML"
            self.syntax_error = structure.YAML_SYNTAX.at(self.document.path, line, column, message)
            return False
        except yaml.YAMLError as error:
            message = str(error).splitlines()[0]
            self.syntax_error = structure.YAML_SYNTAX.at(self.document.path, 1, 1, message)
            return False
        except _Abort:
            return False
        finally:
            loader.dispose()
        return True

    def _walk(self, loader: Any) -> None:
        doc = self.document
        # Each frame: [container, path, pending key or _MISSING, start event]
        stack: list[list[Any]] = []
        documents = 0
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self._report(
                        structure.YAML_SYNTAX,
                        *self._span(event)[:2],
                        "more than one YAML document in the front matter",
                    )
                    raise _Abort
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                _, done_path, _, start_event = stack.pop()
                doc.values[done_path] = self._span(start_event, event)
                continue
            if kind not in (
                yaml.ScalarEvent,
                yaml.MappingStartEvent,
                yaml.SequenceStartEvent,
                yaml.AliasEvent,
            ):
                continue  # stream and document boundaries

            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent[0], dict) and parent[2] is _MISSING:
                self._take_key(event, parent)
                continue
            if parent is None:
                path: JsonPath = ()
            elif isinstance(parent[0], dict):
                path = parent[1] + (parent[2],)
            else:
                path = parent[1] + (len(parent[0]),)
            span = self._span(event)
            value = self._value(event, path, span, stack)
            if parent is None:
                doc.data = value
            elif isinstance(parent[0], dict):
                self._assign(parent, value, span)
            else:
                parent[0].append(value)
            doc.values[path] = span  # a collection's span is completed at its end event

    def _take_key(self, event: Any, frame: list[Any]) -> None:
        if type(event) is not yaml.ScalarEvent:
            line, column = self._span(event)[:2]
            self._report(
                structure.NON_STRING_KEY,
                line,
                column,
                "a collection is used as a mapping key; expected a plain name",
            )
            raise _Abort
        if event.anchor:
            self._anchor(event)
        frame[2] = event.value
        frame.append(self._span(event))  # key span, consumed by _assign

    def _assign(self, frame: list[Any], value: Any, span: Span) -> None:
        container, path, key = frame[0], frame[1], frame[2]
        key_span: Span = frame.pop()
        key_path = (*path, key)
        if key in container:
            first = self.document.keys[key_path]
            message = f'duplicate key "{key}" (first defined at line {first.line}); PyYAML would silently keep this one'
            self._report(structure.DUPLICATE_KEY, key_span.line, key_span.column, message)
        container[key] = value
        self.document.keys[key_path] = key_span
        frame[2] = _MISSING

    def _anchor(self, event: Any) -> None:
        line, column = self._span(event)[:2]
        self._report(
            structure.ANCHOR_ALIAS,
            line,
            column,
            f"anchor &{event.anchor} is not allowed in seeds; write the value out",
        )

    def _value(self, event: Any, path: JsonPath, span: Span, stack: list[list[Any]]) -> Any:
        kind = type(event)
        if kind is yaml.AliasEvent:
            message = f"alias *{event.anchor} is not allowed in seeds and is not expanded; write the value out"
            self._report(structure.ANCHOR_ALIAS, span.line, span.column, message)
            self.document.ignored.add(path)
            return None
        if event.anchor:
            self._anchor(event)
        if kind is yaml.ScalarEvent:
            return self._scalar(event, path, span)
        if len(stack) >= MAX_DEPTH:
            self._report(
                structure.TOO_DEEP,
                span.line,
                span.column,
                f"nesting deeper than {MAX_DEPTH} levels; not checked further",
            )
            raise _Abort
        container: Any = {} if kind is yaml.MappingStartEvent else []
        tag = event.tag
        accepted = tag is None or tag == "!" or tag in _ACCEPTED_COLLECTION_TAGS
        if not accepted:
            self._report(
                structure.CUSTOM_TAG,
                span.line,
                span.column,
                f"tag {_short_tag(tag)} is not allowed; the value is ignored",
            )
        if not accepted:
            self.document.ignored.add(path)
        stack.append([container, path, _MISSING, event])
        return container if accepted else None

    def _scalar(self, event: Any, path: JsonPath, span: Span) -> Any:
        value: str = event.value
        style = event.style or ""
        self.document.styles[path] = style
        tag = event.tag
        if tag is not None and tag != "!":
            if tag not in _ACCEPTED_SCALAR_TAGS:
                self._report(
                    structure.CUSTOM_TAG,
                    span.line,
                    span.column,
                    f"tag {_short_tag(tag)} is not allowed; the value is ignored",
                )
                self.document.ignored.add(path)
                return None
            return self._construct(tag, value, path, span, explicit=True)
        if style or not event.implicit[0]:
            return value  # quoted and block scalars are always text
        # PyYAML's resolver is untyped; it maps a plain scalar to its YAML 1.1 tag.
        resolved: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        return self._construct(
            resolved,
            value,
            path,
            span,
            explicit=False,
        )

    def _construct(
        self, tag: str, value: str, path: JsonPath, span: Span, *, explicit: bool
    ) -> Any:
        name = tag.removeprefix(_CORE_TAG)
        if name == "null":
            return None
        if name == "bool":
            meaning = value.lower() in ("yes", "true", "on")
            if value.lower() not in ("true", "false"):
                self._ambiguous(
                    path,
                    span,
                    f"plain {value} is read as the boolean {str(meaning).lower()} by YAML 1.1 (PyYAML) but as text by YAML 1.2; quote it if you mean text",
                )
            return meaning
        if name == "int":
            try:
                number = _yaml11_int(value)
            except ValueError:
                return value
            if not explicit and not _CANONICAL_INT.fullmatch(value):
                self._ambiguous(
                    path,
                    span,
                    f"plain {value} is read as the integer {number} by YAML 1.1 (PyYAML), differently by YAML 1.2; quote it or write {number}",
                )
            return number
        if name == "float":
            try:
                real = _yaml11_float(value)
            except ValueError:
                return value
            if not explicit and not _CANONICAL_FLOAT.fullmatch(value):
                self._ambiguous(
                    path,
                    span,
                    f"plain {value} is read as the number {real} by YAML 1.1 (PyYAML), differently by YAML 1.2; quote it or write {real}",
                )
            return real
        if name == "str" and not explicit and _YAML12_NUMBER.fullmatch(value):
            self._ambiguous(
                path,
                span,
                f"plain {value} is text to YAML 1.1 (PyYAML) but a number to YAML 1.2 readers; quote it if you mean text",
            )
        # Timestamps deliberately stay text: the schema and date rules judge what was written.
        return value

    def _ambiguous(self, path: JsonPath, span: Span, message: str) -> None:
        value = self.yaml_text[span.start - self.offset : span.end - self.offset]
        self.document.yaml_notes[path] = f"YAML 1.1 reads the plain {value} this way; quote it"
        self._report(structure.AMBIGUOUS_SCALAR, span.line, span.column, message)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag


def _yaml11_int(text: str) -> int:
    """Read an integer the way YAML 1.1 (and so PyYAML) does."""
    value = text.replace("_", "")
    sign = -1 if value.startswith("-") else 1
    value = value.lstrip("+-")
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if ":" in value:
        number = 0
        for part in value.split(":"):
            number = number * 60 + int(part)
        return sign * number
    if value != "0" and value.startswith("0"):
        return sign * int(value, 8)
    return sign * int(value)


def _yaml11_float(text: str) -> float:
    """Read a float the way YAML 1.1 (and so PyYAML) does."""
    value = text.replace("_", "").lower()
    sign = -1.0 if value.startswith("-") else 1.0
    value = value.lstrip("+-")
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    if ":" in value:
        number = 0.0
        for part in value.split(":"):
            number = number * 60 + float(part)
        return sign * number
    return sign * float(value)
