"""The result cache: one SQLite file of small JSON values (stdlib only).

Schema (one table, ``schema_version`` in ``PRAGMA user_version``)::

    entries(namespace TEXT, key TEXT, value TEXT /* JSON */,
            stored_at REAL, expires_at REAL NULL, PRIMARY KEY (namespace, key))

Probe results live in namespaces ``probe:<kind>:<settings fingerprint>`` keyed
by URL; the result cache (:mod:`seedlint.result_cache`) keeps each linted
file's sealed entry in ``results:<format>:<fingerprint>`` and, for a clean
one, its clean record in ``results:<format>c:<fingerprint>``, both keyed by
path. Values go through ``get_json`` / ``put_json`` / ``put_many`` /
``values_of``. The project index's rows (C010, C016, C017) are tables of their
own in the same file (:mod:`seedlint.project_index`).

Several processes may share the file: WAL journal, a busy timeout, one short
transaction per call, and a bounded retry when SQLite still says "locked".
The cache is only ever a cache: a corrupt file is renamed aside and rebuilt,
and any other database failure turns into a miss (reads) or a skipped write,
recorded in ``warnings`` -- never an exception to the caller.

Nothing is flushed to the disk (``PRAGMA synchronous = OFF``, :data:`SYNCHRONOUS`).
Each connection that writes would otherwise wait for four ``fdatasync`` calls (the
WAL file created, then checkpointed and deleted at close): a pre-commit run of
one file spent more time waiting for them than linting, up to 30 ms on a busy
disk. What that gives up is only what an operating-system crash or a power cut
could take: the last writes, or the file itself. Neither can change a result:
result entries carry a digest of their own text, project-index rows are checked
for type and trusted only at their file's exact stamp, and a damaged page is a
"malformed" error that sets the file aside and starts a new one, said in a notice.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from _thread import allocate_lock
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
_LOCK_RETRIES = 8
SYNCHRONOUS = "OFF"
"""Never wait for the disk (see the module docstring): a cache may lose its last writes."""
_BUSY_TIMEOUT_MS = 5000
KEYS_PER_QUERY = 997
"""SQLite builds before 3.32 bind at most 999 values per statement."""
PAGE_CACHE_KIB = 512
"""SQLite's page cache for each database a run opens (the cache file, the project index attached
to the scratch database, the scratch database itself; SQLite's default is 2 MB each). A run
writes each row once and looks it up about once, so a bigger cache would mostly grow with the
project: memory is to stay flat from 1,000 to 100,000 seeds."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    stored_at  REAL NOT NULL,
    expires_at REAL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at);
"""

ESCAPED = "\ufdd0"
"""Starts a key stored as the hex of its bytes (a noncharacter: no real name starts with it)."""
_ESCAPED = ESCAPED


def stored_key(key: str) -> str:
    """``key`` as SQLite can store it.

    A file name that is not valid UTF-8 reaches Python with lone surrogates
    (``surrogateescape``), and so may a URL written with a ``\\ud800`` escape;
    SQLite cannot encode those. Such a key (or one that starts with the marker)
    is stored as the marker and the hex of its bytes, so it round-trips
    through :func:`original_key` and never equals another key.
    """
    if key.startswith(_ESCAPED):
        return _ESCAPED + key.encode("utf-8", "surrogatepass").hex()
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return _ESCAPED + key.encode("utf-8", "surrogatepass").hex()
    return key


def past_prefix(prefix: str) -> str:
    """The least text after every text that starts with ``prefix`` (not empty): ``key >=
    prefix AND key < past_prefix(prefix)`` selects them through an index."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def kept_as_they_are(keys: Iterable[str]) -> bool:
    """Whether :func:`stored_key` keeps every one of ``keys`` (and :func:`original_key` every
    stored one): checked on one string joined in C, not key by key (no key holds a NUL)."""
    joined = "\0".join(keys)
    if joined.startswith(_ESCAPED) or f"\0{_ESCAPED}" in joined:
        return False
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def original_key(stored: str) -> str:
    """The key :func:`stored_key` was given."""
    if not stored.startswith(_ESCAPED):
        return stored
    return bytes.fromhex(stored[len(_ESCAPED) :]).decode("utf-8", "surrogatepass")


def _stored_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(original_key(v) if isinstance(v, str) else v for v in row)


def _pause(attempt: int) -> None:
    """Back off before retrying a locked database, with jitter so processes do not collide."""
    import random  # rare path; random pulls in hashlib, which costs start-up time

    time.sleep(0.05 * (attempt + 1) * random.uniform(0.5, 1.5))


