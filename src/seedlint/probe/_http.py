"""The HTTP machinery shared by link and image probes (imports httpx: load lazily).

* ``GuardedBackend``: an httpcore network backend that resolves names itself,
  vets every address with the guard and connects to a vetted IP; TLS SNI and
  the Host header keep the name because httpcore takes them from the URL.
* ``Limiter``: global and per-host concurrency, optional per-host rate, and
  per-host "not before" times from Retry-After.
* ``Session.open``: one request with retries (backoff + jitter, Retry-After),
  yielding a streaming response while holding its concurrency slots.
* ``classify``: exception -> (outcome value, human detail).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TypeVar

import httpcore
import httpx

from .guard import BadUrl, DnsFailure, GuardPolicy, GuardRefused, Resolver, resolve_and_vet
from .guard import system_resolver as _system_resolver
from .settings import ProbeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


class BudgetExpired(Exception):
    """The per-URL total_timeout ran out."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, vet every address, then connect to a vetted IP (never the name)."""

    def __init__(
        self,
        policy: GuardPolicy,
        resolver: Resolver = _system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable vetted address of ``host``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            addresses = await asyncio.wait_for(
                resolve_and_vet(host, port, self._policy, self._resolver), timeout
            )
        except asyncio.TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        error: Exception | None = None
        for ip in addresses:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await self._inner.connect_tcp(
                    ip,
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:  # refused: the next address may answer
                error = exc
            # A ConnectTimeout propagates: a hung host costs one timeout, not one per address.
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never used: probes only speak TCP."""
        raise GuardRefused("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Delegate (httpcore uses it between its own connect retries, which we disable)."""
        await self._inner.sleep(seconds)


def _ssl_context(verify: bool | str) -> ssl.SSLContext | bool:
    if isinstance(verify, str):
        # httpx 0.28 deprecates verify=<path>; build the context ourselves.
        return ssl.create_default_context(cafile=verify)
    return verify


def build_client(
    settings: ProbeSettings, backend: httpcore.AsyncNetworkBackend
) -> httpx.AsyncClient:
    """One client for the whole run, every connection made through ``backend``."""
    verify = _ssl_context(settings.verify)
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    transport = httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=False)
    # httpx has no public hook for a network backend, so swap the pool for an
    # identical one that has ours. trust_env=False (and transport=) also keeps
    # environment proxies out: a proxy would connect on our behalf, unvetted.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=backend,
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=None,  # queueing is bounded by our own semaphores and the total budget
        ),
        follow_redirects=False,  # followed by hand: each hop is guarded and recorded
        trust_env=False,
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
    )


class Budget:
    """A per-URL wall-clock budget that starts with the first request.

    Time spent queued for a per-host or global slot is not charged: a URL's
    follow-up request (a redirect hop, a retry, the GET after a HEAD) waiting
    behind other URLs of a busy host has not been slow, and must not time out.
    """

    def __init__(self, total: float) -> None:
        self.total = total
        self._start: float | None = None
        self._queued = 0.0

    @asynccontextmanager
    async def queued(self) -> AsyncIterator[None]:
        """Wait for something (a slot) without spending the budget."""
        began = time.monotonic()
        try:
            yield
        finally:
            if self._start is not None:
                self._queued += time.monotonic() - began

    def start(self) -> None:
        """Start the clock (no-op once started)."""
        if self._start is None:
            self._start = time.monotonic()

    def remaining(self) -> float:
        """Seconds left (the full budget before the first request)."""
        if self._start is None:
            return self.total
        return self.total - (time.monotonic() - self._start - self._queued)

    async def run(self, aw: Awaitable[T]) -> T:
        """Await ``aw`` within what is left; raise BudgetExpired past it."""
        left = self.remaining()
        if left <= 0:
            if asyncio.iscoroutine(aw):
                aw.close()  # never awaited: close it to avoid a "never awaited" warning
            raise BudgetExpired
        try:
            return await asyncio.wait_for(aw, left)
        except asyncio.TimeoutError as exc:
            raise BudgetExpired from exc


@dataclass
class _HostState:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0  # monotonic time before which no request may start


