"""Lint an editor buffer exactly as ``seedlint check FILE`` lints the saved file.

The per-file pass is the engine's own (:func:`seedlint.linter.lint_parsed`); C010
compares the buffer's webUrl with the project's other seeds from the in-memory
copy of the project index (see :class:`~seedlint.server.projects.ProjectWebUrls`).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from seedlint.catalogue.structure import TOO_LARGE
from seedlint.config import Config
from seedlint.cross_file import keyword_fact, web_url_fact
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import display_path
from seedlint.document import SeedDocument, parse_seed
from seedlint.linter import lint_parsed, make_context
from seedlint.registry import RuleSelection
from seedlint.rules.consistency import check_duplicate_web_urls
from seedlint.rules.vocabulary import KeywordFacts, check_against_counts, rule_for
from seedlint.server.projects import FileSettings, ProjectWebUrls, is_seed, settings_for
from seedlint.suppressions import per_file_codes


@dataclass(frozen=True)
class BufferLint:
    """The findings of one version of one buffer, with what produced them."""

    version: int | None
    text: str
    shown: str
    config: Config
    diagnostics: list[Diagnostic]


@dataclass
class Projects:
    """Configurations by folder and webUrl indexes by project root, shared by all buffers."""

    workspace_roots: list[Path] = field(default_factory=list)
    _settings: dict[Path, FileSettings] = field(default_factory=dict)
    _web_urls: dict[Path, ProjectWebUrls] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self, file: Path) -> FileSettings:
        """The configuration for ``file``, looked up once per folder until :meth:`forget`."""
        folder = file.parent
        with self._lock:
            cached = self._settings.get(folder)
        if cached is None:
            cached = settings_for(file, self._workspace_root(file))
            with self._lock:
                self._settings[folder] = cached
        return cached

    def seed_config(self, file: Path) -> FileSettings:
        """The configuration for ``file`` when it is a seed; ``config`` None when it is not."""
        found = self.settings(file)
        if found.config is not None and not is_seed(file, found.config):
            return FileSettings(None)
        return found

    def web_urls(self, config: Config) -> ProjectWebUrls:
        """The in-memory webUrl index of ``config``'s project."""
        with self._lock:
            index = self._web_urls.get(config.root)
            if index is None or index.config != config:
                index = self._web_urls[config.root] = ProjectWebUrls(config)
            return index

    def prepare(self, root: Path) -> None:
        """Load the project index of the project at ``root``, so the first lint finds it ready.

        Best effort, ahead of need: a failure here shows again (and is reported) when a
        file of the project is linted.
        """
        settings = self.settings(root / "_")  # any name: the configuration is per folder
        if settings.config is not None and settings.config.project_index:
            try:
                self.web_urls(settings.config).refresh()
            except Exception:  # see the docstring
                self.web_urls(settings.config).mark_stale()

    def forget(self, *, configs: bool, older_than: float = 0.0) -> None:
        """Files changed on disk: re-read the project indexes (and the configs) when next used.

        ``older_than``: only indexes loaded more than that many seconds ago.
        """
        with self._lock:
            if configs:
                self._settings.clear()
            for index in self._web_urls.values():
                index.mark_stale(older_than)

    def _workspace_root(self, file: Path) -> Path | None:
        inside = [root for root in self.workspace_roots if root in file.parents]
        return max(inside, key=lambda root: len(root.parts)) if inside else None


def lint_buffer(
    text: str, file: Path, config: Config, projects: Projects, version: int | None = None
) -> BufferLint:
    """The findings ``seedlint check FILE`` would report for ``file`` if it held ``text``."""
    shown = display_path(file, config.root)
    raw = text.encode("utf-8")
    if len(raw) > config.max_file_size:
        # What the CLI reports without reading the file (seedlint.document.read_seed_file).
        limit = config.max_file_size
        message = f"file is {len(raw):,} bytes, over the {limit:,}-byte limit; not read"
        found = [TOO_LARGE.at(shown, 1, 1, message)] if _enabled("S006", shown, config) else []
        return BufferLint(version, text, shown, config, found)
    parsed = parse_seed(raw, shown)
    diagnostics = lint_parsed(parsed, shown, make_context(config))
    diagnostics.extend(_duplicate_web_url(parsed.document, shown, config, projects))
    diagnostics.extend(_keyword_variants(parsed.document, shown, config, projects))
    diagnostics.sort()
    return BufferLint(version, text, shown, config, diagnostics)


def _duplicate_web_url(
    document: SeedDocument | None, shown: str, config: Config, projects: Projects
) -> list[Diagnostic]:
    """C010 for the buffer against the project's other seeds, as the CLI's cross-file pass."""
    if not config.project_index or Path(shown).is_absolute():
        return []  # the CLI compares a lone file outside the project with nothing
    fact = web_url_fact(document, shown)
    if fact is None or not _enabled("C010", shown, config):
        return []
    return check_duplicate_web_urls([fact], projects.web_urls(config).sharing(fact.key, shown))


def _keyword_variants(
    document: SeedDocument | None, shown: str, config: Config, projects: Projects
) -> list[Diagnostic]:
    """C016/C017 for the buffer, counted with the buffer in place of the file on disk."""
    if not config.project_index or Path(shown).is_absolute():
        return []
    facts = keyword_fact(document, shown)
    if facts is None:
        return []
    uses = tuple(use for use in facts.uses if _enabled(rule_for(use).code, shown, config))
    if not uses:
        return []
    others = projects.web_urls(config).keyword_counts_besides(shown)
    # The project's counts with this buffer in place of the file on disk: only the
    # (field, scope) pairs the buffer uses are copied, so a keystroke costs O(buffer).
    counts = {
        key: others[key].copy() for key in {(u.field, u.scope) for u in facts.uses} if key in others
    }
    for name, scope, value in {(u.field, u.scope, u.value) for u in facts.uses}:
        counts.setdefault((name, scope), Counter())[value] += 1
    return check_against_counts([KeywordFacts(shown, uses)], counts, config)


def _enabled(code: str, shown: str, config: Config) -> bool:
    ignored = per_file_codes(shown, config.per_file_ignores)
    return code in RuleSelection(config.select, (*config.ignore, *sorted(ignored))).enabled_codes()
