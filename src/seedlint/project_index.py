"""An on-disk index of every seed's webUrl, so cross-file checks stay fast.

pre-commit passes only the changed files, split over several processes, yet a
duplicate ``webUrl`` (C010) must be found against every seed of the project.
Reading and parsing all seeds on every commit would be slow, so each file's
fact is kept in the result cache (:mod:`seedlint.cache`, the same SQLite file
as the probe results) keyed by absolute path, with the file's size and
mtime_ns: a file whose size and modification time are unchanged is not read
again. The cache copes with concurrent processes and corruption; when it
cannot be used at all the index is simply empty (slower, never wrong).

As with git's index, a file rewritten with the same size within the same
mtime tick is not noticed; mtime_ns makes that window nanoseconds wide on
modern file systems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from seedlint.cache import ResultCache
from seedlint.config import CACHE_FILE_NAME, default_cache_dir

NAMESPACE = "project-index:1"
"""Bump the version when the stored layout changes; old entries are then ignored."""


@dataclass(frozen=True)
class WebUrlFact:
    """Where a seed's webUrl stands; ``url`` is None when the seed has no usable webUrl."""

    url: str | None
    line: int = 1
    column: int = 1
    silenced: bool = False
    """An inline ``# seedlint: ignore`` comment covers C010 at that line."""


@dataclass(frozen=True)
class FileStamp:
    """What identifies one version of a file without reading it."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp | None:
        """The stamp of ``path``; None when it cannot be stat()ed."""
        try:
            stat = path.stat()
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime_ns)


class ProjectIndex:
    """Facts about seed files, valid for one (size, mtime_ns) version of each.

    ``hits`` and ``misses`` count lookups since opening, so callers (and tests)
    can tell how many files had to be read.
    """

    def __init__(self, cache: ResultCache) -> None:
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, cache_dir: Path | None = None) -> ProjectIndex:
        """Open the index in the result cache under ``cache_dir`` (default: the user cache)."""
        return cls(ResultCache((cache_dir or default_cache_dir()) / CACHE_FILE_NAME))

    def close(self) -> None:
        """Close the underlying cache."""
        self.cache.close()

    def __enter__(self) -> ProjectIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, path: Path, stamp: FileStamp) -> WebUrlFact | None:
        """The fact stored for this version of ``path``, or None (then read the file)."""
        stored = self.cache.get_json(NAMESPACE, str(path))
        fact = _decode(stored, stamp)
        if fact is None:
            self.misses += 1
        else:
            self.hits += 1
        return fact

    def store(self, entries: Iterable[tuple[Path, FileStamp, WebUrlFact]]) -> None:
        """Record facts in one transaction, so concurrent writers wait rather than interleave."""
        items = [
            (
                str(path),
                [stamp.size, stamp.mtime_ns, fact.url, fact.line, fact.column, fact.silenced],
            )
            for path, stamp, fact in entries
        ]
        self.cache.put_many(NAMESPACE, items, ttl=None)


def _decode(stored: object, stamp: FileStamp) -> WebUrlFact | None:
    """A stored entry as a fact, if it is well-formed and for this version of the file."""
    if not isinstance(stored, list) or len(stored) != 6:
        return None
    size, mtime_ns, url, line, column, silenced = stored
    if (size, mtime_ns) != (stamp.size, stamp.mtime_ns):
        return None
    if (
        not (url is None or isinstance(url, str))
        or not isinstance(line, int)
        or not isinstance(column, int)
    ):
        return None
    return WebUrlFact(url, line, column, bool(silenced))