class Limiter:
    """Global and per-host concurrency, per-host rate and Retry-After pauses."""

    def __init__(self, concurrency: int, per_host: int, rate: float | None) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._interval = 0.0 if rate is None else 1.0 / rate
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _HostState(asyncio.Semaphore(self._per_host))
        return state

    def defer(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` back for ``seconds`` (a Retry-After)."""
        state = self._state(host)
        state.next_start = max(state.next_start, time.monotonic() + seconds)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold a per-host then a global slot, after any rate/Retry-After wait."""
        state = self._state(host)
        # Per-host first: a task queued behind a busy host must not sit on a global slot.
        async with state.slots:
            async with state.lock:
                now = time.monotonic()
                wait = max(0.0, state.next_start - now)
                state.next_start = max(now, state.next_start) + self._interval
            if wait:
                await asyncio.sleep(wait)
            async with self._global:
                yield


@dataclass
class Counters:
    """Per-URL counters and notes, filled in as requests go."""

    requests: int = 0
    body_bytes: int = 0
    notes: list[str] = field(default_factory=list)


RETRYABLE_EXC = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def is_tls_error(exc: BaseException) -> bool:
    """True when an ssl error is anywhere in the exception's cause chain."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, ssl.SSLError):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def retryable_status(status: int) -> bool:
    """429 and 5xx, except 501/505 which no retry will change."""
    return status == 429 or (500 <= status <= 599 and status not in (501, 505))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None  # RFC 9110 dates are GMT; a zoneless one is malformed
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def status_text(status: int, reason: str = "") -> str:
    """'HTTP 404 Not Found'."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason
    return f"HTTP {status} {phrase}".rstrip()


def classify(exc: BaseException) -> tuple[str, str]:
    """Map an exception to (outcome value shared by LinkOutcome/ImageOutcome, detail)."""
    if isinstance(exc, GuardRefused):
        return "forbidden-address", str(exc)
    if isinstance(exc, DnsFailure):
        return "dns-failure", f"DNS lookup failed: {exc}"
    if isinstance(exc, BadUrl):
        return "invalid-url", str(exc)
    if isinstance(exc, BudgetExpired):
        return "timeout", "gave up: total timeout per URL reached"
    if isinstance(exc, httpx.ConnectTimeout):
        return "timeout", f"connect timed out ({exc})" if str(exc) else "connect timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", f"{type(exc).__name__}: no answer in time"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError)):
        return "invalid-url", f"invalid URL: {exc}"
    if isinstance(exc, (httpx.ConnectError, httpx.NetworkError)) and is_tls_error(exc):
        return "tls-failure", f"TLS failure: {exc}"
    if isinstance(exc, httpx.LocalProtocolError):
        return "invalid-url", f"cannot form a request: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return "connection-failed", f"connection failed: {exc or 'refused'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection-failed", f"malformed or cut-off response: {exc}"
    if isinstance(exc, httpx.TransportError):
        return "connection-failed", f"{type(exc).__name__}: {exc or 'connection lost'}"
    if isinstance(exc, ValueError):  # idna and URL parsing errors not wrapped by httpx
        return "invalid-url", f"invalid URL: {exc}"
    return "connection-failed", f"unexpected {type(exc).__name__}: {exc}"


class Session:
    """One client, one limiter and the retry policy, shared by all probes of a run."""

    def __init__(self, settings: ProbeSettings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client
        self.limiter = Limiter(settings.concurrency, settings.per_host, settings.per_host_rate)
        self.head_refused: set[str] = set()  # hosts that answered HEAD with 405/501
        # Hosts whose HEAD answered 2xx/3xx: they implement HEAD, so their HEAD 404/410
        # is believed without a GET (saves a request per dead link on healthy sites).
        self.head_trusted: set[str] = set()

    def _backoff(self, attempt: int) -> float:
        base = min(self.settings.backoff_max, self.settings.backoff_base * 2.0**attempt)
        return base / 2 + random.uniform(0, base / 2)  # "equal jitter": never zero, never herd

    @asynccontextmanager
    async def open(
        self,
        method: str,
        url: str,
        *,
        budget: Budget,
        counters: Counters,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """Send with retries; yield the final (streaming, unread) response.

        Retried: connection errors (not TLS), 429 and 5xx (not 501/505), up to
        ``settings.retries`` times, waiting Retry-After when given (up to
        ``retry_after_max`` and the remaining budget), else exponential backoff
        with jitter. Timeouts are never retried. The per-host and global slots
        are held while the caller reads the response, released between attempts.
        """
        request = self.client.build_request(method, url, headers=headers)
        host = request.url.host
        async with AsyncExitStack() as outer:
            attempt = 0
            while True:
                stack = AsyncExitStack()
                try:
                    async with budget.queued():
                        await stack.enter_async_context(self.limiter.slot(host))
                    budget.start()
                    counters.requests += 1
                    response = await budget.run(self.client.send(request, stream=True))
                    stack.push_async_callback(response.aclose)
                except RETRYABLE_EXC as exc:
                    await stack.aclose()
                    if is_tls_error(exc) or attempt >= self.settings.retries:
                        raise
                    delay = self._backoff(attempt)
                    if delay >= budget.remaining():
                        raise
                    counters.notes.append(f"retried after {type(exc).__name__}")
                    await asyncio.sleep(delay)
                    attempt += 1
                    continue
                except BaseException:
                    await stack.aclose()
                    raise
                status = response.status_code
                if retryable_status(status) and attempt < self.settings.retries:
                    wait = self._retry_delay(response, attempt, budget, counters)
                    if wait is not None:
                        await stack.aclose()
                        await asyncio.sleep(wait)
                        attempt += 1
                        continue
                outer.push_async_exit(stack)
                break
            try:
                yield response
            finally:
                counters.body_bytes += response.num_bytes_downloaded

    def _retry_delay(
        self, response: httpx.Response, attempt: int, budget: Budget, counters: Counters
    ) -> float | None:
        """How long to wait before retrying ``response``, or None to give up now."""
        status = response.status_code
        after = parse_retry_after(response.headers.get("Retry-After"))
        delay: float
        if after is not None:
            if after > self.settings.retry_after_max:
                counters.notes.append(
                    f"Retry-After {after:.0f}s exceeds the {self.settings.retry_after_max:.0f}s limit"
                )
                return None
            # Jitter upwards only: never earlier than the server asked.
            delay = after + random.uniform(0, min(1.0, after * 0.1))
            self.limiter.defer(response.url.host, after)
        else:
            delay = self._backoff(attempt)
        if delay >= budget.remaining():
            counters.notes.append(f"not retried: waiting {delay:.1f}s would pass the total timeout")
            return None
        counters.notes.append(f"retried after HTTP {status}")
        return delay
