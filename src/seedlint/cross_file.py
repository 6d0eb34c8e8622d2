"""The cross-file pass: findings that need every seed of the project (C010).

Runs in the parent process after the per-file pass, from the small facts each
file's lint returned (its webUrl and position), so linted files are never read
twice. Seeds of the project that were not linted come from the on-disk
:class:`~seedlint.project_index.ProjectIndex`, read only when new or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import display_path, walk
from seedlint.document import SeedDocument, read_seed_file
from seedlint.formats import url_key, url_problem
from seedlint.project_index import FileStamp, ProjectIndex, WebUrlFact
from seedlint.rules.consistency import DUPLICATE_WEB_URL
from seedlint.suppressions import parse_suppressions

IndexStats = dict[str, int]


def web_url_fact(document: SeedDocument | None) -> WebUrlFact:
    """What the cross-file pass needs to know about one parsed seed."""
    if document is None or not isinstance(document.data, dict):
        return WebUrlFact(None)
    url = document.data.get("webUrl")
    span = document.values.get(("webUrl",))
    if not isinstance(url, str) or span is None or url_problem(url) is not None:
        return WebUrlFact(None)
    silenced = False
    if "seedlint" in document.text:
        probe = DUPLICATE_WEB_URL.at(document.path, span.line, span.column, "")
        silenced = parse_suppressions(document.text).silences(probe)
    return WebUrlFact(url, span.line, span.column, silenced, url_key(url))


def duplicate_web_urls(
    linted: Mapping[Path, WebUrlFact],
    config: Config,
    enabled: Callable[[str], bool],
    stats: IndexStats | None = None,
    notices: list[str] | None = None,
) -> list[Diagnostic]:
    """C010 for every linted file whose webUrl another seed also has, at both places."""
    root = config.root.resolve()
    # Keyed by the path as shown (root-relative inside the project), so the
    # project's files and the linted ones meet without resolving every path.
    facts: dict[str, WebUrlFact] = {display_path(f, root): fact for f, fact in linted.items()}
    linted_paths = set(facts)
    # Files from outside the project are compared among themselves only: the
    # project's seeds are not theirs.
    inside = any(not Path(shown).is_absolute() for shown in linted_paths)
    if config.project_index and inside:
        with ProjectIndex.open(root, config.cache_dir) as index:
            _add_project_facts(index, facts, config, root)
            if stats is not None:
                stats.update(hits=index.hits, misses=index.misses)
            if notices is not None:
                notices.extend(index.cache.warnings)
    by_url: dict[str, list[str]] = {}
    for shown, fact in facts.items():
        if fact.key is not None:
            by_url.setdefault(fact.key, []).append(shown)
    diagnostics: list[Diagnostic] = []
    for files in by_url.values():
        if len(files) < 2 or not linted_paths.intersection(files):
            continue  # only report groups the linted files take part in
        files.sort()
        for shown in files:
            fact = facts[shown]
            if fact.silenced or not enabled(shown):
                continue
            others = [f"{o}:{facts[o].line}:{facts[o].column}" for o in files if o != shown]
            message = f'webUrl "{fact.url}" is also the webUrl of {", ".join(others)}'
            diagnostics.append(DUPLICATE_WEB_URL.at(shown, fact.line, fact.column, message))
    return diagnostics


def _add_project_facts(
    index: ProjectIndex, facts: dict[str, WebUrlFact], config: Config, root: Path
) -> None:
    """Add the seeds under the root whose webUrl a linted file also has.

    Every seed is stat()ed; only new or changed ones are read. A seed whose
    (cached) url key no linted file shares cannot be part of a reported group,
    so it is not even turned into a fact: a one-file run over a big project
    costs a directory walk, a stat and a dictionary look-up per seed.
    """
    wanted = {fact.key for fact in facts.values() if fact.key is not None}
    for folder in config.paths:
        start = root / folder
        if not start.is_dir():
            continue
        for entry, shown in walk(start, config, ordered=False):
            try:
                stat = entry.stat()
            except OSError:
                continue
            stamp = FileStamp(stat.st_size, stat.st_mtime_ns)
            if shown in facts:
                index.store(shown, stamp, facts[shown])  # keep the index warm for other processes
                continue
            fresh, key = index.fresh_key(shown, stamp)
            if not fresh:
                document = read_seed_file(Path(entry.path), shown, config.max_file_size).document
                fact = web_url_fact(document)
                index.store(shown, stamp, fact)
                key = fact.key
            if key is not None and key in wanted:
                facts[shown] = index.lookup(shown, stamp) or WebUrlFact(None)
