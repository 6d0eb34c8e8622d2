"""The cross-file pass: findings that need every seed of the project (C010).

Runs in the parent process alongside the per-file pass, from the small fact
each file's lint returned (its webUrl and position), so linted files are never
read twice. Seeds of the project that were not linted come from the on-disk
:class:`~seedlint.project_index.ProjectIndex`, read only when new or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import walk
from seedlint.document import SeedDocument, read_seed_file
from seedlint.formats import is_valid_url, url_key
from seedlint.project_index import FileStamp, IndexedSeed, ProjectIndex, WebUrlFact
from seedlint.rules.consistency import DUPLICATE_WEB_URL
from seedlint.suppressions import parse_suppressions

IndexStats = dict[str, int]


def web_url_fact(document: SeedDocument | None) -> WebUrlFact:
    """What the cross-file pass needs to know about one parsed seed."""
    if document is None or not isinstance(document.data, dict):
        return WebUrlFact(None)
    url = document.data.get("webUrl")
    span = document.values.get(("webUrl",))
    if not isinstance(url, str) or span is None or not is_valid_url(url):
        return WebUrlFact(None)
    silenced = False
    if "seedlint" in document.text:
        probe = DUPLICATE_WEB_URL.at(document.path, span.line, span.column, "")
        silenced = parse_suppressions(document.text).silences(probe)
    return WebUrlFact(url, span.line, span.column, silenced, url_key(url))


def duplicate_finding(path: str, fact: WebUrlFact, others: Sequence[IndexedSeed]) -> Diagnostic:
    """C010 for the seed at ``path``, whose webUrl the ``others`` (sorted by path) share."""
    where = ", ".join(f"{o.path}:{o.fact.line}:{o.fact.column}" for o in others)
    message = f'webUrl "{fact.url}" is also the webUrl of {where}'
    return DUPLICATE_WEB_URL.at(path, fact.line, fact.column, message)


def project_web_urls(config: Config) -> list[IndexedSeed]:
    """Every seed of the project with its webUrl fact, the on-disk index brought up to date.

    For callers that compare an unsaved text with the project many times (the
    language server): one scan that reads only new or changed seeds, then no I/O.
    """
    scan = CrossFilePass(config)
    with scan.index:
        scan._scan_project()
        return scan.index.seeds()


class CrossFilePass:
    """C010, fed file by file as the per-file pass streams its results.

    Each linted seed's fact is recorded in the project index as it arrives;
    ``finish`` brings the index up to date with the rest of the project (only
    new or changed seeds are read) and asks it for the groups of seeds sharing
    a webUrl. With ``project-index = false`` the index lives in memory and only
    the linted files are compared.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root.resolve()
        if config.project_index:
            self.index = ProjectIndex.open(self.root, config.cache_dir)
        else:
            self.index = ProjectIndex.in_memory()
        self.inside = False

    def add(self, shown: str, stamp: FileStamp | None, fact: WebUrlFact | None) -> None:
        """Record one linted file (``shown`` is its display path)."""
        if stamp is None or fact is None:
            return
        # Files from outside the project are compared among themselves only: the
        # project's seeds are not theirs (their rows are dropped by the next scan).
        self.inside = self.inside or not Path(shown).is_absolute()
        self.index.record(shown, stamp, fact, linted=True)

    def finish(
        self,
        enabled: Callable[[str], bool],
        stats: IndexStats | None = None,
        notices: list[str] | None = None,
    ) -> list[Diagnostic]:
        """C010 for every group of seeds sharing a webUrl that a linted file is in."""
        with self.index:
            if self.config.project_index and self.inside:
                self._scan_project()
            groups = self.index.shared_web_urls()
            if stats is not None:
                stats.update(hits=self.index.hits, misses=self.index.misses)
            if notices is not None:
                notices.extend(self.index.cache.warnings)
        diagnostics: list[Diagnostic] = []
        for group in groups:
            for seed in group:
                if seed.fact.silenced or not enabled(seed.path):
                    continue
                others = [o for o in group if o is not seed]
                diagnostics.append(duplicate_finding(seed.path, seed.fact, others))
        return diagnostics

    def _scan_project(self) -> None:
        """Record every new or changed seed under the root; forget the deleted ones.

        Every seed is stat()ed and only new or changed ones are read; what stays
        in memory is a (size, mtime) pair per stored seed, not its facts.
        """
        index, config = self.index, self.config
        stored = index.stamps()
        for folder in config.paths:
            start = self.root / folder
            if not start.is_dir():
                continue
            for entry, shown in walk(start, config, ordered=False):
                known = stored.pop(shown, None)
                if known is not None and known[2]:
                    continue  # linted in this run: recorded already
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                stamp = FileStamp(stat.st_size, stat.st_mtime_ns)
                if known is not None and (known[0], known[1]) == (stamp.size, stamp.mtime_ns):
                    index.hits += 1
                    continue
                index.misses += 1
                document = read_seed_file(Path(entry.path), shown, config.max_file_size).document
                index.record(shown, stamp, web_url_fact(document), linted=False)
        index.forget(path for path, (_, _, this_run) in stored.items() if not this_run)
