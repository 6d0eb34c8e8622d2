"""The cross-file pass: gather the webUrl (C010) and keyword values (C016, C017) of every seed.

C010, C016 and C017 are each a function of the project's files at the time of the run: each linted
file inside the project root is compared with the seeds of the project
(:func:`seedlint.discovery.project_seeds`: the configured and named folders,
and every ``seeds`` folder), whatever the working folder,
earlier runs or the cache hold. Linted files are never read twice: their
entries come from the per-file pass. Other seeds come from the on-disk
:class:`~seedlint.project_index.ProjectIndex` when their stamp is unchanged,
and are read otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import project_seeds
from seedlint.document import SeedDocument, read_seed_file
from seedlint.project_index import FileStamp, ProjectIndex
from seedlint.rules.consistency import (
    DUPLICATE_WEB_URL,
    WebUrlEntry,
    check_duplicate_web_urls,
    web_url_entry,
)
from seedlint.rules.vocabulary import (
    KeywordFacts,
    check_keyword_variants,
    keyword_uses,
    rule_for,
)
from seedlint.suppressions import suppressions_of

IndexStats = dict[str, int]
Enabled = Callable[[str, str], bool]
"""Whether a code (first argument) is reported for a display path (second)."""


def web_url_fact(document: SeedDocument | None, path: str) -> WebUrlEntry | None:
    """What the cross-file pass needs to know about one parsed seed."""
    entry = web_url_entry(document, path)
    if entry is None or document is None or "seedlint" not in document.text:
        return entry
    probe = DUPLICATE_WEB_URL.at(path, entry.line, entry.column, "")
    silenced = suppressions_of(document).silences(probe)
    return dataclasses.replace(entry, silenced=silenced)


def keyword_fact(document: SeedDocument | None, path: str) -> KeywordFacts | None:
    """The seed's keyword values for C016/C017, each marked when a comment silences it there."""
    facts = keyword_uses(document, path)
    if facts is None or document is None or "seedlint" not in document.text:
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


def project_web_urls(config: Config) -> list[WebUrlEntry]:
    """Every seed of the project with a usable webUrl, by reading only new or changed seeds.

    For callers that compare an unsaved text with the project many times (the
    language server): one scan, then no I/O.
    """
    return project_facts(config)[0]


def project_facts(config: Config) -> tuple[list[WebUrlEntry], list[KeywordFacts]]:
    """:func:`project_web_urls`, and every seed's keyword values (C016, C017), by path."""
    scan = CrossFilePass(config)
    with ProjectIndex.open(scan.root, config.cache_dir) as index:
        entries, keywords = scan._scan_project(index)
    by_path = sorted(entries, key=lambda entry: entry.path)
    return by_path, sorted(keywords, key=lambda facts: facts.path)


def _identified(entry: WebUrlEntry, stamp: FileStamp) -> WebUrlEntry:
    """The entry with its file's identity, so a link and its target are one seed."""
    return dataclasses.replace(entry, file_id=stamp.inode)


class CrossFilePass:
    """C010, C016 and C017, fed file by file as the per-file pass streams its results.

    ``finish`` walks the project, takes each seed's entry from this run, the
    index or the file itself, and compares. With ``project-index = false``
    only the linted files are compared, with each other.
    """

    def __init__(self, config: Config, named: Sequence[Path] = ()) -> None:
        self.config = config
        self.named = named
        self.root = config.root.resolve()
        self.linted: dict[str, tuple[FileStamp, WebUrlEntry | None, KeywordFacts | None]] = {}

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
        self.linted[shown] = (stamp, fact and _identified(fact, stamp), keywords)

    def finish(
        self,
        enabled: Enabled,
        stats: IndexStats | None = None,
        notices: list[str] | None = None,
    ) -> list[Diagnostic]:
        """C010 for every linted file (inside the root) whose webUrl another seed has; C016
        and C017 for its keyword values that are rare variants of the project's common ones."""
        items = sorted(self.linted.items())
        linted = [
            fact for path, (_, fact, _) in items if fact is not None and enabled("C010", path)
        ]
        linted_keywords = [
            KeywordFacts(path, tuple(u for u in kw.uses if enabled(rule_for(u).code, path)))
            for path, (_, _, kw) in items
            if kw is not None
        ]
        linted_keywords = [facts for facts in linted_keywords if facts.uses]
        if not linted and not linted_keywords:
            return []
        if not self.config.project_index:
            everyone = [fact for _, fact, _ in self.linted.values() if fact is not None]
            all_keywords = [kw for _, _, kw in self.linted.values() if kw is not None]
        else:
            with ProjectIndex.open(self.root, self.config.cache_dir) as index:
                everyone, all_keywords = self._scan_project(index)
                if stats is not None:
                    stats.update(hits=index.hits, misses=index.misses)
                if notices is not None:
                    notices.extend(index.cache.warnings)
        return [
            *check_duplicate_web_urls(linted, everyone),
            *check_keyword_variants(linted_keywords, all_keywords, self.config),
        ]

    def _scan_project(self, index: ProjectIndex) -> tuple[list[WebUrlEntry], list[KeywordFacts]]:
        """Every seed of the project's entry; the index learns what was read or linted.

        Every seed is stat()ed; only those whose stamp differs from the stored
        one (or was taken too soon after a change) are read. Stored seeds that
        are no longer part of the project are forgotten.
        """
        config = self.config
        stored = index.load()
        entries: list[WebUrlEntry] = []
        keywords: list[KeywordFacts] = []
        for dir_entry, shown in project_seeds(self.root, config, self.named):
            known = stored.pop(shown, None)
            linted = self.linted.get(shown)
            if linted is not None:
                stamp, entry, facts = linted
            else:
                current = FileStamp.of(dir_entry)
                if current is None:
                    continue
                if known is not None and known.stamp.settled and known.stamp.same_file(current):
                    index.hits += 1
                    if known.entry is not None:
                        entries.append(_identified(known.entry, current))
                    if known.keywords is not None:
                        keywords.append(known.keywords)
                    continue
                index.misses += 1
                stamp = current
                result = read_seed_file(Path(dir_entry.path), shown, config.max_file_size)
                entry = web_url_fact(result.document, shown)
                facts = keyword_fact(result.document, shown)
            if known is None or not (known.stamp.settled and known.stamp.same_file(stamp)):
                index.record(shown, stamp, entry, facts)
            if entry is not None:
                entries.append(_identified(entry, stamp))
            if facts is not None:
                keywords.append(facts)
        index.forget(stored)
        return entries, keywords
