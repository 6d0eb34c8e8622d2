"""Every seed's webUrl, kept in the result cache, so cross-file checks stay fast and small.

pre-commit passes only the changed files, split over several processes, yet a
duplicate ``webUrl`` (C010) must be found against every seed of the project.
Each seed's fact (its url key, url and position, with the file's size and
mtime_ns) is one row of the result cache (:mod:`seedlint.cache`, the same
SQLite file as the probe results); a file whose size and modification time
are unchanged is not read again. Duplicates are found by SQLite itself
(``GROUP BY`` over the stored url keys), so a run over 10,000 seeds holds no
per-seed facts in Python: memory does not grow with the project.

Rows written by this run carry its run id, which is how "a group the linted
files take part in" is told apart from duplicates among untouched seeds.

As with git's index, a file rewritten with the same size within the same
mtime tick is not noticed; mtime_ns makes that window nanoseconds wide on
modern file systems.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedlint.cache import ResultCache
from seedlint.config import CACHE_FILE_NAME, default_cache_dir

NAMESPACE = "project-index:3:"
"""Prefix of each project's namespace; bump the version when the row layout changes."""
_BATCH = 500


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


@dataclass(frozen=True)
class IndexedSeed:
    """One member of a group of seeds sharing a webUrl."""

    path: str
    fact: WebUrlFact
    this_run: bool


class ProjectIndex:
    """The seeds of one project: recorded as they are linted, queried for duplicates.

    ``hits`` and ``misses`` count the project scan's look-ups (a miss means the
    file had to be read).
    """

    def __init__(self, cache: ResultCache, project: str) -> None:
        self.cache = cache
        self.namespace = NAMESPACE + project
        self.run = os.urandom(8).hex()
        self._pending: list[tuple[str, list[Any]]] = []
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, root: Path, cache_dir: Path | None = None) -> ProjectIndex:
        """The on-disk index of the project at ``root`` (an absolute, resolved path)."""
        location = (cache_dir or default_cache_dir()) / CACHE_FILE_NAME
        return cls(ResultCache(location), str(root))

    @classmethod
    def in_memory(cls) -> ProjectIndex:
        """An index that lives only for this run (``project-index = false``)."""
        return cls(ResultCache(Path(":memory:")), "")

    def close(self) -> None:
        """Write what is pending and close the cache."""
        self.flush()
        self.cache.close()

    def __enter__(self) -> ProjectIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, path: str, stamp: FileStamp, fact: WebUrlFact, *, linted: bool) -> None:
        """Remember a seed (written in batches); ``linted`` marks the files this run checks."""
        row = [stamp.size, stamp.mtime_ns, fact.key, fact.url, fact.line, fact.column]
        self._pending.append((path, [*row, fact.silenced, self.run if linted else None]))
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the recorded rows in one transaction."""
        self.cache.put_many(self.namespace, self._pending, ttl=None)
        self._pending = []

    def stamps(self) -> dict[str, tuple[int, int, bool]]:
        """(size, mtime_ns, linted in this run) of every stored seed, by path."""
        self.flush()
        rows = self.cache.select(
            "SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
            " json_extract(value, '$[7]') = :run FROM entries WHERE namespace = :namespace",
            {"namespace": self.namespace, "run": self.run},
        )
        return {path: (size, mtime, bool(current)) for path, size, mtime, current in rows}

    def forget(self, paths: Iterable[str]) -> None:
        """Drop seeds that no longer exist."""
        self.cache.delete_many(self.namespace, list(paths))

    def shared_web_urls(self) -> list[list[IndexedSeed]]:
        """Groups of seeds with the same url key, each with a seed linted in this run."""
        self.flush()
        # The url keys of this run's seeds, then every seed with one of them: two
        # scans with an ephemeral index, cheaper than grouping the whole project.
        rows = self.cache.select(
            "SELECT json_extract(value, '$[2]') AS url_key, key, value FROM entries"
            " WHERE namespace = :namespace AND url_key IN ("
            "  SELECT json_extract(value, '$[2]') FROM entries"
            "  WHERE namespace = :namespace AND json_extract(value, '$[7]') = :run)"
            " ORDER BY url_key, key",
            {"namespace": self.namespace, "run": self.run},
        )
        groups: dict[str, list[IndexedSeed]] = {}
        for url_key, path, value in rows:
            seed = _decode(path, value, self.run)
            if seed is not None:
                groups.setdefault(url_key, []).append(seed)
        return [group for group in groups.values() if len(group) > 1]

    def seeds(self) -> list[IndexedSeed]:
        """Every stored seed with a usable webUrl, sorted by path."""
        self.flush()
        rows = self.cache.select(
            "SELECT key, value FROM entries WHERE namespace = :namespace"
            " AND json_extract(value, '$[2]') IS NOT NULL ORDER BY key",
            {"namespace": self.namespace},
        )
        decoded = (_decode(path, value, self.run) for path, value in rows)
        return [seed for seed in decoded if seed is not None]


def _decode(path: str, value: str, run: str) -> IndexedSeed | None:
    import json

    try:
        _, _, key, url, line, column, silenced, row_run = json.loads(value)
    except (ValueError, TypeError):
        return None
    if not isinstance(line, int) or not isinstance(column, int):
        return None
    fact = WebUrlFact(url, line, column, bool(silenced), key)
    return IndexedSeed(path, fact, row_run == run)
