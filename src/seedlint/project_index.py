"""An on-disk index of every seed's webUrl, so cross-file checks stay fast.

pre-commit passes only the changed files, split over several processes, yet a
duplicate ``webUrl`` (C010) must be found against every seed of the project.
Reading and parsing all seeds on every commit would be slow, so each file's
fact is kept in SQLite keyed by ``(path, size, mtime_ns)``; a file whose size
and modification time are unchanged is not read again.

The store is one small table in one SQLite file under the user cache folder,
opened in WAL mode with a busy timeout so concurrent seedlint processes can
read and write it at once. A file that is not a valid database is moved aside
and rebuilt; a folder that cannot be written falls back to an in-memory index
(slower, never wrong). Other caches (the probe results) can live in the same
file in their own tables: this module only touches ``project_index_*``.

As with git's index, a file rewritten with the same size within the same
mtime tick is not noticed; mtime_ns makes that window nanoseconds wide on
modern file systems.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "seedlint.sqlite3"
SCHEMA_VERSION = 1
_BUSY_TIMEOUT_S = 30.0


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


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/seedlint``, else ``~/.cache/seedlint``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "seedlint" if base else Path.home() / ".cache" / "seedlint"


class ProjectIndex:
    """Facts about seed files keyed by (absolute path, size, mtime_ns).

    ``hits`` and ``misses`` count lookups since opening, so callers (and tests)
    can tell how many files had to be read.
    """

    def __init__(self, connection: sqlite3.Connection, location: Path | None) -> None:
        self._db = connection
        self.location = location
        """The database file, or None for an in-memory index."""
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, cache_dir: Path | None = None) -> ProjectIndex:
        """Open (creating or rebuilding as needed) the index in ``cache_dir``."""
        folder = cache_dir or default_cache_dir()
        location = folder / DATABASE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return cls(_connect(location), location)
        except sqlite3.DatabaseError:
            _move_aside(location)
        except OSError:
            return cls(_connect(Path(":memory:")), None)
        try:
            return cls(_connect(location), location)
        except (sqlite3.DatabaseError, OSError):
            return cls(_connect(Path(":memory:")), None)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> ProjectIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, path: Path, stamp: FileStamp) -> WebUrlFact | None:
        """The fact stored for this version of ``path``, or None (then read the file)."""
        row = self._db.execute(
            "SELECT web_url, line, col, silenced FROM project_index_files"
            " WHERE path = ? AND size = ? AND mtime_ns = ?",
            (str(path), stamp.size, stamp.mtime_ns),
        ).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return WebUrlFact(row[0], row[1], row[2], bool(row[3]))

    def store(self, entries: Iterable[tuple[Path, FileStamp, WebUrlFact]]) -> None:
        """Record facts; one transaction, so concurrent writers wait rather than interleave."""
        rows = [
            (str(p), s.size, s.mtime_ns, f.url, f.line, f.column, int(f.silenced))
            for p, s, f in entries
        ]
        if not rows:
            return
        with _transaction(self._db):
            self._db.executemany(
                "INSERT OR REPLACE INTO project_index_files"
                " (path, size, mtime_ns, web_url, line, col, silenced) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )


def _connect(location: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(location), timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
        if str(location) != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        with _transaction(db):
            db.execute(
                "CREATE TABLE IF NOT EXISTS project_index_meta (key TEXT PRIMARY KEY, value TEXT)"
            )
            version = db.execute(
                "SELECT value FROM project_index_meta WHERE key = 'schema_version'"
            ).fetchone()
            if version is not None and version[0] != str(SCHEMA_VERSION):
                db.execute("DROP TABLE IF EXISTS project_index_files")
            db.execute(
                "CREATE TABLE IF NOT EXISTS project_index_files ("
                " path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
                " web_url TEXT, line INTEGER NOT NULL, col INTEGER NOT NULL,"
                " silenced INTEGER NOT NULL)"
            )
            db.execute(
                "INSERT OR REPLACE INTO project_index_meta VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        db.execute("SELECT count(*) FROM project_index_files").fetchone()  # detects corruption
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _move_aside(location: Path) -> None:
    """Keep a corrupt database for inspection and make room for a new one."""
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{location}{suffix}")
        if source.exists():
            try:
                source.replace(Path(f"{location}.corrupt-{stamp}{suffix}"))
            except OSError:
                source.unlink(missing_ok=True)
