"""The cross-file pass: compare the webUrl (C010) and keyword values (C016, C017) of seeds.

C010, C016 and C017 are each a function of the project's files at the time of the run: each linted
file inside the project root is compared with the seeds of the project
(:func:`seedlint.discovery.project_seeds`: the configured and named folders,
and every ``seeds`` folder), whatever the working folder,
earlier runs or the cache hold. Linted files are never read twice: their
facts come from the per-file pass, streamed into a scratch SQLite database as
they arrive (no Python object is kept per file). Other seeds' facts come from
the on-disk :class:`~seedlint.project_index.ProjectIndex` when their stamp is
unchanged, and are read otherwise; the comparisons are SQL queries
(:mod:`seedlint.cross_file_queries`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

from seedlint import cross_file_queries as queries
from seedlint.cache import kept_as_they_are, original_key, stored_key
from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import project_seeds
from seedlint.document import SeedDocument, read_seed_file
from seedlint.project_index import URLS, VALUES, FileStamp, ProjectIndex
from seedlint.rules.consistency import DUPLICATE_WEB_URL, WebUrlEntry, web_url_entry
from seedlint.rules.vocabulary import KeywordFacts, keyword_uses, rule_for
from seedlint.scratch import (
    Facts,
    UrlRow,
    UseRow,
    read_unknown,
    transaction,
    url_row,
    use_rows,
    work_database,
)
from seedlint.served_rows import served_checks
from seedlint.suppressions import may_suppress, suppressions_of
from seedlint.version import __version__

IndexStats = dict[str, int]
Enabled = Callable[[str, str], bool]
"""Whether a code (first argument) is reported for a display path (second)."""
_BATCH = 500
_FRESH_TRIES = 3
T = TypeVar("T")
StampRow = tuple[str, int, int, int, int, int]
"""A linted file passed without facts: display path, then a FileStamp's fields in order."""
_INSERT_UNKNOWN = "INSERT OR REPLACE INTO linted_files VALUES (?, ?, ?, ?, ?, ?, 0)"


def web_url_fact(document: SeedDocument | None, path: str) -> WebUrlEntry | None:
    """What the cross-file pass needs to know about one parsed seed."""
    entry = web_url_entry(document, path)
    if entry is None or document is None or not may_suppress(document.text):
        return entry
    probe = DUPLICATE_WEB_URL.at(path, entry.line, entry.column, "")
    silenced = suppressions_of(document).silences(probe)
    return dataclasses.replace(entry, silenced=silenced)


def keyword_fact(document: SeedDocument | None, path: str) -> KeywordFacts | None:
    """The seed's keyword values for C016/C017, each marked when a comment silences it there."""
    facts = keyword_uses(document, path)
    if facts is None or document is None or not may_suppress(document.text):
        return facts
    suppressions = suppressions_of(document)
    uses = tuple(
        dataclasses.replace(
            use,
            silenced=suppressions.silences(rule_for(use).at(path, use.line, use.column, "")),
        )
        for use in facts.uses
    )
    return KeywordFacts(path, uses)


def read_facts(config: Config) -> Callable[[Path, str], Facts]:
    """How the project index reads a seed it has no fresh row for."""

    def read(file: Path, shown: str) -> Facts:
        result = read_seed_file(file, shown, config.max_file_size)
        return web_url_fact(result.document, shown), keyword_fact(result.document, shown)

    return read


def project_name(root: Path, config: Config) -> str:
    """What the stored facts of a project are filed under: its root, and what else they depend
    on (the size limit decides whether a seed is read at all; the version, how facts are taken)."""
    return f"{root}\n{config.max_file_size}\n{__version__}"


def project_web_urls(config: Config) -> list[WebUrlEntry]:
    """Every seed of the project with a usable webUrl, by reading only new or changed seeds.

    For callers that compare an unsaved text with the project many times (the
    language server): one scan, then no I/O.
    """
    return project_facts(config)[0]


SeedValues = dict[str, frozenset[tuple[str, str, str]]]
"""Each seed's distinct keyword values (field, scope, value), by display path."""


