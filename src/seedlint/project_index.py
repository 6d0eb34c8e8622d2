"""Each seed's cross-file facts as rows of the cache file, brought up to date by SQL.

pre-commit passes only the changed files, yet a duplicate ``webUrl`` (C010)
and a rare keyword variant (C016, C017) must be found against every seed of
the project. Each seed's facts -- its stamp, its webUrl (url key and
position) and its keyword values -- are rows of three tables in the result
cache's SQLite file (:mod:`seedlint.cache`), beside the probe results:

    index_seeds_v1(project, path, size, mtime_ns, ctime_ns, inode, seen_ns)
    index_urls_v1(project, path, key, url, line, col)        -- by (project, key)
    index_values_v1(project, path, field, scope, value)      -- by (project, field, scope, value)

A run streams the project's stat() walk into a table of the run's own
scratch database (:func:`seedlint.scratch.work_database`), and one SQL join with the stored
stamps names the new and changed seeds; only those are read. No Python object
is built per unchanged seed: the cross-file rules are answered by queries
(:mod:`seedlint.cross_file_queries`). A row is only a shortcut: it is used
when the file's stamp (size, mtime, ctime, inode) is still the same, and the
answer is always the one reading the file would give.

A file changed twice within one tick of the file system's clock keeps its
stamp ("racy git"); so, like git, a row whose file changed less than
:data:`RACY_NS` before it was stat()ed is not trusted, and the file is read
again next time. Rows of the wrong type or out of range (a damaged or
tampered file) are dropped and their seeds read again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from seedlint.cache import (
    ESCAPED,
    PAGE_CACHE_KIB,
    SYNCHRONOUS,
    ResultCache,
    kept_as_they_are,
    original_key,
    past_prefix,
    stored_key,
)
from seedlint.config import CACHE_FILE_NAME, default_cache_dir
from seedlint.rules.consistency import WebUrlEntry
from seedlint.rules.vocabulary import KeywordFacts
from seedlint.scratch import Reader, read_unknown, transaction, url_row, use_rows, walk_rows

RACY_NS = 1_000_000_000
"""A file changed this recently when stat()ed may change again without a new stamp."""
FORMAT = "2"
"""Suffix of the stored tables; bump it when their layout or meaning changes."""
SERVED_FROM = 500
"""Above this many linted files passed without facts, they are answered from their stored rows
(whole-project queries) instead of having their rows copied into the run's linted tables."""
_BATCH = 500
LINTED_LOOKUP = 64
"""From this many linted files on, the walk looks each folder batch up among them."""
_BUSY_TIMEOUT_MS = 5000


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
    def of(cls, path: str | Path | os.DirEntry[str]) -> FileStamp | None:
        """The stamp of ``path`` now (take it before reading); None when it cannot be stat()ed.

        A path may be given as text: the per-file pass builds no ``Path`` per file."""
        seen = time.time_ns()
        try:
            stat = path.stat() if isinstance(path, os.DirEntry) else os.stat(path)  # noqa: PTH116
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


