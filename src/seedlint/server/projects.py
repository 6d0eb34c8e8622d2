"""Which configuration governs an open file, whether it is a seed, and the project's webUrls.

The configuration is found from the file's folder exactly as ``seedlint check
FILE`` finds it, so the editor and the command line judge a file alike. The
project's webUrls (for C010) come from the on-disk project index, brought up
to date once and then kept in memory: typing never re-reads the project.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from seedlint.config import Config, ConfigError, config_for_file
from seedlint.cross_file import SeedValues, project_facts
from seedlint.registry import unknown_selectors
from seedlint.rules.consistency import WebUrlEntry
from seedlint.rules.vocabulary import KeywordCounts, count_values


@dataclass(frozen=True)
class FileSettings:
    """The configuration of one file, or why there is none."""

    config: Config | None
    error: str | None = None


def settings_for(file: Path, fallback_root: Path | None) -> FileSettings:
    """The configuration ``seedlint check FILE`` would use for ``file``, with the same trust.

    Only the project root's configuration is read (see :func:`seedlint.config.find_project`).
    Without a configuration file or a git work tree above the file, the CLI falls back
    to its working folder; an editor's working folder is arbitrary, so the server uses
    the workspace folder holding the file instead (or the file's folder).
    """
    try:
        config = config_for_file(file, unknown_rules=unknown_selectors)
    except ConfigError as error:
        return FileSettings(None, str(error))
    if config.source is None and not _in_git_work_tree(file):
        config = replace(config, root=(fallback_root or file.parent).resolve())
    return FileSettings(config)


def _in_git_work_tree(file: Path) -> bool:
    folder = file.parent.resolve()
    return any((candidate / ".git").exists() for candidate in (folder, *folder.parents))


def is_seed(file: Path, config: Config) -> bool:
    """True when a folder walk of ``seedlint check`` (no paths given) would lint ``file``.

    Mirrors the folder walk of :func:`seedlint.discovery.stream` over the configured ``paths``:
    include globs match the name, exclude globs without ``/`` match each name
    below the start folder, those with one match the path relative to the root.
    """
    root = config.root
    for folder in config.paths:
        start = root / folder
        relative = _relative(file, start)
        if relative is None:
            continue
        names = relative.parts
        prefix = _relative(start, root)
        shown = "" if prefix is None or str(prefix) == "." else prefix.as_posix() + "/"
        path_globs = [g for g in config.exclude if "/" in g]
        name_globs = [g for g in config.exclude if "/" not in g]
        excluded = False
        for name in names:
            shown += name
            if any(fnmatchcase(name, g) for g in name_globs) or any(
                fnmatchcase(shown, g) for g in path_globs
            ):
                excluded = True
                break
            shown += "/"
        if not excluded and any(fnmatchcase(names[-1], g) for g in config.include):
            return True
    return False


def _relative(path: Path, start: Path) -> PurePosixPath | None:
    """``path`` below ``start`` (as given, else both resolved); None when outside."""
    for candidate, base in ((path, start), (path.resolve(), start.resolve())):
        try:
            relative = Path(os.path.normpath(candidate)).relative_to(os.path.normpath(base))
        except ValueError:
            continue
        return PurePosixPath(relative.as_posix())
    return None


class ProjectWebUrls:
    """Every seed's webUrl fact for one project root, grouped by url key, kept in memory.

    ``refresh`` brings the on-disk index up to date (reading only new or
    changed seeds) and replaces the in-memory copy; ``mark_stale`` asks for a
    refresh before the next use (after a save, a change on disk, or when a file
    is opened and the copy is older than ``max_age`` seconds).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._by_key: dict[str, list[WebUrlEntry]] | None = None
        self._values: SeedValues = {}
        self._counts: dict[str, tuple[SeedValues, KeywordCounts]] = {}
        self._loaded = 0.0
        self._generation = 0
        self._lock = threading.Lock()

    def mark_stale(self, max_age: float = 0.0) -> None:
        """Re-read the index before the next look-up (if loaded more than ``max_age`` s ago)."""
        if time.monotonic() - self._loaded >= max_age:
            self._generation += 1  # a refresh running now started too early: not kept
            self._by_key = None

    def sharing(self, key: str, path: str) -> list[WebUrlEntry]:
        """The project's other seeds whose webUrl has ``key``, sorted by path."""
        by_key = self._by_key
        if by_key is None:
            by_key = self.refresh()
        return [seed for seed in by_key.get(key, ()) if seed.path != path]

    def keyword_counts_besides(self, path: str) -> KeywordCounts:
        """Seeds using each keyword value (C016, C017), ``path`` left out; counted once per
        path and index load, so a keystroke never walks the whole project's values."""
        if self._by_key is None:
            self.refresh()
        values = self._values
        cached = self._counts.get(path)
        if cached is None or cached[0] is not values:
            cached = (values, count_values(found for seed, found in values.items() if seed != path))
            self._counts[path] = cached
        return cached[1]

    def refresh(self) -> dict[str, list[WebUrlEntry]]:
        """Bring the index up to date and keep its facts in memory."""
        with self._lock:
            generation = self._generation
            by_key: dict[str, list[WebUrlEntry]] = {}
            web_urls, values = project_facts(self.config)
            for seed in web_urls:
                by_key.setdefault(seed.key, []).append(seed)
            if generation == self._generation:
                self._by_key = by_key
                self._values = values
                self._loaded = time.monotonic()
            return by_key
