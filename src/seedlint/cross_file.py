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
from seedlint.discovery import discover, display_path
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
    return WebUrlFact(url, span.line, span.column, silenced)


def project_files(config: Config) -> list[Path]:
    """Every seed under the project root, as ``seedlint check`` without paths finds them."""
    folders = [config.root / p for p in config.paths]
    return discover([f for f in folders if f.exists()], config)


def duplicate_web_urls(
    linted: Mapping[Path, WebUrlFact],
    config: Config,
    enabled: Callable[[str], bool],
    stats: IndexStats | None = None,
) -> list[Diagnostic]:
    """C010 for every linted file whose webUrl another seed also has, at both places."""
    facts: dict[Path, WebUrlFact] = {file.resolve(): fact for file, fact in linted.items()}
    linted_paths = set(facts)
    root = config.root.resolve()
    # Files from outside the project are compared among themselves only: the
    # project's seeds are not theirs.
    if config.project_index and any(path.is_relative_to(root) for path in linted_paths):
        with ProjectIndex.open(config.cache_dir) as index:
            _add_project_facts(index, facts, config, linted_paths)
            if stats is not None:
                stats.update(hits=index.hits, misses=index.misses)
    by_url: dict[str, list[Path]] = {}
    for file, fact in facts.items():
        if fact.url is not None:
            by_url.setdefault(url_key(fact.url), []).append(file)
    diagnostics: list[Diagnostic] = []
    for files in by_url.values():
        if len(files) < 2 or not linted_paths.intersection(files):
            continue  # only report groups the linted files take part in
        files.sort()
        for file in files:
            fact = facts[file]
            shown = display_path(file, config.root)
            if fact.silenced or not enabled(shown):
                continue
            others = [
                f"{display_path(o, config.root)}:{facts[o].line}:{facts[o].column}"
                for o in files
                if o != file
            ]
            message = f'webUrl "{fact.url}" is also the webUrl of {", ".join(others)}'
            diagnostics.append(DUPLICATE_WEB_URL.at(shown, fact.line, fact.column, message))
    return diagnostics


def _add_project_facts(
    index: ProjectIndex, facts: dict[Path, WebUrlFact], config: Config, linted: set[Path]
) -> None:
    fresh: list[tuple[Path, FileStamp, WebUrlFact]] = []
    for file in project_files(config):
        path = file.resolve()
        stamp = FileStamp.of(path)
        if stamp is None:
            continue
        if path in linted:
            fresh.append((path, stamp, facts[path]))  # keep the index warm for other processes
            continue
        fact = index.lookup(path, stamp)
        if fact is None:
            shown = display_path(path, config.root)
            fact = web_url_fact(read_seed_file(path, shown, config.max_file_size).document)
            fresh.append((path, stamp, fact))
        facts[path] = fact
    index.store(fresh)
