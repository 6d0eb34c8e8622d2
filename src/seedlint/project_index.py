"""An on-disk index of every seed's webUrl, so cross-file checks stay fast.

pre-commit passes only the changed files, split over several processes, yet a
duplicate ``webUrl`` (C010) must be found against every seed of the project.
Reading and parsing all seeds on every commit would be slow, so each file's
fact is kept in the result cache (:mod:`seedlint.cache`, the same SQLite file
as the probe results), one entry per project holding each file's size and
mtime_ns: a file whose size and modification time are unchanged is not read
again. The cache copes with concurrent processes and corruption; when it
cannot be used at all the index is simply empty (slower, never wrong).

As with git's index, a file rewritten with the same size within the same
mtime tick is not noticed; mtime_ns makes that window nanoseconds wide on
modern file systems.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedlint.cache import ResultCache
from seedlint.config import CACHE_FILE_NAME, default_cache_dir

NAMESPACE = "project-index:2"

"""Bump the version when the stored layout changes; old entries are then ignored."""


@dataclass(frozen=True)
class WebUrlFact:
    """Where a seed's webUrl stands; ``url`` is None when the seed has no usable webUrl."""

    url: str | None
    line: int = 1
    column: int = 1
    silenced: bool = False
    """An inline ``# seedlint: ignore`` comment covers C010 at that line."""
    key: str | None = None
    """``formats.url_key(url)``: what "the same page" is compared by."""


@dataclass(frozen=True)
class FileStamp:
    """What identifies one version of a file without reading it."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path | os.DirEntry[str]) -> FileStamp | None:
        """The stamp of ``path``; None when it cannot be stat()ed."""
        try:
            stat = path.stat()
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime_ns)


class ProjectIndex:
    """Facts about the seed files of one project, valid for one (size, mtime_ns) of each.

    The whole project is one cache entry (a mapping of root-relative path to
    fact), read with one query and written back only when something changed:
    a one-file pre-commit run over a 10,000-seed project then costs one read
    and a ``stat`` per seed. When two processes write at once the last one
    wins; the loser's updates are merely cache misses next time.

    ``hits`` and ``misses`` count :meth:`fresh_key` look-ups since opening, so callers (and tests)
    can tell how many files had to be read.
    """

    def __init__(self, cache: ResultCache, root: Path) -> None:
        self.cache = cache
        self.key = str(root)
        stored = cache.get_json(NAMESPACE, self.key)
        self._entries: dict[str, list[Any]] = stored if isinstance(stored, dict) else {}
        self._changed = False
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, root: Path, cache_dir: Path | None = None) -> ProjectIndex:
        """Open the index of the project at ``root`` (an absolute, resolved path)."""
        return cls(ResultCache((cache_dir or default_cache_dir()) / CACHE_FILE_NAME), root)

    def close(self) -> None:
        """Write back what changed, then close the underlying cache."""
        if self._changed:
            self.cache.put_json(NAMESPACE, self.key, self._entries, ttl=None)
        self.cache.close()

    def __enter__(self) -> ProjectIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fresh_key(self, relative: str, stamp: FileStamp) -> tuple[bool, str | None]:
        """(True, stored url key or None for no webUrl) for this version of the file;
        (False, None) when the file is new or changed and must be read."""
        entry = self._entries.get(relative)
        if entry is None or len(entry) != 7 or entry[0] != stamp.size or entry[1] != stamp.mtime_ns:
            self.misses += 1
            return False, None
        self.hits += 1
        key = entry[3]
        return True, key if isinstance(key, str) else None

    def lookup(self, relative: str, stamp: FileStamp) -> WebUrlFact | None:
        """The fact stored for this version of the file, or None (then read the file)."""
        return _decode(self._entries.get(relative), stamp)

    def store(self, relative: str, stamp: FileStamp, fact: WebUrlFact) -> None:
        """Record a fact (written back on close, only if it is new)."""
        entry = [
            stamp.size,
            stamp.mtime_ns,
            fact.url,
            fact.key,
            fact.line,
            fact.column,
            fact.silenced,
        ]
        if self._entries.get(relative) != entry:
            self._entries[relative] = entry
            self._changed = True


def _decode(stored: object, stamp: FileStamp) -> WebUrlFact | None:
    """A stored entry as a fact, if it is well-formed and for this version of the file."""
    if not isinstance(stored, list) or len(stored) != 7:
        return None
    size, mtime_ns, url, key, line, column, silenced = stored
    if (size, mtime_ns) != (stamp.size, stamp.mtime_ns):
        return None
    if not all(v is None or isinstance(v, str) for v in (url, key)):
        return None
    if not isinstance(line, int) or not isinstance(column, int):
        return None
    return WebUrlFact(url, line, column, bool(silenced), key)
