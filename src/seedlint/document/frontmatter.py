"""Find the YAML front matter between the two ``---`` lines, keeping its offset."""

from __future__ import annotations

import re
from typing import NamedTuple

from seedlint.catalogue import structure
from seedlint.diagnostics import Diagnostic

_OPENING = re.compile(r"---[ \t]*(?:\r\n|\n|\r|$)")
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


class FrontMatter(NamedTuple):
    """The YAML text between the markers, where it starts in the file, and its first line."""

    yaml_text: str
    offset: int
    first_line: int


def split_front_matter(text: str, path: str) -> FrontMatter | Diagnostic:
    """The front matter of ``text``, or the S001/S002 finding that explains why there is none."""
    opening = _OPENING.match(text)
    if opening is None:
        message = "file does not start with a '---' line; expected YAML front matter"
        return structure.MISSING_FRONT_MATTER.at(path, 1, 1, message)
    body_start = opening.end()
    closing = _CLOSING.search(text, body_start)
    if closing is None:
        message = "front matter opened here is never closed by a '---' line"
        return structure.UNTERMINATED_FRONT_MATTER.at(path, 1, 1, message)
    return FrontMatter(text[body_start : closing.start()], body_start, 2)
