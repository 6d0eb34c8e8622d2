"""Find the YAML front matter between the two ``---`` lines, keeping its offset."""

from __future__ import annotations

import re
from typing import NamedTuple

from seedlint.catalogue import structure
from seedlint.diagnostics import Diagnostic

_OPENING = re.compile(r"---[ \t]*(?:\r\n|\n|\r|$)")


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
    closing = closing_line(text, body_start)
    if closing < 0:
        message = "front matter opened here is never closed by a '---' line"
        return structure.UNTERMINATED_FRONT_MATTER.at(path, 1, 1, message)
    return FrontMatter(text[body_start:closing], body_start, 2)


def closing_line(text: str, start: int) -> int:
    """Where the first ``---`` line at or after ``start`` begins (only spaces, tabs and a
    CR may follow it on its line); -1 if there is none.

    The regex ``^---[ \t]*\r?$`` (MULTILINE) searched from ``start``, done with
    ``str.find``: a multiline regex tries every position of the whole text.
    """
    end = len(text)
    line = 0 if start == 0 and text.startswith("---") else _next_dashes(text, start)
    while line >= 0:
        rest = line + 3
        while rest < end and text[rest] in " \t":
            rest += 1
        if rest < end and text[rest] == "\r":
            rest += 1
        if rest == end or text[rest] == "\n":
            return line
        line = _next_dashes(text, line + 1)
    return -1


def _next_dashes(text: str, start: int) -> int:
    """The first line at or after ``start`` (just after a LF) that begins with ``---``."""
    found = text.find("\n---", max(start - 1, 0))
    return found + 1 if found >= 0 else -1
