"""Online checks, orchestrated: distinct URLs to the probe engine, results to the rules.

The per-file pass records each URL a document uses (``rules.url_uses``); the
probe engine sees only the distinct URLs; the online rules (``rules.links``,
``rules.images``) turn each result into findings at every place that used it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from seedlint.config import CACHE_FILE_NAME
from seedlint.diagnostics import Diagnostic
from seedlint.rules import images as image_rules
from seedlint.rules import links as link_rules
from seedlint.rules.url_uses import UrlUse, collect_url_uses

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.probe import ProbeReport, ProbeSettings, ProgressSnapshot

__all__ = [
    "UrlUse",
    "collect_url_uses",
    "online_diagnostics",
    "probe_settings",
    "run_online_checks",
]


def online_diagnostics(uses: Iterable[UrlUse], report: ProbeReport) -> list[Diagnostic]:
    """Findings for every use whose URL the probe found wanting, sorted."""
    found: list[Diagnostic] = []
    for use in uses:
        if use.image and use.url in report.images:
            found.extend(image_rules.check_image(use, report.images[use.url]))
        elif not use.image and use.url in report.links:
            found.extend(link_rules.check_link(use, report.links[use.url]))
    return sorted(found)


def probe_settings(config: Config) -> ProbeSettings:
    """The probe engine's settings from seedlint's configuration."""
    from seedlint.probe import ProbeSettings

    networks = tuple(entry for entry in config.probe_allow if "/" in entry)
    hosts = tuple(entry for entry in config.probe_allow if "/" not in entry)
    timeout = config.probe_timeout
    return ProbeSettings(
        concurrency=config.probe_concurrency,
        per_host=config.probe_per_host,
        per_host_rate=config.probe_per_host_rate,
        connect_timeout=min(5.0, timeout),
        read_timeout=min(10.0, timeout),
        total_timeout=timeout,
        run_budget=config.probe_budget,
        host_budget=config.probe_host_budget,
        allow_private=config.allow_private,
        allowed_hosts=hosts,
        allowed_networks=networks,
        use_cache=config.cache,
        cache_path=config.cache_dir / CACHE_FILE_NAME if config.cache_dir else None,
        cache_ttl_seconds=config.cache_ttl_hours * 3600,
        transient_ttl_seconds=config.cache_transient_ttl_minutes * 60,
        refresh=config.refresh,
        verify=str(config.probe_ca_bundle) if config.probe_ca_bundle else True,
    )


def run_online_checks(
    uses_per_file: Sequence[Sequence[UrlUse]],
    config: Config,
    progress: Callable[[ProgressSnapshot], None] | None = None,
) -> tuple[list[list[Diagnostic]], str, bool]:
    """Probe every distinct URL used by the files once.

    Returns the findings per file, a summary line, and whether the run was
    interrupted (Ctrl-C; unfinished URLs are then L014 findings).
    """
    from seedlint.probe import run_probe

    uses = [use for file_uses in uses_per_file for use in file_uses]
    links = list(dict.fromkeys(u.url for u in uses if not u.image)) if config.probe_links else []
    images = list(dict.fromkeys(u.url for u in uses if u.image)) if config.probe_images else []
    report = run_probe(links, images, probe_settings(config), progress)
    per_file = [online_diagnostics(file_uses, report) for file_uses in uses_per_file]
    summary = (
        f"Probed {len(links)} link{'s' if len(links) != 1 else ''} and "
        f"{len(images)} image{'s' if len(images) != 1 else ''} in {report.elapsed:.1f}s: "
        f"{report.requests} requests, {report.from_cache} answered from the cache"
        + (f", {report.not_checked} not checked" if report.not_checked else "")
        + "."
    )
    for warning in report.warnings:
        summary += f"\nwarning: {warning}"
    return per_file, summary, report.interrupted
