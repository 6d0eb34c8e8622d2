"""Each seed's webUrl, kept in the result cache so C010 need not read unchanged seeds.

pre-commit passes only the changed files, yet a duplicate ``webUrl`` (C010)
must be found against every seed of the project. Each seed's entry (its url
key, url and position) is one row of the result cache (:mod:`seedlint.cache`,
the same SQLite file as the probe results), stored with the stamp of the file
it was read from. A row is only a shortcut: it is used when the file's stamp
(size, mtime, ctime, inode) is still the same, and the answer is always the
one reading the file would give.

A file changed twice within one tick of the file system's clock keeps its
stamp ("racy git"); so, like git, a row whose file changed less than
:data:`RACY_NS` before it was stat()ed is not trusted, and the file is read
again next time.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedlint.cache import ResultCache
from seedlint.config import CACHE_FILE_NAME, default_cache_dir
from seedlint.rules.consistency import WebUrlEntry
from seedlint.rules.vocabulary import KeywordFacts, decode_uses, encode_uses

NAMESPACE = "project-index:5:"
"""Prefix of each project's namespace; bump the version when the row layout changes."""
RACY_NS = 1_000_000_000
"""A file changed this recently when stat()ed may change again without a new stamp."""
_BATCH = 500


@dataclass(frozen=True)
class FileStamp:
    """What identifies one version of a file without reading it, and when it was taken."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    seen_ns: int
    """Wall-clock time of the stat() call."""

    @classmethod
    def of(cls, path: Path | os.DirEntry[str]) -> FileStamp | None:
        """The stamp of ``path`` now (take it before reading); None when it cannot be stat()ed."""
        seen = time.time_ns()
        try:
            stat = path.stat()
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, seen)

    def same_file(self, other: FileStamp) -> bool:
        """True when both stamps describe one version of the file."""
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            other.size,
            other.mtime_ns,
            other.ctime_ns,
            other.inode,
        )

    @property
    def settled(self) -> bool:
        """The file had not changed for a while when stat()ed: a later change gets a new stamp."""
        return max(self.mtime_ns, self.ctime_ns) + RACY_NS <= self.seen_ns


@dataclass(frozen=True)
class StoredSeed:
    """One row of the index: the stamp of the file as read, its webUrl entry and keywords."""

    stamp: FileStamp
    entry: WebUrlEntry | None
    keywords: KeywordFacts | None = None


class ProjectIndex:
    """The stored seeds of one project, by display path.

    ``hits`` and ``misses`` count the project scan's look-ups (a miss means the
    file had to be read).
    """

    def __init__(self, cache: ResultCache, project: str) -> None:
        self.cache = cache
        self.namespace = NAMESPACE + project
        self._pending: list[tuple[str, Any]] = []
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, root: Path, cache_dir: Path | None = None) -> ProjectIndex:
        """The on-disk index of the project at ``root`` (an absolute, resolved path)."""
        location = (cache_dir or default_cache_dir()) / CACHE_FILE_NAME
        # Rows are checked one by one as they are decoded; a full quick_check of the
        # file would cost more than the scan it serves (see ResultCache).
        return cls(ResultCache(location, verify=False), str(root))

    def close(self) -> None:
        """Write what is pending and close the cache."""
        self.flush()
        self.cache.close()

    def __enter__(self) -> ProjectIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self) -> dict[str, StoredSeed]:
        """Every stored seed by path; rows that do not decode are left out (and re-read)."""
        self.flush()
        rows = self.cache.select(
            "SELECT key, value FROM entries WHERE namespace = :namespace",
            {"namespace": self.namespace},
        )
        stored = {}
        for path, value in rows:
            seed = _decode(path, value)
            if seed is not None:
                stored[path] = seed
        return stored

    def record(
        self,
        path: str,
        stamp: FileStamp,
        entry: WebUrlEntry | None,
        keywords: KeywordFacts | None = None,
    ) -> None:
        """Remember what the file at ``path`` held when it had ``stamp`` (written in batches)."""
        row: dict[str, Any] = {
            "size": stamp.size,
            "mtime_ns": stamp.mtime_ns,
            "ctime_ns": stamp.ctime_ns,
            "inode": stamp.inode,
            "seen_ns": stamp.seen_ns,
            "web_url": None,
            "keywords": encode_uses(keywords),
        }
        if entry is not None:
            row["web_url"] = {
                "key": entry.key,
                "url": entry.url,
                "line": entry.line,
                "column": entry.column,
                "silenced": entry.silenced,
            }
        self._pending.append((path, row))
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the recorded rows in one transaction."""
        self.cache.put_many(self.namespace, self._pending, ttl=None)
        self._pending = []

    def forget(self, paths: Iterable[str]) -> None:
        """Drop seeds that are no longer part of the project."""
        self.cache.delete_many(self.namespace, list(paths))


def _decode(path: str, value: str) -> StoredSeed | None:
    try:
        row = json.loads(value)
        stamp = FileStamp(
            int(row["size"]),
            int(row["mtime_ns"]),
            int(row["ctime_ns"]),
            int(row["inode"]),
            int(row["seen_ns"]),
        )
        found = row["web_url"]
        entry = None
        if found is not None:
            entry = WebUrlEntry(
                path,
                str(found["key"]),
                str(found["url"]),
                int(found["line"]),
                int(found["column"]),
                bool(found["silenced"]),
            )
        keywords = decode_uses(path, row["keywords"])
    except (ValueError, TypeError, KeyError):
        return None
    if entry is not None and (entry.line < 1 or entry.column < 1):
        return None
    return StoredSeed(stamp, entry, keywords)
