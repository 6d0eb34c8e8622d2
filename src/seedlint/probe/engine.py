"""One probe run: dedupe, consult the cache, probe the rest concurrently, report."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from seedlint.cache import ResultCache, stored_key
from seedlint.outcomes import NEVER_CACHED, TRANSIENT, Outcome

from ._http import GuardedBackend, PerHostTransport, Session, build_client
from .fetch_image import probe_image
from .guard import GuardPolicy, Resolver, system_resolver
from .launch import Launch
from .links import probe_link
from .order import host_of, round_robin
from .results import (
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

    async def tick(self, every: float) -> None:
        """Report even while nothing finishes, so a slow host cannot silence the progress."""
        while True:
            await asyncio.sleep(every)
            self.report()


KEY_FILE_SUFFIX = ".probe-key"
"""The secret that signs cached probe results sits beside the cache file, mode 0600."""


def _signing_key(cache_path: Path) -> bytes:
    """This cache's HMAC key, created on first use; a fresh throwaway key if it cannot be kept."""
    path = cache_path.with_name(cache_path.name + KEY_FILE_SUFFIX)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            key = path.read_bytes()
        except OSError:
            return os.urandom(32)
        return key if len(key) >= 32 else os.urandom(32)
    except OSError:
        return os.urandom(32)  # results then verify only within this run: never trusted later
    key = os.urandom(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def record_mac(key: bytes, namespace: str, url: str, result: Any) -> str:
    """The HMAC-SHA256 a cached probe record carries: over its namespace (which names the
    settings fingerprint), its URL and the canonical JSON of its result."""
    blob = json.dumps([namespace, url, result], sort_keys=True, separators=(",", ":"))
    return hmac.new(key, blob.encode(), hashlib.sha256).hexdigest()


def signing_key(cache_path: Path) -> bytes:
    """The key that signs the records of the cache at ``cache_path`` (created on first use)."""
    return _signing_key(cache_path)


class _CacheAccess:
    """Signed probe results in the cache, read in one query and written in batches, off the loop.

    A record is ``{"result": ..., "mac": ...}``: an HMAC-SHA256 over the
    namespace (which names the settings fingerprint), the URL and the canonical
    JSON of the result. A record that fails the check, or does not decode, is
    deleted and the URL probed again. Fresh results are written in batches of
    ``_BATCH`` and at the end of the run (an interrupted run keeps what finished).
    """

    _BATCH = 256

    def __init__(self, cache: ResultCache | None, settings: ProbeSettings) -> None:
        self.cache = cache if cache is not None and cache.enabled else None
        self.settings = settings
        self.rejected = 0
        self._key = b""
        self._namespaces: dict[str, str] = {}
        self._found: dict[tuple[str, str], str] = {}  # (kind, url) -> stored JSON text
        self._pending: dict[tuple[str, float], list[tuple[str, Any]]] = {}
        self._bad: dict[str, list[str]] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seedlint-cache")

    def _call(self, fn: Callable[[], T]) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._pool, fn)

    async def open(self, urls: dict[str, list[str]]) -> None:
        """Read (or create) the signing key, then every cached record of ``urls`` (by kind)."""
        cache = self.cache
        if cache is None:
            return
        self._key = await self._call(lambda: _signing_key(cache.path))
        for kind in ("link", "image"):
            fingerprint = await self._call(lambda k=kind: self.settings.fingerprint(k))  # type: ignore[misc]
            self._namespaces[kind] = ResultCache.result_namespace(kind, fingerprint)
        await self._call(cache.purge_expired)
        if self.settings.refresh:
            return
        for kind, wanted in urls.items():
            if not wanted:
                continue
            parameters = {
                "namespace": self._namespaces[kind],
                "keys": json.dumps([stored_key(url) for url in wanted]),
                "now": cache.clock(),
            }
            rows = await self._call(lambda p=parameters: cache.select(_SELECT_FRESH, p))  # type: ignore[misc]
            self._found.update(((kind, str(key)), str(value)) for key, value in rows)

    def _mac(self, namespace: str, url: str, result: Any) -> str:
        return record_mac(self._key, namespace, url, result)

    def get(self, kind: str, url: str, decode: Callable[[str, dict[str, Any]], R]) -> R | None:
        """The cached result for ``url``, or None; a bad or forged record is dropped."""
        text = self._found.pop((kind, url), None)
        if text is None:
            return None
        namespace = self._namespaces[kind]
        try:
            value = json.loads(text)
            result = value["result"]
            good = hmac.compare_digest(str(value["mac"]), self._mac(namespace, url, result))
            decoded = decode(url, result) if good else None
        except (KeyError, ValueError, TypeError, IndexError):
            decoded = None
        if decoded is None:
            self.rejected += 1
            self._bad.setdefault(namespace, []).append(url)
        return decoded

    async def put(self, kind: str, url: str, outcome: Outcome, value: dict[str, Any]) -> None:
        """Remember a fresh result: definite ones for the cache TTL, transient ones briefly."""
        if self.cache is None or outcome in NEVER_CACHED:
            return
        transient = outcome in TRANSIENT
        ttl = self.settings.transient_ttl_seconds if transient else self.settings.cache_ttl_seconds
        if ttl <= 0:
            return
        namespace = self._namespaces[kind]
        record = {"result": value, "mac": self._mac(namespace, url, value)}
        batch = self._pending.setdefault((namespace, ttl), [])
        batch.append((url, record))
        if len(batch) >= self._BATCH:
            await self.flush()

    async def flush(self) -> None:
        """Write what is pending and forget the records that failed their check."""
        cache = self.cache
        if cache is None:
            return
        pending, self._pending = self._pending, {}
        bad, self._bad = self._bad, {}
        for namespace, urls in bad.items():
            await self._call(lambda n=namespace, u=urls: cache.delete_many(n, u))  # type: ignore[misc]
        for (namespace, ttl), items in pending.items():
            await self._call(lambda n=namespace, i=items, t=ttl: cache.put_many(n, i, t))  # type: ignore[misc]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


