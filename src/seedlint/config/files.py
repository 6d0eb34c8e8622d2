"""Reading a configuration file: TOML with positions for error messages.

``tomllib`` gives values without positions, so the few lines an error points
at are found again in the text: the key's line within its table, and a
snippet with a caret under it, the way ruff shows a bad setting.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from seedlint.patterns import lazy_pattern

_HEADER = lazy_pattern(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_DECODE_POSITION = lazy_pattern(r"\(at line (\d+), column (\d+)\)")


class ConfigError(Exception):
    """A configuration problem the user must fix; reported with exit code 2.

    ``location`` is ``file:line:col`` when the problem is in a file; ``snippet``
    the offending line with a caret under the column.
    """

    def __init__(self, message: str, location: str | None = None, snippet: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.snippet = snippet

    def __str__(self) -> str:
        head = f"{self.location}: {self.message}" if self.location else self.message
        return f"{head}\n{self.snippet}" if self.snippet else head


class TomlFile(NamedTuple):
    """One parsed configuration file and its text, for positions."""

    path: Path
    data: dict[str, Any]
    lines: tuple[str, ...]

    @property
    def shown(self) -> str:
        """The file's name as messages show it: relative to the working folder when inside it."""
        return shown_path(self.path)

    def error(self, message: str, table: Sequence[str], key: str | None = None) -> ConfigError:
        """A ConfigError pointing at ``key`` in ``table`` (or at the table's header)."""
        line, column, width = self.position(table, key)
        return ConfigError(
            message, f"{self.shown}:{line}:{column}", self.snippet(line, column, width)
        )

    def position(self, table: Sequence[str], key: str | None) -> tuple[int, int, int]:
        """1-based (line, column, width) of ``key`` in ``table``; the header, else 1:1."""
        current: tuple[str, ...] = ()
        header_at: tuple[int, int, int] | None = (1, 1, 0) if not table else None
        wanted = tuple(table)
        for number, text in enumerate(self.lines, start=1):
            match = _HEADER().match(text)
            if match:
                current = tuple(_unquote(part) for part in match.group(1).split("."))
                if key is not None and current == (*wanted, key):
                    return number, text.index("[") + 1, len(text.strip())
                if current == wanted and header_at is None:
                    header_at = (number, text.index("[") + 1, len(text.strip()))
                continue
            if key is None:
                continue
            stripped = text.lstrip()
            indent = len(text) - len(stripped)
            name = _leading_key(stripped)
            if name is None:
                continue
            parts = tuple(_unquote(p) for p in name.split("."))
            if (*current, *parts[:1]) == (*wanted, key):
                return number, indent + 1, len(parts[0]) if len(parts) > 1 else len(name)
        return header_at or (1, 1, 0)

    def snippet(self, line: int, column: int, width: int) -> str:
        """``  3 | text`` and a caret line under the column."""
        if not 1 <= line <= len(self.lines):
            return ""
        text = self.lines[line - 1].rstrip("\r\n")
        gutter = f"{line:>4} | "
        caret = " " * (len(gutter) - 2) + "| " + " " * (column - 1) + "^" * max(width, 1)
        return f"{gutter}{text}\n{caret}"


def _leading_key(stripped: str) -> str | None:
    """The (possibly dotted, possibly quoted) key before ``=`` on a line, if any."""
    if not stripped or stripped[0] in "#[":
        return None
    match = re.match(r'((?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_\-]+))*)\s*=', stripped)  # fmt: skip
    return re.sub(r"\s*\.\s*", ".", match.group(1)) if match else None


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def shown_path(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def read_toml(path: Path) -> TomlFile:
    """Parse a TOML file; a missing, unreadable or malformed one is a ConfigError."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # only on 3.10
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigError(f"cannot read configuration: {reason}", shown_path(path)) from None
    text = raw.decode("utf-8", errors="replace")
    lines = tuple(text.splitlines())
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = TomlFile(path, {}, lines)
        match = _DECODE_POSITION().search(str(error))
        if match:
            line, column = int(match.group(1)), int(match.group(2))
        elif "end of document" in str(error) and lines:
            line, column = len(lines), len(lines[-1]) + 1
        else:
            line, column = 1, 1
        reason = (
            _DECODE_POSITION().sub("", str(error)).replace("(at end of document)", "at the end")
        )
        reason = reason.strip()
        raise ConfigError(
            f"cannot read configuration: {reason} (not valid TOML)",
            f"{found.shown}:{line}:{column}",
            found.snippet(line, column, 1),
        ) from None
    return TomlFile(path, data, lines)