def project_facts(config: Config) -> tuple[list[WebUrlEntry], SeedValues]:
    """:func:`project_web_urls` (sorted by path), and every seed's keyword values (C016, C017)."""

    def read(index: ProjectIndex) -> tuple[list[WebUrlEntry], dict[str, set[tuple[str, str, str]]]]:
        conn = index.conn
        entries = [
            WebUrlEntry(original_key(p), original_key(k), original_key(u), line, col, False, i)
            for p, k, u, line, col, i in conn.execute(
                "SELECT u.path, u.key, u.url, u.line, u.col, w.inode"
                f" FROM {URLS} u JOIN walk w ON w.path = u.path WHERE u.project = ?"
                " AND typeof(u.key) = 'text' AND typeof(u.url) = 'text'"
                " AND typeof(u.line) = 'integer' AND u.line >= 1"
                " AND typeof(u.col) = 'integer' AND u.col >= 1",
                (index.project,),
            )
        ]
        values: dict[str, set[tuple[str, str, str]]] = {}
        for path, field, scope, value in conn.execute(
            f"SELECT v.path, v.field, v.scope, v.value FROM {VALUES} v"
            " JOIN walk w ON w.path = v.path WHERE v.project = ?",
            (index.project,),
        ):
            if isinstance(value, str) and isinstance(scope, str):
                values.setdefault(original_key(path), set()).add(
                    (field, original_key(scope), original_key(value))
                )
        return entries, values

    scan = CrossFilePass(config)
    try:
        entries, values = scan.answer(read)
    finally:
        scan.close()
    entries.sort(key=lambda entry: entry.path)
    return entries, {path: frozenset(found) for path, found in values.items()}


def _file_row(shown: str, stamp: FileStamp, *, known: bool) -> tuple[object, ...]:
    return (
        stored_key(shown),
        stamp.size,
        stamp.mtime_ns,
        stamp.ctime_ns,
        stamp.inode,
        stamp.seen_ns,
        int(known),
    )