_STORE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS store.index_projects_v{FORMAT} (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS store.index_seeds_v{FORMAT} (
    project INT NOT NULL, path TEXT NOT NULL,
    size INT, mtime_ns INT, ctime_ns INT, inode INT, seen_ns INT,
    PRIMARY KEY (project, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS store.index_urls_v{FORMAT} (
    project INT NOT NULL, path TEXT NOT NULL, key TEXT, url TEXT, line INT, col INT, silenced INT,
    PRIMARY KEY (project, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS store.index_urls_v{FORMAT}_key ON index_urls_v{FORMAT} (project, key);
CREATE TABLE IF NOT EXISTS store.index_values_v{FORMAT} (
    project INT NOT NULL, path TEXT NOT NULL, field TEXT, scope TEXT, value TEXT,
    PRIMARY KEY (project, path, field, scope, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS store.index_values_v{FORMAT}_value
    ON index_values_v{FORMAT} (project, field, scope, value);
CREATE TABLE IF NOT EXISTS store.index_uses_v{FORMAT} (
    project INT NOT NULL, path TEXT NOT NULL, field TEXT, scope TEXT, value TEXT,
    line INT, col INT, silenced INT
);
CREATE INDEX IF NOT EXISTS store.index_uses_v{FORMAT}_path ON index_uses_v{FORMAT} (project, path);
DROP TABLE IF EXISTS store.index_projects_v1;
DROP TABLE IF EXISTS store.index_seeds_v1;
DROP TABLE IF EXISTS store.index_urls_v1;
DROP TABLE IF EXISTS store.index_values_v1;
"""
SEEDS = f"store.index_seeds_v{FORMAT}"
URLS = f"store.index_urls_v{FORMAT}"
URL_KEYS = f"index_urls_v{FORMAT}_key"
"""The index of webUrl rows by key, named where rows are looked up by it (without statistics
SQLite would rather scan every row of the project)."""
VALUES = f"store.index_values_v{FORMAT}"
"""Each seed's distinct keyword values, counted by C016/C017."""
USES = f"store.index_uses_v{FORMAT}"
"""Each keyword value of each seed with its position: a linted file's own, when unchanged."""


def _same_stamp(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} IS {b}.{c}" for c in ("size", "mtime_ns", "ctime_ns", "inode"))


_SAME_STAMP = _same_stamp("f", "w")
VALID_URL = (
    "typeof(u.key) = 'text' AND typeof(u.url) = 'text' AND typeof(u.line) = 'integer'"
    " AND u.line >= 1 AND typeof(u.col) = 'integer' AND u.col >= 1 AND u.silenced IN (0, 1)"
)
KEYWORD_FIELDS = ("type", "category", "provider.name")
VALID_USE = (
    "u.field IN ('type', 'category', 'provider.name') AND typeof(u.scope) = 'text'"
    " AND typeof(u.value) = 'text' AND typeof(u.line) = 'integer' AND u.line >= 1"
    " AND typeof(u.col) = 'integer' AND u.col >= 1 AND u.silenced IN (0, 1)"
)
_UNKNOWN_TO_READ = f"""
SELECT l.path FROM linted_files l
LEFT JOIN walk w ON w.path = l.path
LEFT JOIN {SEEDS} f ON f.project = :project AND f.path = l.path
WHERE l.known = 0 AND (
    w.path IS NULL OR f.path IS NULL OR NOT ({_same_stamp("f", "l")})
    OR typeof(f.seen_ns) != 'integer' OR max(f.mtime_ns, f.ctime_ns) + :racy > f.seen_ns
    OR EXISTS (SELECT 1 FROM {URLS} u WHERE u.project = :project AND u.path = l.path
               AND NOT ({VALID_URL}))
    OR EXISTS (SELECT 1 FROM {USES} u WHERE u.project = :project AND u.path = l.path
               AND NOT ({VALID_USE})))
"""
"""Linted files passed without their facts whose row cannot stand in for them: not a walked
seed, no row at the file's stamp (or one taken too soon after a change), or damaged rows."""
_CHANGED = f"""
SELECT w.path, w.linted FROM walk w
LEFT JOIN {SEEDS} f ON f.project = :project AND f.path = w.path
WHERE f.path IS NULL OR NOT ({_SAME_STAMP})
   OR typeof(f.seen_ns) != 'integer' OR max(f.mtime_ns, f.ctime_ns) + :racy > f.seen_ns
"""
_URL_ROW_OK = (
    "typeof(u.path) = 'text' AND typeof(u.url) = 'text' AND typeof(u.line) = 'integer'"
    " AND u.line >= 1 AND typeof(u.col) = 'integer' AND u.col >= 1"
)
_BAD_ROWS = f"""
SELECT u.path FROM (SELECT DISTINCT key FROM linted_urls) k
    CROSS JOIN {URLS} u INDEXED BY {URL_KEYS} ON u.project = :project AND u.key = k.key
    WHERE NOT ({_URL_ROW_OK})
UNION SELECT path FROM {URLS} WHERE project = :project AND key IS NULL
UNION SELECT path FROM {URLS} WHERE project = :project AND key >= x''
UNION SELECT v.path FROM (SELECT DISTINCT field, scope FROM linted_uses) g
    CROSS JOIN {VALUES} v ON v.project = :project AND v.field = g.field AND v.scope = g.scope
    AND v.value >= x''
"""
"""Damaged rows among those that can take part in comparing the linted facts, found through
indexes: the webUrl rows of a linted key, keys that are not text (a seed's webUrl lost), and
values that are not text (only blobs sort after text; the key columns are never NULL) in
the fields and scopes the linted files use. A row whose path is not text: see LOST_PATHS."""
LOST_PATHS = " UNION ALL ".join(
    f"SELECT path FROM {table} WHERE project = :project AND path >= x''"
    for table in (SEEDS, URLS, VALUES, USES)
)
"""Rows whose path is not text: some seed's row is lost, and which one cannot be told."""
EVERY_SEED: list[object] = [b"every seed"]
"""Forget every row of the project: told apart by identity (no list of every path is built,
and a damaged path never is this one)."""
_UNWALKED_UNKNOWN = (
    "SELECT l.path FROM linted_files l WHERE l.known = 0"
    " AND NOT EXISTS (SELECT 1 FROM walk w WHERE w.path = l.path)"
)
_STALE_UNKNOWN = (
    "SELECT l.path FROM linted_files l JOIN stale s ON s.path = l.path"
    " WHERE l.known = 0 AND s.linted = 1"
)


class ProjectIndex:
    """The stored facts of one project, attached to a run's scratch database as ``store``.

    ``hits`` and ``misses`` count the seeds of the walk that were not linted in this run:
    trusted from their row, or read.
    """

    def __init__(self, conn: sqlite3.Connection, root: Path, cache_dir: Path | None) -> None:
        self.conn = conn
        self.root = root
        self.location = (cache_dir or default_cache_dir()) / CACHE_FILE_NAME
        self.warnings: list[str] = []
        self.hits = 0
        self.misses = 0
        self.project = 0
        self.version = -1
        """The store's data_version when refresh listed the stale seeds."""

    def attach(self, name: str, *, on_disk: bool = True) -> None:
        """Attach the cache file (or, when it cannot be used, an empty in-memory store)."""
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        if on_disk:
            try:
                self._attach(str(self.location))
            except sqlite3.Error:
                self.detach()
                # Set a corrupt file aside (and create a missing folder), then once more.
                cache = ResultCache(self.location, verify=True)
                self.warnings.extend(cache.warnings)
                usable = cache.enabled
                cache.close()
                if not usable:
                    on_disk = False
                else:
                    self._attach(str(self.location))
        if not on_disk:
            self._attach(":memory:")
        conn.execute(
            f"INSERT OR IGNORE INTO store.index_projects_v{FORMAT} (name) VALUES (?)",
            (stored_key(name),),
        )
        row = conn.execute(
            f"SELECT id FROM store.index_projects_v{FORMAT} WHERE name = ?", (stored_key(name),)
        ).fetchone()
        self.project = int(row[0])

    def _attach(self, target: str) -> None:
        conn = self.conn
        conn.execute("ATTACH DATABASE ? AS store", (target,))
        if target != ":memory:":
            # As the result cache opens it: shared by several processes at once.
            conn.execute("PRAGMA store.journal_mode = WAL")
            conn.execute(f"PRAGMA store.cache_size = -{PAGE_CACHE_KIB}")
            conn.execute(f"PRAGMA store.synchronous = {SYNCHRONOUS}")
        conn.executescript(_STORE_SCHEMA)

    def detach(self) -> None:
        """End any transaction and detach the store."""
        conn = self.conn
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with contextlib.suppress(sqlite3.OperationalError):  # never attached
            conn.execute("DETACH DATABASE store")

    def reset(self) -> None:
        """Detach, and forget this run's walk (after a failure, before trying again)."""
        self.detach()
        for table in ("walk", "stale"):
            self.conn.execute(f"DELETE FROM {table}")
        self.hits = self.misses = 0

    def set_aside_if_corrupt(self) -> None:
        """Open the cache file with a full check: a corrupt file is moved aside (and said so)."""
        cache = ResultCache(self.location, verify=True)
        self.warnings.extend(cache.warnings)
        cache.close()

    # -- the walk ---------------------------------------------------------------

    def walk(self, seeds: Iterable[tuple[str, list[os.DirEntry[str]] | None]]) -> None:
        """Stream the stamp of every seed into ``walk`` (batches of one folder's seeds, with
        the folder's display path and a slash); linted files keep their own stamp, and
        when there are many they are not stat()ed again. A folder given without entries is
        one the per-file pass walked whole: its seeds are the linted files below it."""
        with transaction(self.conn):
            self._walk(seeds)

    def _walk(self, seeds: Iterable[tuple[str, list[os.DirEntry[str]] | None]]) -> None:
        conn = self.conn
        seen = time.time_ns()  # before any stat(): a stamp taken later is only safer
        many = conn.execute(f"SELECT count(*) >= {LINTED_LOOKUP} FROM linted_files").fetchone()[0]
        lost = False
        for folder, entries in seeds:
            if entries is None:
                self._take_linted(folder)
                continue
            names = [folder + entry.name for entry in entries]
            if not kept_as_they_are(names):
                names = [stored_key(name) for name in names]
            linted: set[str] | frozenset[str] = frozenset()
            if many:
                # Their stamps were taken by the per-file pass: copied, not stat()ed again.
                # (Two statements, not one INSERT ... RETURNING: SQLite before 3.35 lacks it.)
                among = f"FROM linted_files WHERE path IN ({', '.join('?' * len(names))})"
                linted = {row[0] for row in conn.execute(f"SELECT path {among}", names)}
                if linted:
                    conn.execute(
                        "INSERT OR IGNORE INTO walk SELECT path, size, mtime_ns, ctime_ns,"
                        f" inode, seen_ns, 1 {among}",
                        names,
                    )
            rows, gone = walk_rows(names, entries, linted)
            lost = lost or gone
            conn.executemany(f"INSERT OR IGNORE INTO walk VALUES (?, ?, ?, ?, ?, {seen}, 0)", rows)
        if not many:
            conn.execute(
                "UPDATE walk SET (size, mtime_ns, ctime_ns, inode, seen_ns, linted) ="
                " (SELECT size, mtime_ns, ctime_ns, inode, seen_ns, 1 FROM linted_files l"
                "  WHERE l.path = walk.path)"
                " WHERE path IN (SELECT path FROM linted_files)"
            )
        if lost:
            conn.execute("DELETE FROM walk WHERE size IS NULL")  # gone since listed

    def _take_linted(self, folder: str) -> None:
        """Walk the linted files below ``folder`` (a display path and a slash, or "")."""
        take = (
            "INSERT OR IGNORE INTO walk SELECT path, size, mtime_ns, ctime_ns, inode, seen_ns, 1"
            " FROM linted_files"
        )
        conn = self.conn
        if not folder:
            conn.execute(take)
            return
        # Below it in text order; a name kept escaped (stored_key) starts with a marker
        # instead, so those (rare) are looked at one by one. A folder whose own name is
        # kept escaped (not UTF-8) has only such files below it.
        if kept_as_they_are([folder]):
            conn.execute(f"{take} WHERE path >= ? AND path < ?", (folder, past_prefix(folder)))
        escaped = [
            path
            for (path,) in conn.execute("SELECT path FROM linted_files WHERE path >= ?", (ESCAPED,))
            if original_key(path).startswith(folder)
        ]
        conn.executemany(f"{take} WHERE path = ?", [(path,) for path in escaped])

    # -- bringing the store up to date -----------------------------------------

    def linted_all_walked(self) -> bool:
        """Every linted file is a walked seed."""
        return bool(
            self.conn.execute(
                "SELECT (SELECT count(*) FROM linted_files)"
                " = (SELECT count(*) FROM walk WHERE linted = 1)"
            ).fetchone()[0]
        )

    def fill_unchanged(self, read: Reader) -> None:
        """Read the linted files passed without facts whose rows cannot stand for them. The
        others' rows are copied into the linted tables when there are at most
        :data:`SERVED_FROM` of them; else they stay unknown (``known = 0``) and are answered
        from their stored rows by whole-project queries."""
        conn = self.conn
        if not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM linted_files WHERE known = 0)"
        ).fetchone()[0]:
            return
        params = {"project": self.project, "racy": RACY_NS}
        if conn.execute(
            f"SELECT count(*) > {SERVED_FROM} FROM linted_files WHERE known = 0"
        ).fetchone()[0]:
            # Answered from their stored rows. Those not walked are read now; those with no
            # row at their stamp are stale, read by refresh; damaged rows that would take
            # part in the answer are found inside it (served_checks).
            if not self.linted_all_walked():
                read_unknown(conn, self.root, read, _UNWALKED_UNKNOWN, {})
            return
        read_unknown(conn, self.root, read, _UNKNOWN_TO_READ, params)
        # Few of them: copying their rows costs less than the whole-project queries.
        with transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO linted_urls SELECT u.path, u.key, u.url, u.line, u.col,"
                f" u.silenced, l.inode FROM linted_files l JOIN {URLS} u"
                " ON u.project = :project AND u.path = l.path WHERE l.known = 0",
                params,
            )
            conn.execute(
                "INSERT INTO linted_uses SELECT u.path, u.field, u.scope, u.value, u.line, u.col,"
                f" u.silenced FROM linted_files l JOIN {USES} u"
                " ON u.project = :project AND u.path = l.path WHERE l.known = 0",
                params,
            )
            conn.execute("UPDATE linted_files SET known = 1 WHERE known = 0")

    def refresh(self, read: Reader) -> None:
        """Rewrite the rows of new, changed or damaged seeds: linted ones from this run's
        facts, the others by reading them. Rows of seeds no longer walked are dropped."""
        conn = self.conn
        params = {"project": self.project, "racy": RACY_NS}
        if not self.served():  # else checked inside the answer (served_checks)
            bad = self.lost() or [row[0] for row in conn.execute(_BAD_ROWS, params)]
            if bad:
                self.forget(bad)
        self.version = self.data_version()  # before the stale seeds are listed
        conn.execute("DELETE FROM stale")
        conn.execute(f"INSERT INTO stale {_CHANGED}", params)
        walked, read_count = conn.execute(
            "SELECT (SELECT count(*) FROM walk WHERE linted = 0),"
            " (SELECT count(*) FROM stale WHERE linted = 0)"
        ).fetchone()
        self.misses += read_count
        self.hits += walked - read_count
        if conn.execute("SELECT EXISTS (SELECT 1 FROM stale WHERE linted = 1)").fetchone()[0]:
            # A linted file answered from its rows whose rows were just dropped: read it.
            read_unknown(conn, self.root, read, _STALE_UNKNOWN, {})
            self._write(self._copy_linted)
        after = ""
        while True:
            paths = [
                original_key(row[0])
                for row in conn.execute(
                    "SELECT path FROM stale WHERE linted = 0 AND path > ? ORDER BY path LIMIT ?",
                    (after, _BATCH),
                )
            ]
            if not paths:
                break
            after = stored_key(paths[-1])
            facts = [(path, *read(self.root / path, path)) for path in paths]
            self._write(lambda facts=facts: self._store(facts))  # type: ignore[misc]
        self._drop_gone()

    def lost(self) -> list[object]:
        """:data:`EVERY_SEED` when some row's path is not text (which seed lost a row cannot
        be told: all are read again); else nothing."""
        lost = self.conn.execute(f"SELECT EXISTS ({LOST_PATHS})", {"project": self.project})
        return EVERY_SEED if lost.fetchone()[0] else []

    def data_version(self) -> int:
        """Changes when another connection has committed to the store since the last call."""
        return int(self.conn.execute("PRAGMA store.data_version").fetchone()[0])

    def fresh(self) -> bool:
        """Every walked seed has its row, at its stamp (call inside the answering transaction).

        When no other connection has written to the store since :meth:`refresh` listed the
        stale seeds, this run's own writes made it so: no need to compare every stamp again.
        """
        self.conn.execute(f"SELECT 1 FROM {SEEDS} LIMIT 1").fetchall()  # the snapshot starts
        if self.data_version() == self.version:
            return True
        row = self.conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM walk w LEFT JOIN {SEEDS} f"
            f" ON f.project = :project AND f.path = w.path"
            f" WHERE f.path IS NULL OR NOT ({_SAME_STAMP}))",
            {"project": self.project},
        ).fetchone()
        return not row[0]

    def served(self) -> bool:
        """Some linted files are answered from their stored rows (passed without facts)."""
        return bool(
            self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM linted_files WHERE known = 0)"
            ).fetchone()[0]
        )

    def forget(self, paths: list[object]) -> None:
        """Drop every stored row of these seeds, or of the whole project for
        :data:`EVERY_SEED` (in a write transaction of its own)."""
        self._write(lambda: self._forget(paths))

    def _write(self, action: Callable[[], None]) -> None:
        with transaction(self.conn, immediate=True):
            action()

    def _forget(self, paths: Sequence[object]) -> None:
        if paths is EVERY_SEED:
            for table in (SEEDS, URLS, VALUES, USES):
                self.conn.execute(f"DELETE FROM {table} WHERE project = ?", (self.project,))
            return
        rows = [(self.project, path) for path in paths]
        for table in (SEEDS, URLS, VALUES, USES):
            self.conn.executemany(f"DELETE FROM {table} WHERE project = ? AND path = ?", rows)

    def _copy_linted(self) -> None:
        conn, project = self.conn, {"project": self.project}
        linted = "(SELECT path FROM stale WHERE linted = 1)"
        for table in (URLS, VALUES, USES):
            conn.execute(
                f"DELETE FROM {table} WHERE project = :project AND path IN {linted}", project
            )
        conn.execute(
            f"INSERT OR REPLACE INTO {SEEDS} SELECT :project, path, size, mtime_ns, ctime_ns,"
            f" inode, seen_ns FROM linted_files WHERE path IN {linted}",
            project,
        )
        conn.execute(
            f"INSERT OR REPLACE INTO {URLS} SELECT :project, path, key, url, line, col, silenced"
            f" FROM linted_urls WHERE path IN {linted}",
            project,
        )
        conn.execute(
            f"INSERT INTO {USES} SELECT :project, path, field, scope, value, line, col, silenced"
            f" FROM linted_uses WHERE path IN {linted}",
            project,
        )
        conn.execute(
            f"INSERT OR IGNORE INTO {VALUES} SELECT :project, path, field, scope, value"
            f" FROM linted_uses WHERE path IN {linted}",
            project,
        )

    def _store(self, facts: list[tuple[str, WebUrlEntry | None, KeywordFacts | None]]) -> None:
        conn, project = self.conn, self.project
        keys = [stored_key(path) for path, _, _ in facts]
        self._forget(keys)
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS reading (path TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.reading")
        conn.executemany("INSERT INTO temp.reading VALUES (?)", [(key,) for key in keys])
        conn.execute(
            f"INSERT OR REPLACE INTO {SEEDS} SELECT :project, w.path, w.size, w.mtime_ns,"
            " w.ctime_ns, w.inode, w.seen_ns FROM walk w JOIN temp.reading r ON r.path = w.path",
            {"project": project},
        )
        conn.executemany(
            f"INSERT OR REPLACE INTO {URLS} VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(project, *url_row(entry, 0)[:-1]) for _, entry, _ in facts if entry is not None],
        )
        uses = [
            (project, *row) for _, _, found in facts if found is not None for row in use_rows(found)
        ]
        conn.executemany(f"INSERT INTO {USES} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", uses)
        conn.executemany(
            f"INSERT OR IGNORE INTO {VALUES} VALUES (?, ?, ?, ?, ?)",
            [row[:5] for row in uses],
        )

    def _drop_gone(self) -> None:
        """Forget seeds no longer walked (only when the store holds more than the walk)."""
        conn, project = self.conn, {"project": self.project}
        stored = conn.execute(
            f"SELECT count(*) FROM {SEEDS} WHERE project = :project", project
        ).fetchone()[0]
        walked = conn.execute("SELECT count(*) FROM walk").fetchone()[0]
        if stored <= walked:
            return

        def drop() -> None:
            for table in (SEEDS, URLS, VALUES, USES):
                conn.execute(
                    f"DELETE FROM {table} WHERE project = :project"
                    " AND path NOT IN (SELECT path FROM walk)",
                    project,
                )

        self._write(drop)
