"""Plain data from libyaml's event stream, with the position of every key and value.

The YAML is composed from events rather than with a PyYAML constructor,
because the constructors rewrite what the author wrote: they turn timestamps
into ``datetime`` objects (the schema must see the text), let a duplicate key
win silently and expand aliases (exponentially, for a "billion laughs"
document). Walking the events keeps every value as written, records the
position of every key and value, and never expands or constructs anything.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from seedlint.catalogue import structure
from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic
from seedlint.document import yaml11
from seedlint.document.loader import FastLoader, libyaml_wording, words_like_libyaml
from seedlint.document.model import (
    MAX_DEPTH,
    MAX_FINDINGS_PER_KIND,
    JsonPath,
    Marks,
    SeedDocument,
    Span,
    make_span,
)

_ACCEPTED_SCALAR_TAGS = frozenset(
    yaml11.CORE_TAG + name for name in ("str", "int", "float", "bool", "null")
)
_ACCEPTED_COLLECTION_TAGS = frozenset((yaml11.CORE_TAG + "map", yaml11.CORE_TAG + "seq"))
# First characters of a plain scalar that need a closer look: YAML 1.1 may read
# it as something other than text, or it is an indicator that cannot start one.
_LOOK_CLOSER = frozenset(yaml11.RESOLVER_FIRST_CHARACTERS) | {"?", ":"}
_MISSING: Any = object()
_PLAIN_READINGS: dict[str, tuple[Any, yaml11.Ambiguity | None]] = {}
"""Recent one-line plain scalars and what YAML 1.1 makes of them (:meth:`Composer._plain`):
seeds repeat the same numbers, booleans and words, and every reading is immutable."""
_PLAIN_READINGS_LIMIT = 4096


class _Abort(Exception):
    """The document cannot be composed further; the reason is already a finding."""


class _Frame:
    """An open mapping or sequence while its events are walked."""

    __slots__ = ("container", "flow", "is_mapping", "key", "key_marks", "path", "start_mark")

    def __init__(
        self, container: Any, path: JsonPath, start_mark: Any, is_mapping: bool, flow: bool
    ) -> None:
        self.container = container
        """The dict or list being filled (a throwaway one for an ignored, tagged collection)."""
        self.path = path
        self.start_mark = start_mark
        self.is_mapping = is_mapping
        self.flow = flow
        self.key: Any = _MISSING
        """The key read and waiting for its value; ``_MISSING`` between entries."""
        self.key_marks: Marks | None = None


class Composer:
    """Builds plain data from parser events, recording positions and findings."""

    def __init__(
        self,
        document: SeedDocument,
        yaml_text: str,
        offset: int,
        first_line: int,
        loader: type[Any] = FastLoader,
    ) -> None:
        self.document = document
        self.yaml_text = yaml_text
        self.offset = offset
        self.first_line = first_line
        self.loader = loader
        self.diagnostics: list[Diagnostic] = []
        self.syntax_error: Diagnostic | None = None
        self.multiline: list[JsonPath] = []
        """Flow scalars and flow collections that span lines, for the indentation check."""
        self.flow: set[JsonPath] = set()
        """Paths of flow collections (``[...]``, ``{...}``)."""
        self.block_scalars: list[JsonPath] = []
        self._counts: dict[str, int] = {}
        self._plain_texts = True
        """No duplicate key, alias, anchor or tag so far: ``document.texts`` can be trusted."""
        document.span_base = (first_line, offset)

    def report(self, rule: Rule, line: int, column: int, message: str) -> None:
        """Add a finding unless this rule already has its cap of findings in the file."""
        count = self._counts.get(rule.code, 0)
        self._counts[rule.code] = count + 1
        if count < MAX_FINDINGS_PER_KIND:
            self.diagnostics.append(rule.at(self.document.path, line, column, message))

    def _span(self, event: Any) -> Span:
        return make_span((event.start_mark, event.end_mark), self.document.span_base)

    def compose(self) -> bool:
        """Walk the events; False when the document could not be composed."""
        loader = None
        try:
            # The pure-Python reader checks every character as it is built.
            loader = self.loader(self.yaml_text)
            self._walk(loader)
            self.document.forget_spans()  # any made while the marks were incomplete
            if self._plain_texts:
                self.document.texts_complete = True
            else:  # the rules walk the data for each string they ask about
                self.document.texts.clear()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = (mark.line if mark else 0) + self.first_line
            column = (mark.column if mark else 0) + 1
            problem = error.problem or "invalid YAML"
            context = f" {error.context}" if error.context else ""
            message = f"{problem}{context}"
            if words_like_libyaml(self.loader):
                message = libyaml_wording(message)
                if message.startswith("found unknown escape character"):
                    column -= 1  # libyaml points at the backslash, PyYAML just past it
            self.syntax_error = structure.YAML_SYNTAX.at(self.document.path, line, column, message)
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
            if loader is not None:
                loader.dispose()
        return True

    def _walk(self, loader: Any) -> None:
        # The hot loop of reading a seed: locals instead of attribute look-ups,
        # marks kept as they come (spans are made when asked for), and the common
        # plain scalar handled inline.
        doc = self.document
        values, keys, styles, texts = doc.value_marks, doc.key_marks, doc.styles, doc.texts
        look_closer = _LOOK_CLOSER
        get_event = loader.get_event
        stack: list[_Frame] = []
        documents = 0
        while True:
            event = get_event()
            kind = event.__class__
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                start, end = frame.start_mark, event.end_mark
                values[frame.path] = (start, end)
                if frame.flow and start.line != end.line:
                    self.multiline.append(frame.path)
                continue
            if kind is not ScalarEvent and kind is not MappingStartEvent:
                if kind is StreamEndEvent:
                    return
                if kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        line, column = self._span(event)[:2]
                        message = "more than one YAML document in the front matter"
                        self.report(structure.YAML_SYNTAX, line, column, message)
                        raise _Abort
                    continue
                if kind is not SequenceStartEvent and kind is not AliasEvent:
                    continue  # stream and document boundaries

            parent = stack[-1] if stack else None
            if parent is None:
                path: JsonPath = ()
            elif parent.is_mapping:
                if parent.key is _MISSING:
                    if kind is ScalarEvent and not event.anchor:
                        parent.key = event.value
                        parent.key_marks = (event.start_mark, event.end_mark)
                    else:
                        self._take_key(event, parent)
                    continue
                path = (*parent.path, parent.key)
            else:
                path = (*parent.path, len(parent.container))
            start, end = event.start_mark, event.end_mark
            marks = (start, end)
            if kind is ScalarEvent and event.tag is None and not event.anchor:
                style = event.style or ""
                styles[path] = style
                value = event.value
                if style:
                    texts[path] = value
                    if style in "|>":
                        self.block_scalars.append(path)
                    elif start.line != end.line:
                        self.multiline.append(path)
                elif value[:1] in look_closer or start.line != end.line:
                    reading = _PLAIN_READINGS.get(value) if start.line == end.line else None
                    if reading is None:
                        value = self._plain(value, path, marks)
                    else:
                        value, ambiguity = reading
                        if ambiguity is not None:
                            doc.ambiguities[path] = ambiguity
                    if value.__class__ is str:
                        texts[path] = value
                else:  # a plain scalar no YAML 1.1 rule can read as anything but text
                    texts[path] = value
            elif (
                kind is not ScalarEvent
                and kind is not AliasEvent
                and event.tag is None
                and not event.anchor
                and len(stack) < MAX_DEPTH
            ):  # a plain collection opens (as _value does it, inline)
                is_mapping = kind is MappingStartEvent
                value = {} if is_mapping else []
                flow = bool(event.flow_style)
                if flow:
                    self.flow.add(path)
                stack.append(_Frame(value, path, start, is_mapping, flow))
            else:
                value = self._value(event, path, marks, stack)
            if parent is None:
                doc.data = value
            elif parent.is_mapping:
                container = parent.container
                key = parent.key
                key_marks: Marks = parent.key_marks  # type: ignore[assignment]  # set with the key
                if key in container:
                    self._duplicate_key(key, keys[path], key_marks)
                container[key] = value
                keys[path] = key_marks
                parent.key = _MISSING
            else:
                parent.container.append(value)
            values[path] = marks  # a collection's are completed at its end event

    def _duplicate_key(self, key: str, first: Marks, again: Marks) -> None:
        self._plain_texts = False
        base = self.document.span_base
        line = make_span(first, base).line
        span = make_span(again, base)
        message = f'duplicate key "{key}" (first defined at line {line}); PyYAML would silently keep this one'
        self.report(structure.DUPLICATE_KEY, span.line, span.column, message)

    def _take_key(self, event: Any, frame: _Frame) -> None:
        kind = type(event)
        if kind is AliasEvent:
            line, column = self._span(event)[:2]
            message = f"alias *{event.anchor} is used as a mapping key; aliases are not allowed in seeds, write the key out"
            self.report(structure.ANCHOR_ALIAS, line, column, message)
            raise _Abort
        if kind is not ScalarEvent:
            line, column = self._span(event)[:2]
            message = "a collection is used as a mapping key; expected a plain name"
            self.report(structure.NON_STRING_KEY, line, column, message)
            raise _Abort
        if event.anchor:
            self._anchor(event)
        frame.key = event.value
        frame.key_marks = (event.start_mark, event.end_mark)

    def _anchor(self, event: Any) -> None:
        line, column = self._span(event)[:2]
        message = f"anchor &{event.anchor} is not allowed in seeds; write the value out"
        self.report(structure.ANCHOR_ALIAS, line, column, message)

    def _value(self, event: Any, path: JsonPath, marks: Marks, stack: list[_Frame]) -> Any:
        """An alias, a collection's start, or a scalar with a tag or an anchor."""
        span = make_span(marks, self.document.span_base)
        kind = type(event)
        if (kind is not MappingStartEvent and kind is not SequenceStartEvent) or event.anchor:
            self._plain_texts = False  # an alias, an anchor or a tagged scalar
        if kind is AliasEvent:
            message = f"alias *{event.anchor} is not allowed in seeds and is not expanded; write the value out"
            self.report(structure.ANCHOR_ALIAS, span.line, span.column, message)
            self.document.ignored.add(path)
            return None
        if event.anchor:
            self._anchor(event)
        if kind is ScalarEvent:
            return self._scalar(event, path, span)
        if len(stack) >= MAX_DEPTH:
            message = f"nesting deeper than {MAX_DEPTH} levels; not checked further"
            self.report(structure.TOO_DEEP, span.line, span.column, message)
            raise _Abort
        is_mapping = kind is MappingStartEvent
        container: Any = {} if is_mapping else []
        tag = event.tag
        accepted = tag is None or tag == "!" or tag in _ACCEPTED_COLLECTION_TAGS
        flow = bool(event.flow_style)
        if flow:
            self.flow.add(path)
        stack.append(_Frame(container, path, event.start_mark, is_mapping, flow))
        if accepted:
            return container
        message = f"tag {_short_tag(tag)} is not allowed; the value is ignored"
        self.report(structure.CUSTOM_TAG, span.line, span.column, message)
        self.document.ignored.add(path)
        self._plain_texts = False
        return None

    def _scalar(self, event: Any, path: JsonPath, span: Span) -> Any:
        value: str = event.value
        style = event.style or ""
        self.document.styles[path] = style
        if style in ("|", ">"):
            self.block_scalars.append(path)
        elif style and span.line != span.end_line:
            self.multiline.append(path)
        tag = event.tag
        if tag is not None and tag != "!":
            if tag not in _ACCEPTED_SCALAR_TAGS:
                message = f"tag {_short_tag(tag)} is not allowed; the value is ignored"
                self.report(structure.CUSTOM_TAG, span.line, span.column, message)
                self.document.ignored.add(path)
                return None
            data, _ = yaml11.construct(tag.removeprefix(yaml11.CORE_TAG), value, explicit=True)
            return data
        if style or tag == "!":
            return value  # quoted and block scalars, and the non-specific tag, are text
        return self._plain(value, path, span)

    def _plain(self, value: str, path: JsonPath, marks: Marks | Span) -> Any:
        """A plain scalar read the YAML 1.1 way, noting where YAML 1.2 disagrees."""
        if isinstance(marks, Span):
            remember = marks.line == marks.end_line
        else:
            remember = marks[0].line == marks[1].line
        if not remember:
            self.multiline.append(path)
        if value and value[0] in "-?:" and (len(value) == 1 or value[1] in " \t"):
            span = marks if isinstance(marks, Span) else make_span(marks, self.document.span_base)
            message = f"plain {value[0]!r} cannot start a value; quote it"
            self.report(structure.YAML_SYNTAX, span.line, span.column, message)
            remember = False  # the finding must be made each time
        data, ambiguity = yaml11.construct(yaml11.resolve_plain(value), value, explicit=False)
        if ambiguity is not None:
            self.document.ambiguities[path] = ambiguity
        if remember:
            if len(_PLAIN_READINGS) >= _PLAIN_READINGS_LIMIT:
                _PLAIN_READINGS.clear()
            _PLAIN_READINGS[value] = (data, ambiguity)
        return data


def _short_tag(tag: str) -> str:
    core = yaml11.CORE_TAG
    return "!!" + tag.removeprefix(core) if tag.startswith(core) else tag
