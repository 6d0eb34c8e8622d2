"""Async probe engine: link liveness and image sizes over HTTP.

Importing this package is cheap: result types and settings are plain data;
httpx (and sqlite3) load only when a run starts or the cache is opened.

    report = run_probe(links, images, ProbeSettings(), progress=callback)
    report.links[url].outcome is Outcome.DEAD
    report.images[url].size.width

Every distinct URL is probed once (per kind); one bad URL never aborts a run;
no request goes to a non-public address or a port other than 80/443 unless
the settings allow it (see ``ProbeSettings`` and ``guard``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .results import (
    ImageResult,
    LinkResult,
    MeasuredSize,
    Outcome,
    ProbeReport,
    ProgressSnapshot,
)
from .settings import ProbeSettings, default_cache_path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


__all__ = [
    "ImageResult",
    "LinkResult",
    "MeasuredSize",
    "Outcome",
    "ProbeReport",
    "ProbeSettings",
    "ProgressSnapshot",
    "default_cache_path",
    "probe",
    "run_probe",
]


async def probe(
    links: Iterable[str],
    images: Iterable[str],
    settings: ProbeSettings | None = None,
    progress: Callable[[ProgressSnapshot], None] | None = None,
    **kwargs: Any,
) -> ProbeReport:
    """Probe links and images; keyword extras: ``cache``, ``size_reader``, ``resolver``."""
    from .engine import probe as _probe

    return await _probe(links, images, settings, progress, **kwargs)


def run_probe(
    links: Iterable[str],
    images: Iterable[str],
    settings: ProbeSettings | None = None,
    progress: Callable[[ProgressSnapshot], None] | None = None,
    **kwargs: Any,
) -> ProbeReport:
    """Synchronous ``probe`` (runs its own event loop)."""
    from .engine import run_probe as _run_probe

    return _run_probe(links, images, settings, progress, **kwargs)
