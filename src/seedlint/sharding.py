"""One shard of a run split across CI runners (``seedlint check --shard K/N``).

Files are split by a stable hash of their root-relative path, probes by a
stable hash of the URL's host: shard K lints only its files (C010, C016 and
C017 still see the whole project through the project index) and probes only the URLs, of any
project file, whose host falls to it. Each host is then asked by exactly one
shard, so its per-host limits hold across the whole matrix. What a shard
found is written by :mod:`seedlint.merging` and combined there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from seedlint import cross_file
from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import display_path, escapes_root, stream
from seedlint.document import read_seed_file
from seedlint.formats import ascii_host
from seedlint.linter import FileReport, _lint_files, is_enabled
from seedlint.result_cache import UnchangedFiles

if TYPE_CHECKING:
    from seedlint.online import UrlUse
    from seedlint.probe import ProbeReport, ProgressSnapshot


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as ``--shard K/N`` names it)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns_path(self, shown: str) -> bool:
        """Whether the file shown (root-relative) as ``shown`` is linted by this shard."""
        return bucket(shown, self.count) == self.index

    def owns_url(self, url: str) -> bool:
        """Whether this shard probes ``url`` (decided by its host alone)."""
        return bucket(host_key(url), self.count) == self.index


def bucket(key: str, count: int) -> int:
    """The shard (1..count) a key falls to: SHA-256, so the same on every machine and run."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def host_key(url: str) -> str:
    """The host a URL's requests go to, as the probe engine counts hosts (ASCII, lower case)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return (ascii_host(host) or host).lower()


@dataclass
class ShardRun:
    """What one shard found: its files' offline findings and URL uses, its hosts' probes."""

    shard: Shard
    diagnostics: list[Diagnostic]
    files_checked: int
    checked_paths: list[str]
    reports: list[FileReport] = field(default_factory=list)
    """The shard's files that use URLs (their uses and suppressions), when probing."""
    probe: ProbeReport | None = None
    probe_summary: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        """The probe run was stopped early (its unfinished URLs are not checked)."""
        return self.probe is not None and self.probe.interrupted


def run_shard(
    paths: Sequence[str | Path],
    config: Config,
    shard: Shard,
    *,
    now: datetime | None = None,
    progress: Callable[[ProgressSnapshot], None] | None = None,
) -> ShardRun:
    """Lint this shard's files and probe this shard's hosts; online findings wait for merge."""
    targets = [Path(p) for p in paths] or [config.root / p for p in config.paths]
    probing = config.probe_links or config.probe_images
    files = list(stream(targets, config, ordered=probing))
    shown = [found.shown or display_path(Path(found.path), config.root) for found in files]
    mine = [shard.owns_path(path) for path in shown]
    own = [found for found, owned in zip(files, mine, strict=True) if owned]
    diagnostics: list[Diagnostic] = []
    kept: list[FileReport] = []
    checked: list[str] = []
    notices: list[str] = []
    duplicates = cross_file.CrossFilePass(config, targets)
    reports = _lint_files(own, config, now, collect_urls=probing, notices=notices)
    try:
        for report in reports:
            if isinstance(report, UnchangedFiles):
                report.record(duplicates)
                checked.extend(row[0] for row in report.rows)
                continue
            diagnostics.extend(report.diagnostics)
            report.record(duplicates)
            if report.url_uses:
                kept.append(report)
            checked.append(report.path)
    finally:
        reports.close()  # closes the result cache and any worker pool now
    diagnostics.extend(
        duplicates.finish(lambda code, shown: is_enabled(config, shown, code), {}, notices)
    )
    run = ShardRun(shard, sorted(diagnostics), len(own), checked, kept, notices=notices)
    if probing:
        # In discovery order, as one run asks them: a host's answers may depend on order.
        by_path = {report.path: report.url_uses for report in kept}
        uses: list[UrlUse] = []
        for found, path, owned in zip(files, shown, mine, strict=True):
            uses.extend(
                by_path.get(path, ()) if owned else _url_uses(Path(found.path), path, config)
            )
        run.probe, run.probe_summary = _probe_own_hosts(uses, config, shard, progress)
    return run


def _url_uses(file: Path, shown: str, config: Config) -> list[UrlUse]:
    """The URL uses of a file another shard lints (read for its URLs only)."""
    from seedlint.online import collect_url_uses

    if escapes_root(file, config.root):
        return []  # never read (S015 in its own shard)
    result = read_seed_file(file, shown, config.max_file_size)
    return [] if result.document is None else collect_url_uses(result.document)


def _probe_own_hosts(
    uses: list[UrlUse],
    config: Config,
    shard: Shard,
    progress: Callable[[ProgressSnapshot], None] | None,
) -> tuple[ProbeReport, str]:
    from seedlint.online import probe_settings
    from seedlint.probe import run_probe

    mine = [use for use in uses if shard.owns_url(use.url)]
    links = list(dict.fromkeys(u.url for u in mine if not u.image)) if config.probe_links else []
    images = list(dict.fromkeys(u.url for u in mine if u.image)) if config.probe_images else []
    report = run_probe(links, images, probe_settings(config), progress)
    summary = (
        f"Shard {shard} probed {len(links)} links and {len(images)} images in "
        f"{report.elapsed:.1f}s: {report.requests} requests, "
        f"{report.from_cache} answered from the cache."
    )
    return report, summary