class CrossFilePass:
    """C010, C016 and C017, fed file by file as the per-file pass streams its results.

    ``finish`` walks the project, brings the index up to date and compares in
    SQL. With ``project-index = false`` only the linted files are compared,
    with each other.
    """

    def __init__(
        self, config: Config, named: Sequence[Path] = (), covered: Collection[str] = ()
    ) -> None:
        """``named``: the paths named on the command line; ``covered``: the folders whose
        files were all passed to this pass (see :func:`seedlint.discovery.stream`), filled at
        the latest when :meth:`finish` is called."""
        self.config = config
        self.named = named
        self.covered = covered
        self.root = config.root.resolve()
        self._conn: sqlite3.Connection | None = None
        self._files: list[tuple[object, ...]] = []
        self._urls: list[UrlRow] = []
        self._uses: list[UseRow] = []
        self._with_facts = False
        """Some file was added with its facts (add): a later add_unchanged_many may name it."""
        self._purge = False
        """Facts of files added again without them may be left in the linted tables."""
        self.warnings: list[str] = []

    @property
    def conn(self) -> sqlite3.Connection:
        """The scratch database of this pass (created on first use)."""
        if self._conn is None:
            self._conn = work_database()
        return self._conn

    def add(
        self,
        shown: str,
        stamp: FileStamp | None,
        fact: WebUrlEntry | None,
        keywords: KeywordFacts | None = None,
    ) -> None:
        """Record one linted file (``shown`` is its display path)."""
        if stamp is None:
            return  # outside the project root (or gone): compared with nothing
        self._files.append(_file_row(shown, stamp, known=True))
        if fact is not None:
            self._urls.append(url_row(fact, stamp.inode))
            self._with_facts = True
        if keywords is not None:
            self._uses.extend(use_rows(keywords))
            self._with_facts = True
        if len(self._files) >= _BATCH:
            self._flush()

    def add_unchanged(self, shown: str, stamp: FileStamp | None) -> None:
        """Record one linted file whose bytes are those of an earlier run (a result-cache hit
        trusted by its stamp), without its facts: they come from the project index row at
        that stamp, or the file is read again."""
        if stamp is None:
            return
        self._purge = self._purge or self._with_facts
        self._files.append(_file_row(shown, stamp, known=False))
        if len(self._files) >= _BATCH:
            self._flush()

    def add_unchanged_many(self, rows: Iterable[StampRow]) -> None:
        """:meth:`add_unchanged` for many files at once, each row ``(shown, size, mtime_ns,
        ctime_ns, inode, seen_ns)``: no Python object is made per row. A file without a stamp
        (outside the root, gone) is not passed at all.

        The rows go to SQLite as they are, in batches; a batch with a name SQLite cannot
        store as text (or one that looks escaped) is escaped row by row instead.
        """
        pending = iter(rows)
        batch = list(islice(pending, _BATCH))
        if not batch:
            return
        self._flush()
        self._purge = self._purge or self._with_facts
        conn = self.conn
        with transaction(conn):
            while batch:
                if not kept_as_they_are(map(itemgetter(0), batch)):
                    batch = [(stored_key(row[0]), *row[1:]) for row in batch]
                conn.executemany(_INSERT_UNKNOWN, batch)
                batch = list(islice(pending, _BATCH))

    def _flush(self) -> None:
        if not self._files:
            return
        conn = self.conn
        with transaction(conn):
            paths = [(row[0],) for row in self._files]
            conn.executemany("DELETE FROM linted_uses WHERE path = ?", paths)
            conn.executemany("DELETE FROM linted_urls WHERE path = ?", paths)
            conn.executemany(
                "INSERT OR REPLACE INTO linted_files VALUES (?, ?, ?, ?, ?, ?, ?)", self._files
            )
            conn.executemany(
                "INSERT OR REPLACE INTO linted_urls VALUES (?, ?, ?, ?, ?, ?, ?)", self._urls
            )
            conn.executemany("INSERT INTO linted_uses VALUES (?, ?, ?, ?, ?, ?, ?)", self._uses)
        self._files, self._urls, self._uses = [], [], []

    def _settle(self) -> None:
        """Write what is buffered, and forget the facts of files added with them and then
        again without (the last wins, as with :meth:`add`)."""
        self._flush()
        if not self._purge:
            return
        with transaction(self.conn):
            for table in ("linted_urls", "linted_uses"):
                self.conn.execute(
                    f"DELETE FROM {table} WHERE path IN"
                    " (SELECT path FROM linted_files WHERE known = 0)"
                )
        self._purge = False

    def close(self) -> None:
        """Drop the scratch database."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def finish(
        self,
        enabled: Enabled,
        stats: IndexStats | None = None,
        notices: list[str] | None = None,
    ) -> list[Diagnostic]:
        """C010 for every linted file (inside the root) whose webUrl another seed has; C016
        and C017 for its keyword values that are rare variants of the project's common ones."""
        self._settle()
        if self._conn is None or not queries.anything_enabled(self.conn, enabled):
            self.close()
            return []
        try:
            if not self.config.project_index:
                read_unknown(
                    self.conn,
                    self.root,
                    read_facts(self.config),
                    "SELECT path FROM linted_files WHERE known = 0",
                    {},
                )
                return self._compare(enabled, queries.LINTED_URLS, queries.LINTED_VALUES, 0)

            def compare(index: ProjectIndex) -> list[Diagnostic]:
                found = self._compare(
                    enabled, queries.PROJECT_URLS, queries.PROJECT_VALUES, index.project
                )
                if stats is not None:
                    stats.update(hits=index.hits, misses=index.misses)
                return found

            return self.answer(compare)
        finally:
            if notices is not None:
                notices.extend(self.warnings)
            self.close()

    def _compare(self, enabled: Enabled, urls: str, values: str, project: int) -> list[Diagnostic]:
        conn = self.conn
        # Inside the answering transaction when the index is used; a read of its own else.
        with contextlib.nullcontext() if conn.in_transaction else transaction(conn):
            served = urls != queries.LINTED_URLS and bool(
                conn.execute(queries.SERVED).fetchone()[0]
            )
            return [
                *queries.duplicate_web_urls(conn, urls, project, enabled, served=served),
                *queries.keyword_variants(
                    conn,
                    values,
                    project,
                    enabled,
                    self.config,
                    indexed=values != queries.LINTED_VALUES,
                    served=served,
                ),
            ]

    def answer(self, action: Callable[[ProjectIndex], T]) -> T:
        """``action`` on the project index brought up to date with the walk and this run's
        linted files, in one read transaction in which every walked seed's row is at its
        stamp. A cache file that fails (damaged, locked for too long) gives way to an empty
        in-memory store: the answer is the same, only slower."""
        self._settle()
        name = project_name(self.root, self.config)
        index = ProjectIndex(self.conn, self.root, self.config.cache_dir)
        try:
            for on_disk in (True, False):
                try:
                    if self._bring_up_to_date(index, name, on_disk=on_disk):
                        try:
                            return action(index)
                        finally:
                            index.detach()
                    index.warnings.append("project index kept changing; compared without it")
                except sqlite3.DatabaseError as exc:
                    if not on_disk:
                        raise
                    index.warnings.append(f"project index not used: {exc}")
                    if not isinstance(exc, sqlite3.OperationalError):
                        index.reset()
                        index.set_aside_if_corrupt()
                        continue
                index.reset()
            raise AssertionError("unreachable: an in-memory store is always fresh")
        finally:
            self.warnings.extend(index.warnings)

    def _bring_up_to_date(self, index: ProjectIndex, name: str, *, on_disk: bool) -> bool:
        """Attach, walk and refresh; True inside a read transaction where the index is fresh."""
        index.attach(name, on_disk=on_disk)
        index.walk(
            project_seeds(self.root, self.config, self.named, batch=_BATCH, covered=self.covered)
        )
        index.fill_unchanged(read_facts(self.config))
        changed = repaired = 0
        while changed < _FRESH_TRIES and repaired < _FRESH_TRIES:
            index.refresh(read_facts(self.config))
            self.conn.execute("BEGIN")
            if not index.fresh():
                self.conn.execute("COMMIT")  # changed under us (another run): again
                changed += 1
                continue
            damaged = served_checks(index) if index.served() else []
            if not damaged:
                return True
            self.conn.execute("COMMIT")
            index.forget(damaged)  # and read again (see refresh)
            repaired += 1  # damage of another kind may show once this is repaired
        return False
