"""What reading a seed produces: the document, its positions, and the findings."""

from __future__ import annotations

from typing import Any, NamedTuple

from seedlint.diagnostics import Diagnostic
from seedlint.document.yaml11 import Ambiguity

JsonPath = tuple["str | int", ...]
MAX_DEPTH = 32
"""Deepest nesting accepted; real seeds nest four levels."""
MAX_FINDINGS_PER_KIND = 20
"""Cap on repeated structural findings in one file, so hostile input stays cheap."""


class Span(NamedTuple):
    """Where a key or value stands: 1-based line/column and 0-based text offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


Marks = tuple[Any, Any]
"""The start and end marks libyaml gives a key or value (``line``, ``column``, ``index``)."""


class SeedDocument:
    """A parsed seed: plain data plus the position of every key and value.

    ``data`` holds only str, int, float, bool, None, dict and list; dates stay
    the text the author wrote. ``values``/``keys`` map a JSON path such as
    ``("related", 2, "webUrl")`` to the span of the value or of its key.
    The composer fills it in place. (A plain class: a dataclass would cost every
    run's start most of a millisecond for methods nothing uses.)

    The composer records libyaml's marks (``value_marks``, ``key_marks``); the
    spans are made from them when first asked for: most seeds are clean and need
    the position of a few values at most (:meth:`value_span`), and making a span
    for each of a seed's ~150 keys and values was a sixth of reading it.
    """

    __slots__ = (
        "_keys",
        "_values",
        "ambiguities",
        "data",
        "has_bom",
        "ignored",
        "key_marks",
        "path",
        "span_base",
        "styles",
        "text",
        "texts",
        "texts_complete",
        "value_marks",
    )

    def __init__(self, path: str, text: str, data: Any, *, has_bom: bool = False) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.value_marks: dict[JsonPath, Marks] = {}
        self.key_marks: dict[JsonPath, Marks] = {}
        self.span_base = (1, 0)
        """The line of the YAML's first line and its offset in ``text`` (marks count from 0)."""
        self._values: dict[JsonPath, Span] | None = None
        self._keys: dict[JsonPath, Span] | None = None
        self.styles: dict[JsonPath, str] = {}
        """Scalar style per value path: '' plain, '"', "'", '|' or '>'."""
        self.ambiguities: dict[JsonPath, Ambiguity] = {}
        """Plain scalars YAML 1.1 and YAML 1.2 read differently (S013, and to explain type errors)."""
        self.ignored: set[JsonPath] = set()
        """Values replaced by None (aliases, tagged values): already reported, not re-checked."""
        self.has_bom = has_bom
        self.texts: dict[JsonPath, str | None] = {}
        """The string at each path (``rules.fields.text_at``): filled by the composer, or
        by the rules path by path when the composer could not vouch for it."""
        self.texts_complete = False
        """``texts`` holds every string value of ``data`` (the composer set it): a path
        missing from it holds no string. Never true with duplicate keys, aliases, tags
        or anchors, where ``data`` is not simply the values as written."""

    @property
    def values(self) -> dict[JsonPath, Span]:
        """The span of each value, by path (made from the marks on first use)."""
        if self._values is None:
            self._values = _spans(self.value_marks, self.span_base)
        return self._values

    @property
    def keys(self) -> dict[JsonPath, Span]:
        """The span of each key, by the path of its value (made from the marks on first use)."""
        if self._keys is None:
            self._keys = _spans(self.key_marks, self.span_base)
        return self._keys

    def value_span(self, path: JsonPath) -> Span | None:
        """``values.get(path)``, without making the spans of the other values."""
        if self._values is not None:
            return self._values.get(path)
        marks = self.value_marks.get(path)
        return None if marks is None else make_span(marks, self.span_base)

    def forget_spans(self) -> None:
        """Drop spans made before the marks were complete (the composer, once done)."""
        self._values = self._keys = None

    def __repr__(self) -> str:
        return f"SeedDocument(path={self.path!r}, data={self.data!r})"

    def position(self, path: JsonPath) -> Span:
        """The span of the value at ``path``, or of its nearest recorded ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path) or Span(1, 1, 1, 1, 0, 0)

    def yaml_note(self, path: JsonPath, expected: object) -> str | None:
        """Why the value at ``path`` has a surprising type, given the JSON type(s) expected there."""
        ambiguity = self.ambiguities.get(path)
        if ambiguity is None:
            return None
        wanted = expected if isinstance(expected, list) else [expected]
        return ambiguity.note([str(t) for t in wanted])

    def key_position(self, path: JsonPath) -> Span:
        """The span of the key that holds ``path``; its value's span when there is no key."""
        return self.keys.get(path) or self.position(path)


_new_span = tuple.__new__


def make_span(marks: Marks, base: tuple[int, int]) -> Span:
    """The span of a key or value from its libyaml marks and the YAML's ``span_base``."""
    start, end = marks
    first_line, offset = base
    return _new_span(  # a Span, without NamedTuple.__new__ checking its arguments
        Span,
        (
            start.line + first_line,
            start.column + 1,
            end.line + first_line,
            end.column + 1,
            start.index + offset,
            end.index + offset,
        ),
    )


def _spans(marks: dict[JsonPath, Marks], base: tuple[int, int]) -> dict[JsonPath, Span]:
    return {path: make_span(pair, base) for path, pair in marks.items()}


class ReadResult(NamedTuple):
    """A document (None when the file could not be parsed) and the findings from reading it."""

    document: SeedDocument | None
    diagnostics: list[Diagnostic]
