"""The run's scratch database: the linted files' facts and the project walk, as rows.

A run keeps no Python object per file for the cross-file pass: what the per-file
pass learns is streamed into a private SQLite database on disk (a bounded page
cache in memory), and the project index and the comparisons are SQL over it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from operator import itemgetter
from pathlib import Path
from typing import Any

from seedlint.cache import PAGE_CACHE_KIB, original_key, stored_key
from seedlint.rules.consistency import WebUrlEntry
from seedlint.rules.vocabulary import KeywordFacts

_READ_BATCH = 500
"""Linted files read at once by :func:`read_unknown` (one transaction each)."""


_WORK_SCHEMA = """
CREATE TABLE linted_files (
    path TEXT PRIMARY KEY, size INT, mtime_ns INT, ctime_ns INT, inode INT, seen_ns INT,
    known INT NOT NULL
) WITHOUT ROWID;
CREATE TABLE linted_urls (
    path TEXT PRIMARY KEY, key TEXT, url TEXT, line INT, col INT, silenced INT, inode INT
) WITHOUT ROWID;
CREATE INDEX linted_urls_key ON linted_urls (key);
CREATE TABLE linted_uses (
    path TEXT, field TEXT, scope TEXT, value TEXT, line INT, col INT, silenced INT
);
CREATE INDEX linted_uses_path ON linted_uses (path);
CREATE TABLE walk (
    path TEXT PRIMARY KEY, size INT, mtime_ns INT, ctime_ns INT, inode INT, seen_ns INT,
    linted INT NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE stale (path TEXT PRIMARY KEY, linted INT) WITHOUT ROWID;
"""

UrlRow = tuple[str, str, str, int, int, int, int]
"""A linted file's webUrl: path, key, url, line, column, silenced, inode (keys stored)."""
UseRow = tuple[str, str, str, str, int, int, int]
"""A linted file's keyword use: path, field, scope, value, line, column, silenced."""


def work_database() -> sqlite3.Connection:
    """A private scratch database on disk (SQLite keeps only a bounded page cache in memory)."""
    conn = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    # Scratch rows need no journal; a fixed page cache keeps memory flat however many rows.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    conn.executescript(_WORK_SCHEMA)
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, *, immediate: bool = False) -> Iterator[None]:
    """One transaction on ``conn``: committed when the block ends, rolled back on any error
    (a half-done batch never stays behind)."""
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def url_row(entry: WebUrlEntry, inode: int) -> UrlRow:
    """``entry`` as a row of ``linted_urls``."""
    return (
        stored_key(entry.path),
        stored_key(entry.key),
        stored_key(entry.url),
        entry.line,
        entry.column,
        int(entry.silenced),
        inode,
    )


def use_rows(facts: KeywordFacts) -> Iterator[UseRow]:
    """``facts`` as rows of ``linted_uses``."""
    path = stored_key(facts.path)
    for use in facts.uses:
        yield (
            path,
            use.field,
            stored_key(use.scope),
            stored_key(use.value),
            use.line,
            use.column,
            int(use.silenced),
        )


Facts = tuple[WebUrlEntry | None, KeywordFacts | None]
Reader = Callable[[Path, str], Facts]
"""Reads the seed at a path (second argument: its display path) and returns its facts."""


def read_unknown(
    conn: sqlite3.Connection, root: Path, read: Reader, query: str, params: Mapping[str, Any]
) -> None:
    """Read the linted files ``query`` names (their facts were not given) into the linted
    tables, in batches; each is then known."""
    while True:
        paths = [
            original_key(row[0]) for row in conn.execute(f"{query} LIMIT {_READ_BATCH}", params)
        ]
        if not paths:
            return
        with transaction(conn):
            for path in paths:
                key = stored_key(path)
                entry, keywords = read(root / path, path)
                if entry is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO linted_urls SELECT ?, ?, ?, ?, ?, ?, inode"
                        " FROM linted_files WHERE path = ?",
                        (*url_row(entry, 0)[:-1], key),
                    )
                if keywords is not None:
                    conn.executemany(
                        "INSERT INTO linted_uses VALUES (?, ?, ?, ?, ?, ?, ?)", use_rows(keywords)
                    )
                conn.execute("UPDATE linted_files SET known = 1 WHERE path = ?", (key,))


WalkRow = tuple[str, int | None, int | None, int | None, int | None]
"""A walked seed: stored path, size, mtime_ns, ctime_ns, inode (None when gone)."""


def walk_rows(
    names: list[str], entries: list[os.DirEntry[str]], linted: set[str] | frozenset[str]
) -> tuple[list[WalkRow], bool]:
    """The walk rows of a batch's seeds that are not ``linted``, sorted by name (fewer b-tree
    pages touched per row), and whether one is gone since it was listed (no stamp)."""
    if linted:
        kept = [pair for pair in zip(names, entries, strict=True) if pair[0] not in linted]
        names, entries = [name for name, _ in kept], [entry for _, entry in kept]
    stats: list[os.stat_result | None]
    gone = False
    try:
        stats = [entry.stat() for entry in entries]
    except OSError:
        stats = [_stat_or_none(entry) for entry in entries]
        gone = True
    rows: list[WalkRow] = [
        (name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        if stat is not None
        else (name, None, None, None, None)
        for name, stat in zip(names, stats, strict=True)
    ]
    rows.sort(key=itemgetter(0))
    return rows, gone


def _stat_or_none(entry: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return entry.stat()
    except OSError:
        return None