_SELECT_FRESH = (
    "SELECT key, value FROM entries WHERE namespace = :namespace"
    " AND key IN (SELECT value FROM json_each(:keys))"
    " AND (expires_at IS NULL OR expires_at > :now)"
)


INTERRUPTED = "the run was interrupted (Ctrl-C) before it was checked"


async def probe(
    links: Iterable[str],
    images: Iterable[str],
    settings: ProbeSettings | None = None,
    progress: ProgressCallback | None = None,
    *,
    cache: ResultCache | None = None,
    size_reader: SizeReader | None = None,
    resolver: Resolver | None = None,
    stop: asyncio.Event | None = None,
    tick: float = 1.0,
) -> ProbeReport:
    """Probe every distinct link and image URL once; see the package docstring.

    ``cache``: an open ResultCache to use (else one is opened from settings when
    ``use_cache``); ``size_reader``: the image parser (default
    ``imagesize.read_size``); ``resolver``: async (host, port) -> addresses
    (default: the OS resolver via getaddrinfo); ``stop``: when set, the run
    ends at once and every unfinished URL is reported not checked
    (``report.interrupted``); ``tick``: seconds between progress reports while
    nothing finishes.

    Every URL gets a result: within ``settings.run_budget`` seconds the run
    ends, whatever the hosts do, and what was not reached is NOT_CHECKED.
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

    transport = PerHostTransport(settings, GuardedBackend(policy, resolver or system_resolver))
    client = build_client(settings, transport)
    session = Session(settings, client, transport)

    async def one_link(url: str) -> None:
        result = store.get("link", url, LinkResult.from_json)
        if result is None:
            result = await probe_link(session, policy, url)
            await store.put("link", url, result.outcome, result.to_json())
        report.links[url] = result
        tracker.finished(result.outcome.ok, result.from_cache)

    async def one_image(url: str) -> None:
        result = store.get("image", url, ImageResult.from_json)
        if result is None:
            assert reader is not None
            result = await probe_image(session, policy, url, reader)
            await store.put("image", url, result.outcome, result.to_json())
        report.images[url] = result
        tracker.finished(result.outcome.ok, result.from_cache)

    ticker: asyncio.Task[None] | None = None
    try:
        await store.open({"link": link_urls, "image": image_urls})
        tracker.report()
        ticker = asyncio.ensure_future(tracker.tick(tick))
        async with client:
            starts = round_robin(
                [(host_of(u), partial(one_link, u)) for u in link_urls]
                + [(host_of(u), partial(one_image, u)) for u in image_urls]
            )
            launch = Launch(starts, settings.concurrency)
            try:
                await launch.run(stop, session.run_deadline.at)
                report.interrupted = stop is not None and stop.is_set()
            finally:
                # Unfinished ones: interrupted, out of budget, or one raised.
                outcomes = await launch.settle()
            for outcome in outcomes:
                if isinstance(outcome, Exception):
                    raise outcome  # e.g. the progress callback failed: not the network's fault
        await store.flush()  # also after an interruption: what finished is kept
    finally:
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        store.shutdown()
        if own_cache and cache is not None:
            cache.close()

    # Every URL ends with a verdict: what did not finish is reported as not checked.
    why = INTERRUPTED if report.interrupted else session.run_deadline.detail
    for url in link_urls:
        if url not in report.links:
            report.links[url] = LinkResult(url, Outcome.NOT_CHECKED, None, None, why)
            report.not_checked += 1
    for url in image_urls:
        if url not in report.images:
            report.images[url] = ImageResult(url, Outcome.NOT_CHECKED, None, why)
            report.not_checked += 1
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
    if store.rejected:
        report.warnings.append(
            f"{store.rejected} cached probe result(s) failed the integrity check; "
            "dropped and probed again"
        )
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
    """``asyncio.run(probe(...))`` for synchronous callers.

    In the main thread, Ctrl-C (SIGINT) stops the run instead of raising
    KeyboardInterrupt: the report then holds every finished result, the rest
    not checked, and ``report.interrupted`` is True.
    """

    async def main() -> ProbeReport:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        handled = False
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signal.SIGINT, stop.set)
                handled = True
        try:
            return await probe(links, images, settings, progress, stop=stop, **kwargs)
        finally:
            if handled:
                loop.remove_signal_handler(signal.SIGINT)

    return asyncio.run(main())
