"""One probe run: dedupe, consult the cache, probe the rest concurrently, report."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from seedlint.cache import ResultCache

from ._http import GuardedBackend, Session, build_client
from .fetch_image import probe_image
from .guard import GuardPolicy, Resolver, system_resolver
from .links import probe_link
from .results import (
    CACHEABLE_IMAGE,
    CACHEABLE_LINK,
    ImageResult,
    LinkResult,
    ProbeReport,
    ProgressSnapshot,
    SizeReader,
)
from .settings import ProbeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
ProgressCallback = Callable[[ProgressSnapshot], None]


def _default_size_reader() -> SizeReader:
    from .imagesize import read_size  # only needed when there are images

    return read_size


class _Progress:
    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total = total
        self.callback = callback
        self.done = self.failures = self.cached = 0
        self.started = time.monotonic()

    def report(self) -> None:
        if self.callback is None:
            return
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        self.callback(
            ProgressSnapshot(self.done, self.total, self.failures, rate, elapsed, self.cached)
        )

    def finished(self, ok: bool, from_cache: bool) -> None:
        self.done += 1
        self.failures += not ok
        self.cached += from_cache
        self.report()


class _CacheAccess:
    """Runs the (synchronous, thread-safe) cache on one worker thread, off the event loop."""

    def __init__(self, cache: ResultCache | None, settings: ProbeSettings) -> None:
        self.cache = cache
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seedlint-cache")

    def _call(self, fn: Callable[[], T]) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._pool, fn)

    async def get(
        self, kind: str, url: str, decode: Callable[[str, dict[str, Any]], R]
    ) -> R | None:
        """The cached result for ``url``, or None; an unreadable record is just a miss."""
        cache = self.cache
        if cache is None or self.settings.refresh:
            return None
        namespace = ResultCache.result_namespace(kind, self.settings.fingerprint(kind))
        value = await self._call(lambda: cache.get_json(namespace, url))
        if not isinstance(value, dict):
            return None
        try:
            return decode(url, value)
        except (KeyError, ValueError, TypeError, IndexError):
            return None

    async def put(self, kind: str, url: str, value: dict[str, Any]) -> None:
        cache = self.cache
        if cache is None:
            return
        namespace = ResultCache.result_namespace(kind, self.settings.fingerprint(kind))
        ttl = self.settings.cache_ttl_seconds
        await self._call(lambda: cache.put_json(namespace, url, value, ttl))

    async def purge(self) -> None:
        cache = self.cache
        if cache is not None:
            await self._call(cache.purge_expired)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


async def probe(
    links: Iterable[str],
    images: Iterable[str],
    settings: ProbeSettings | None = None,
    progress: ProgressCallback | None = None,
    *,
    cache: ResultCache | None = None,
    size_reader: SizeReader | None = None,
    resolver: Resolver | None = None,
) -> ProbeReport:
    """Probe every distinct link and image URL once; see the package docstring.

    ``cache``: an open ResultCache to use (else one is opened from settings when
    ``use_cache``); ``size_reader``: the image parser (default
    ``imagesize.read_size``); ``resolver``: async (host, port) -> addresses
    (default: the OS resolver via getaddrinfo).
    """
    settings = settings or ProbeSettings()
    link_urls = list(dict.fromkeys(links))
    image_urls = list(dict.fromkeys(images))
    policy = GuardPolicy.build(
        allow_private=settings.allow_private,
        allowed_hosts=settings.allowed_hosts,
        allowed_networks=settings.allowed_networks,
        allowed_ports=settings.allowed_ports,
    )
    reader = size_reader if size_reader is not None or not image_urls else _default_size_reader()
    # An explicit cache is used as given (the caller owns it); otherwise
    # settings.use_cache decides whether this run opens (and closes) its own.
    own_cache = cache is None and settings.use_cache
    warnings_before = len(cache.warnings) if cache is not None else 0
    if own_cache:
        cache = await asyncio.to_thread(ResultCache, settings.resolved_cache_path())
    store = _CacheAccess(cache, settings)
    report = ProbeReport()
    tracker = _Progress(len(link_urls) + len(image_urls), progress)
    started = time.monotonic()

    client = build_client(settings, GuardedBackend(policy, resolver or system_resolver))
    session = Session(settings, client)

    async def one_link(url: str) -> None:
        result = await store.get("link", url, LinkResult.from_json)
        if result is None:
            result = await probe_link(session, policy, url)
            if result.outcome in CACHEABLE_LINK:
                await store.put("link", url, result.to_json())
        report.links[url] = result
        tracker.finished(result.outcome.ok, result.from_cache)

    async def one_image(url: str) -> None:
        result = await store.get("image", url, ImageResult.from_json)
        if result is None:
            assert reader is not None
            result = await probe_image(session, policy, url, reader)
            if result.outcome in CACHEABLE_IMAGE:
                await store.put("image", url, result.to_json())
        report.images[url] = result
        tracker.finished(result.outcome.ok, result.from_cache)

    try:
        await store.purge()
        tracker.report()
        async with client:
            tasks = [asyncio.ensure_future(one_link(u)) for u in link_urls]
            tasks += [asyncio.ensure_future(one_image(u)) for u in image_urls]
            try:
                await asyncio.gather(*tasks)
            finally:
                for task in tasks:
                    task.cancel()  # only matters when one raised (e.g. the progress callback)
                await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        store.shutdown()
        if own_cache and cache is not None:
            cache.close()

    # Report in input order, whatever order the probes finished in.
    report.links = {u: report.links[u] for u in link_urls}
    report.images = {u: report.images[u] for u in image_urls}
    report.elapsed = time.monotonic() - started
    report.requests = sum(r.requests for r in report.links.values()) + sum(
        r.requests for r in report.images.values()
    )
    report.bytes_received = sum(r.body_bytes for r in report.links.values()) + sum(
        r.bytes_received for r in report.images.values()
    )
    report.from_cache = tracker.cached
    if cache is not None:
        report.warnings.extend(cache.warnings[warnings_before:])
    return report


def run_probe(
    links: Iterable[str],
    images: Iterable[str],
    settings: ProbeSettings | None = None,
    progress: ProgressCallback | None = None,
    **kwargs: Any,
) -> ProbeReport:
    """``asyncio.run(probe(...))`` for synchronous callers."""
    return asyncio.run(probe(links, images, settings, progress, **kwargs))
