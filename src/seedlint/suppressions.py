"""Inline ``# seedlint: ignore[CODE]`` comments and per-file ignores, applied like noqa."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatch

from seedlint.diagnostics import Diagnostic

_COMMENT = re.compile(r"(?:^|\s)#\s*seedlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_ALL = frozenset({"ALL"})


@dataclass(frozen=True)
class Suppressions:
    """What the comments in one file silence: per line, and for the whole file."""

    by_line: dict[int, frozenset[str]]
    whole_file: frozenset[str]

    def silences(self, diagnostic: Diagnostic) -> bool:
        """True when a comment covers this finding."""
        for codes in (self.whole_file, self.by_line.get(diagnostic.line, frozenset())):
            if codes and (
                codes is _ALL or "ALL" in codes or any(diagnostic.code.startswith(c) for c in codes)
            ):
                return True
        return False


def parse_suppressions(text: str) -> Suppressions:
    """Find the comments; those before the first key of the front matter cover the whole file."""
    by_line: dict[int, frozenset[str]] = {}
    whole_file: set[str] = set()
    in_header = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if number == 1 and stripped.startswith("---"):
            continue
        match = _COMMENT.search(line)
        if match is not None:
            codes = _codes(match["codes"])
            if in_header and stripped.startswith("#"):
                whole_file |= codes
            else:
                by_line[number] = codes
        if stripped and not stripped.startswith("#"):
            in_header = False
    return Suppressions(by_line, frozenset(whole_file))


def _codes(listed: str | None) -> frozenset[str]:
    if listed is None or not listed.strip():
        return _ALL
    return frozenset(code.strip().upper() for code in listed.split(",") if code.strip())


def per_file_codes(
    display_path: str, per_file_ignores: Iterable[tuple[str, tuple[str, ...]]]
) -> frozenset[str]:
    """Codes ignored for this path by ``per-file-ignores`` globs."""
    codes: set[str] = set()
    for glob, ignored in per_file_ignores:
        if fnmatch(display_path, glob):
            codes.update(code.upper() for code in ignored)
    return frozenset(codes)
