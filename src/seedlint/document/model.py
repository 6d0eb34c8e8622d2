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


class SeedDocument:
    """A parsed seed: plain data plus the position of every key and value.

    ``data`` holds only str, int, float, bool, None, dict and list; dates stay
    the text the author wrote. ``values``/``keys`` map a JSON path such as
    ``("related", 2, "webUrl")`` to the span of the value or of its key.
    The composer fills it in place. (A plain class: a dataclass would cost every
    run's start most of a millisecond for methods nothing uses.)
    """

    __slots__ = (
        "ambiguities",
        "data",
        "has_bom",
        "ignored",
        "keys",
        "path",
        "styles",
        "text",
        "texts",
        "texts_complete",
        "values",
    )

    def __init__(self, path: str, text: str, data: Any, *, has_bom: bool = False) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.values: dict[JsonPath, Span] = {}
        self.keys: dict[JsonPath, Span] = {}
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


class ReadResult(NamedTuple):
    """A document (None when the file could not be parsed) and the findings from reading it."""

    document: SeedDocument | None
    diagnostics: list[Diagnostic]