def _is_lock_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class ResultCache:
    """A cache file; methods are thread-safe (one connection behind a lock)."""

    def __init__(
        self, path: Path, *, clock: Callable[[], float] = time.time, verify: bool = True
    ) -> None:
        """Open (or create) the cache file.

        ``verify`` runs SQLite's ``quick_check`` first, which reads the whole file
        (about 50 ms for a 10,000-seed project): stores whose every value carries its
        own integrity check turn it off, and a damaged page still shows up as a
        failed query, handled like a corrupt file.
        """
        self.path = path
        self.clock = clock
        self.verify = verify
        self.warnings: list[str] = []
        # threading.Lock is this very function; the threading module costs a run 0.5 ms.
        self._lock = allocate_lock()
        self._conn: sqlite3.Connection | None = None
        self._open()

    # -- lifecycle -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, keeping transactions short.
        conn = sqlite3.connect(
            self.path,
            timeout=_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            if self.verify:
                row = conn.execute("PRAGMA quick_check").fetchone()
                if row is None or row[0] != "ok":
                    raise sqlite3.DatabaseError(f"quick_check: {row[0] if row else 'no answer'}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                # An older or newer layout: a cache can simply start again.
                conn.execute("DROP TABLE IF EXISTS entries")
            conn.executescript(_SCHEMA)
            if version != SCHEMA_VERSION:  # written once, not by every run that opens the file
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self) -> None:
        for attempt in range(_LOCK_RETRIES):
            try:
                self._conn = self._connect()
                return
            except sqlite3.Error as exc:
                if _is_lock_error(exc):
                    _pause(attempt)
                    continue
                corrupt = isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc,
                    sqlite3.OperationalError,  # e.g. "unable to open": not the file's fault
                )
                if corrupt and self._set_aside(exc):
                    continue  # rebuilt from scratch on the next attempt
                break
            except OSError as exc:  # unwritable directory and the like
                self._disable(f"cache disabled: {exc}")
                return
        self._disable(f"cache disabled: could not open {self.path}")

    def _set_aside(self, exc: BaseException) -> bool:
        """Rename a corrupt file (and its WAL/SHM) aside; True when a fresh start is possible."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.urandom(2).hex()}")
        try:
            self.path.rename(target)
        except FileNotFoundError:
            return True  # another process already moved it
        except OSError as err:
            self._disable(f"cache disabled: corrupt ({exc}) and could not be moved: {err}")
            return False
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            with contextlib.suppress(OSError):  # gone already, or never there
                side.rename(target.with_name(target.name + suffix))
        message = f"cache file was corrupt ({exc}); moved aside to {target.name} and rebuilt"
        self.warnings.append(message)
        return True

    def _disable(self, message: str) -> None:
        self.warnings.append(message)
        self._conn = None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def enabled(self) -> bool:
        """False once the cache gave up (it then answers misses and drops writes)."""
        return self._conn is not None

    # -- the one place SQL runs -----------------------------------------

    def _run(self, fn: Callable[[sqlite3.Connection], Any], *, write: bool) -> Any:
        with self._lock:
            for attempt in range(_LOCK_RETRIES):
                conn = self._conn
                if conn is None:
                    return None
                try:
                    if not write:
                        return fn(conn)
                    # IMMEDIATE takes the write lock up front, so the busy timeout
                    # applies instead of failing on a read-to-write upgrade.
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        result = fn(conn)
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
                    return result
                except sqlite3.Error as exc:
                    if _is_lock_error(exc):
                        _pause(attempt)
                        continue
                    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                        exc, sqlite3.OperationalError
                    ):
                        # Corrupted under us: start again with an empty file.
                        conn.close()
                        self._conn = None
                        if self._set_aside(exc):
                            try:
                                self._conn = self._connect()
                            except sqlite3.Error as err:
                                self._disable(f"cache disabled: {err}")
                        return None
                    self.warnings.append(f"cache error ignored: {exc}")
                    return None
            self.warnings.append("cache busy: an operation was skipped")
            return None

    # -- generic JSON values ----------------------------------------------

    def get_json(self, namespace: str, key: str) -> Any:
        """The value stored under (namespace, key) if present and fresh, else None."""
        now = self.clock()
        row = self._run(
            lambda c: c.execute(
                "SELECT value FROM entries WHERE namespace = ? AND key = ?"
                " AND (expires_at IS NULL OR expires_at > ?)",
                (namespace, stored_key(key), now),
            ).fetchone(),
            write=False,
        )
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return None

    def put_json(self, namespace: str, key: str, value: Any, ttl: float | None) -> None:
        """Store a JSON-serialisable value; ``ttl`` in seconds, None = never expires."""
        now = self.clock()
        blob = json.dumps(value, sort_keys=True, separators=(",", ":"))
        expires = None if ttl is None else now + ttl
        self._run(
            lambda c: c.execute(
                "INSERT OR REPLACE INTO entries (namespace, key, value, stored_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (namespace, stored_key(key), blob, now, expires),
            ),
            write=True,
        )

    def put_many(
        self,
        namespace: str,
        items: list[tuple[str, Any]],
        ttl: float | None,
        *,
        encoded: bool = False,
    ) -> None:
        """Store several values in one transaction (one lock wait, not one per value);
        ``encoded``: the values are JSON text already."""
        if not items:
            return
        now = self.clock()
        expires = None if ttl is None else now + ttl
        rows = [
            (
                namespace,
                stored_key(key),
                value if encoded else json.dumps(value, sort_keys=True, separators=(",", ":")),
                now,
                expires,
            )
            for key, value in items
        ]
        self._run(
            lambda c: c.executemany(
                "INSERT OR REPLACE INTO entries (namespace, key, value, stored_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            ),
            write=True,
        )

    def delete(self, namespace: str, key: str) -> None:
        """Forget one entry."""
        self.delete_many(namespace, [key])

    def delete_many(self, namespace: str, keys: list[str]) -> None:
        """Forget several entries in one transaction."""
        if not keys:
            return
        self._run(
            lambda c: c.executemany(
                "DELETE FROM entries WHERE namespace = ? AND key = ?",
                [(namespace, stored_key(key)) for key in keys],
            ),
            write=True,
        )

    def holds(self, namespace: str) -> bool:
        """Whether ``namespace`` holds any entry (fresh or not); False when the cache is off."""
        row = self._run(
            lambda c: c.execute(
                "SELECT EXISTS (SELECT 1 FROM entries WHERE namespace = ?)", (namespace,)
            ).fetchone(),
            write=False,
        )
        return bool(row and row[0])

    def values_of(self, namespace: str, keys: list[str]) -> dict[str, str]:
        """The fresh values stored under ``keys`` of ``namespace``, by key (a query per
        :data:`KEYS_PER_QUERY` keys; keys without a value are left out). For the result
        cache's batches of files."""
        if len(keys) > KEYS_PER_QUERY:
            found: dict[str, str] = {}
            for start in range(0, len(keys), KEYS_PER_QUERY):
                found.update(self.values_of(namespace, keys[start : start + KEYS_PER_QUERY]))
            return found
        if not keys:
            return {}
        now = self.clock()
        sql = (
            "SELECT key, value FROM entries WHERE namespace = ?"
            f" AND key IN ({','.join('?' * len(keys))})"
            " AND (expires_at IS NULL OR expires_at > ?)"
        )
        plain = kept_as_they_are(keys)
        bound = (namespace, *(keys if plain else map(stored_key, keys)), now)
        rows = self._run(lambda c: c.execute(sql, bound).fetchall(), write=False) or []
        if plain:  # the keys that come back are some of those sent
            return {key: value for key, value in rows if isinstance(value, str)}
        return {original_key(key): value for key, value in rows if isinstance(value, str)}

    def select(self, sql: str, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run a read-only query over ``entries`` (for stores that query their JSON values
        with SQLite's JSON functions rather than load them); [] when the cache is off.

        Text parameters go in, and text columns come out, as keys (:func:`stored_key`).
        """
        bound = {k: stored_key(v) if isinstance(v, str) else v for k, v in parameters.items()}
        rows = self._run(lambda c: c.execute(sql, bound).fetchall(), write=False)
        return [_stored_row(row) for row in rows or []]

    def purge_expired(self, prefix: str = "") -> int:
        """Delete expired entries (of namespaces starting with ``prefix``); returns how many."""
        now = self.clock()
        count = self._run(
            lambda c: (
                c.execute(
                    "DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= ?"
                    " AND substr(namespace, 1, length(?)) = ?",
                    (now, prefix, prefix),
                ).rowcount
            ),
            write=True,
        )
        return int(count or 0)

    def drop_namespaces(self, prefix: str) -> int:
        """Delete every entry of the namespaces starting with ``prefix`` (a layout no version
        reads any more); returns how many."""
        end = past_prefix(prefix)
        count = self._run(
            lambda c: (
                c.execute(
                    "DELETE FROM entries WHERE namespace >= ? AND namespace < ?", (prefix, end)
                ).rowcount
            ),
            write=True,
        )
        return int(count or 0)

    # -- probe results ------------------------------------------------------

    @staticmethod
    def result_namespace(kind: str, fingerprint: str) -> str:
        """Namespace of cached probe results of ``kind`` under a settings fingerprint."""
        return f"probe:{kind}:{fingerprint}"
