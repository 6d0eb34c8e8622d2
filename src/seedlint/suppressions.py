"""Inline ``# seedlint: ignore[CODE]`` comments and per-file ignores, applied like noqa."""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable
from fnmatch import fnmatch
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from seedlint.diagnostics import Diagnostic
from seedlint.patterns import lazy_pattern

if TYPE_CHECKING:
    from seedlint.document import SeedDocument

_COMMENT = lazy_pattern(
    r"(?:^|(?<=\s))#\s*seedlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE
)
_CLOSING = lazy_pattern(r"(?:---|\.\.\.)[ \t]*\r?\n?")
_ALL = frozenset({"ALL"})


class UnknownCode(NamedTuple):
    """A code or rule name in an inline comment that names no rule (S017)."""

    text: str
    line: int
    column: int


class Suppressions(NamedTuple):
    """What the comments in one file silence: per line, and for the whole file."""

    by_line: dict[int, frozenset[str]]
    whole_file: frozenset[str]
    unknown: tuple[UnknownCode, ...] = ()
    """Listed codes that match no rule: they silence nothing and are reported."""

    def silences(self, diagnostic: Diagnostic) -> bool:
        """True when a comment covers this finding."""
        for codes in (self.whole_file, self.by_line.get(diagnostic.line, frozenset())):
            if codes and (
                codes is _ALL or "ALL" in codes or any(diagnostic.code.startswith(c) for c in codes)
            ):
                return True
        return False


_MENTION = lazy_pattern(r"#\s*seedlint", re.IGNORECASE)
"""What every inline comment starts with (:data:`_COMMENT` in any case, without its context)."""


def may_suppress(text: str) -> bool:
    """Cheap test: can ``text`` hold an inline suppression at all?

    Only at a ``#``: ``str.find`` jumps from one to the next (a seed has few), and
    the case-insensitive match is tried there alone. A regex search of the whole
    text costs tens of microseconds when the text is not ASCII, as most seeds are
    not (their image URLs).
    """
    at = text.find("#")
    while at >= 0:
        if _MENTION().match(text, at) is not None:
            return True
        at = text.find("#", at + 1)
    return False


def suppressions_of(document: SeedDocument) -> Suppressions:
    """The suppressions of a parsed seed: only its real YAML comments count."""
    if not may_suppress(document.text):
        return Suppressions({}, frozenset())
    # Scalars only: a mapping's or a list's span holds real comments.
    values = document.values
    scalars = [(values[p].start, values[p].end) for p in document.styles if p in values]
    scalars.extend((span.start, span.end) for span in document.keys.values())
    return parse_suppressions(document.text, scalars)


def parse_suppressions(text: str, scalars: Iterable[tuple[int, int]] = ()) -> Suppressions:
    """Find the comments of the front matter; those before its first key cover the whole file.

    A ``#`` inside a scalar (``scalars``: the text offsets of every key and
    value, quoted and block scalars included) is text, not a comment, so it
    silences nothing. Codes may be given as codes, code prefixes or rule names.
    """
    inside = sorted(scalars)
    by_line: dict[int, frozenset[str]] = {}
    whole_file: set[str] = set()
    unknown: list[UnknownCode] = []
    in_header = True
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        start, offset = offset, offset + len(line)
        stripped = line.strip()
        if number == 1 and stripped.startswith("---"):
            continue
        if _CLOSING().fullmatch(line):
            break  # the end of the front matter: what follows is not YAML
        match = next(
            (m for m in _COMMENT().finditer(line) if not _within(start + m.start(), inside)), None
        )
        if match is not None:
            codes, wrong = _codes(match, number)
            unknown.extend(wrong)
            if in_header and stripped.startswith("#"):
                whole_file |= codes
            else:
                by_line[number] = by_line.get(number, frozenset()) | codes
        if stripped and not stripped.startswith("#"):
            in_header = False
    return Suppressions(by_line, frozenset(whole_file), tuple(unknown))


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    """True when ``offset`` falls in one of the sorted, non-overlapping ``spans``."""
    index = bisect.bisect_right(spans, (offset, sys.maxsize)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _codes(match: re.Match[str], line: int) -> tuple[frozenset[str], list[UnknownCode]]:
    listed = match["codes"]
    if listed is None or not listed.strip():
        return _ALL, []
    codes: set[str] = set()
    unknown: list[UnknownCode] = []
    position = match.start("codes")
    for item in listed.split(","):
        name = item.strip()
        if name:
            resolved = _resolve(name)
            if resolved is None:
                column = position + len(item) - len(item.lstrip()) + 1
                unknown.append(UnknownCode(name, line, column))
            else:
                codes |= resolved
        position += len(item) + 1
    return frozenset(codes), unknown


@lru_cache(maxsize=256)
def _resolve(name: str) -> frozenset[str] | None:
    """A code prefix as is, a rule name as its code; None when it matches no rule."""
    from seedlint.registry import all_rules, selector_matches

    if name.upper() == "ALL":
        return _ALL
    matching = [rule for rule in all_rules() if selector_matches(name, rule)]
    if not matching:
        return None
    if any(rule.code.startswith(name.upper()) for rule in matching):
        return frozenset({name.upper()})
    return frozenset(rule.code for rule in matching)


def per_file_codes(
    display_path: str, per_file_ignores: Iterable[tuple[str, tuple[str, ...]]]
) -> frozenset[str]:
    """Codes ignored for this path by ``per-file-ignores`` globs."""
    codes: set[str] = set()
    for glob, ignored in per_file_ignores:
        if fnmatch(display_path, glob):
            codes.update(code.upper() for code in ignored)
    return frozenset(codes)
