"""The HTTP machinery shared by link and image probes (imports httpx: load lazily).

* ``GuardedBackend``: an httpcore network backend that resolves names itself,
  vets every address with the guard and connects to a vetted IP; TLS SNI and
  the Host header keep the name because httpcore takes them from the URL.
* ``Limiter``: global and per-host concurrency, optional per-host rate,
  per-host "not before" times from Retry-After, the per-host budget, and hosts
  declared unreachable (their remaining URLs get a verdict without a request).
* ``Budget``: a URL's own time budget within the run's and its host's deadlines.
* ``Session.open``: one request with retries (backoff + jitter, Retry-After),
  yielding a streaming response while holding its concurrency slots.
* ``classify``: exception -> (outcome value, human detail).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import random
import re
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TypeVar

import httpcore
import httpx

from seedlint.outcomes import Outcome

from .guard import BadUrl, DnsFailure, GuardPolicy, GuardRefused, Resolver, resolve_and_vet
from .guard import system_resolver as _system_resolver
from .settings import ProbeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


class Verdict(Exception):
    """A URL's verdict reached without (more) requests: ``outcome`` and a ``detail`` saying why."""

    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


class BudgetExpired(Verdict):
    """A time budget ran out: the URL's own (a timeout) or the run's or host's (not checked)."""

    def __init__(
        self,
        outcome: Outcome = Outcome.TIMEOUT,
        detail: str = "gave up: total timeout per URL reached",
    ) -> None:
        super().__init__(outcome, detail)


@dataclass
class Deadline:
    """A wall-clock limit shared by many URLs (the run's, one host's) and what passing it means."""

    at: float  # time.monotonic() value; math.inf for none
    detail: str  # completes "not checked, because ..."

    def left(self) -> float:
        """Seconds until the deadline (negative once passed)."""
        return self.at - time.monotonic()

    def expired(self) -> BudgetExpired:
        """The exception for a URL stopped by this deadline."""
        return BudgetExpired(Outcome.NOT_CHECKED, self.detail)


class _ClosingStream(httpcore.AsyncNetworkStream):
    """A TCP stream that is closed when its TLS handshake is cancelled.

    httpcore closes the socket when the handshake fails with an Exception but
    not on cancellation (a BaseException), which is how every time budget here
    ends a request: without this, each cancelled handshake leaks a socket.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            return await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except Exception:
            raise  # httpcore closes the stream itself
        except BaseException:
            with contextlib.suppress(Exception):
                await self._inner.aclose()
            raise

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


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
                return _ClosingStream(
                    await self._inner.connect_tcp(
                        ip,
                        port,
                        timeout=left,
                        local_address=local_address,
                        socket_options=socket_options,
                    )
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


class PerHostTransport(httpx.AsyncBaseTransport):
    """One small httpcore pool per origin, every connection made through the guarded backend.

    A single pool for the whole run re-scans every connection it holds on each
    request (httpcore's bookkeeping is linear in its size, encode/httpx#3215)
    and, being capped below hosts x per-host slots, evicts idle connections
    that the next request to that host needs. Pools of ``per_host``
    connections keep both costs small and connections alive for reuse; the
    limiter's semaphores bound the requests in flight. Idle sockets are bounded
    too: a host's pools close as soon as none of its URLs is active or waiting
    (``release``), and beyond ``max_pools`` open pools the least recently used
    idle ones are closed (every URL task waits on its host from the start, so
    without this a run over thousands of hosts could hold one idle socket per
    host).
    """

    def __init__(
        self,
        settings: ProbeSettings,
        backend: httpcore.AsyncNetworkBackend,
        max_pools: int | None = None,
    ) -> None:
        verify = _ssl_context(settings.verify)
        self._ssl = httpx.create_ssl_context(verify=verify, trust_env=False)
        self._backend = backend
        self._size = settings.per_host
        self.max_pools = max_pools if max_pools is not None else 2 * settings.concurrency
        # Least recently used first: a hit moves its origin to the end.
        self._transports: dict[tuple[str, str, int], httpx.AsyncHTTPTransport] = {}
        self._pools: dict[tuple[str, str, int], httpcore.AsyncConnectionPool] = {}

    @property
    def open_pools(self) -> int:
        """How many origins have a pool now."""
        return len(self._transports)

    async def _for(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = (url.scheme, url.host, _port(url))
        transport = self._transports.pop(key, None)
        if transport is not None:
            self._transports[key] = transport
            return transport
        await self._evict_idle()
        transport = httpx.AsyncHTTPTransport(verify=self._ssl, trust_env=False)
        # httpx has no public hook for a network backend, so swap the pool for
        # one that has ours. trust_env=False also keeps environment proxies
        # out: a proxy would connect on our behalf, unvetted.
        pool = httpcore.AsyncConnectionPool(
            ssl_context=self._ssl,
            max_connections=self._size,
            max_keepalive_connections=self._size,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=self._backend,
        )
        transport._pool = pool
        self._transports[key] = transport
        self._pools[key] = pool
        return transport

    async def _evict_idle(self) -> None:
        """Close least recently used pools whose connections are all idle, down to max_pools."""
        excess = len(self._transports) + 1 - self.max_pools
        for key in list(self._transports):
            if excess <= 0:
                break
            if all(connection.is_idle() for connection in self._pools[key].connections):
                excess -= 1
                await self._close(key)

    async def _close(self, key: tuple[str, str, int]) -> None:
        transport = self._transports.pop(key)
        del self._pools[key]
        await transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through the pool of the request's origin."""
        transport = await self._for(request.url)
        return await transport.handle_async_request(request)

    async def release(self, host: str) -> None:
        """Close the pools of ``host`` (a ``host_key``): its connections are idle now."""
        for key in [k for k in self._transports if _key_text(k[1], k[2]) == host]:
            await self._close(key)

    async def aclose(self) -> None:
        """Close every pool."""
        for key in list(self._transports):
            await self._close(key)


def _key_text(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def build_client(settings: ProbeSettings, transport: PerHostTransport) -> httpx.AsyncClient:
    """One client for the whole run, every request sent through ``transport``."""
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


_GRACE = 0.5  # seconds past a budget before a request is cancelled from outside
_SLACK = 0.05  # seconds: a timeout this close to a budget's end is that budget's doing


class Budget:
    """A per-URL wall-clock budget that starts with the first request, within shared deadlines.

    Time spent queued for a per-host or global slot is not charged to the URL's
    own budget: a follow-up request (a redirect hop, a retry, the GET after a
    HEAD) waiting behind other URLs of a busy host has not been slow. That wait
    does count against the run's and the host's deadlines, which are wall
    clock: a host cannot hold a run up by keeping every slot busy.
    """

    def __init__(self, total: float, run: Deadline) -> None:
        self.total = total
        self.run_deadline = run
        self.host_deadline: Deadline | None = None  # the host being asked now (set per request)
        self._start: float | None = None
        self._queued = 0.0

    @asynccontextmanager
    async def queued(self) -> AsyncIterator[None]:
        """Wait for something (a slot) without spending the URL's own budget."""
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

    def own_remaining(self) -> float:
        """Seconds left of the URL's own budget (all of it before the first request)."""
        if self._start is None:
            return self.total
        return self.total - (time.monotonic() - self._start - self._queued)

    def deadlines(self) -> list[Deadline]:
        """The shared deadlines that apply now."""
        found = [self.run_deadline]
        if self.host_deadline is not None:
            found.append(self.host_deadline)
        return found

    def remaining(self) -> float:
        """Seconds left before any budget runs out."""
        return min(self.own_remaining(), *(d.left() for d in self.deadlines()))

    def _exceeded(self) -> BudgetExpired:
        tightest = min(self.deadlines(), key=Deadline.left)
        if tightest.left() <= self.own_remaining():
            return tightest.expired()
        return BudgetExpired()

    def overrun(self) -> BudgetExpired | None:
        """The verdict when a budget has (just about) run out, else None."""
        return self._exceeded() if self.remaining() <= _SLACK else None

    def timeouts(self, settings: ProbeSettings) -> dict[str, float | None]:
        """httpx timeouts for the next request, cut to what is left.

        The client then stops a hung request itself and closes its connection
        cleanly; cancelling it from outside (``run``) is only the backstop.
        """
        left = max(self.remaining(), 0.001)
        return {
            "connect": min(settings.connect_timeout, left),
            "read": min(settings.read_timeout, left),
            "write": min(settings.read_timeout, left),
            "pool": None,  # queueing is bounded by our own semaphores and deadlines
        }

    async def run(self, aw: Awaitable[T], grace: float = 0.0) -> T:
        """Await ``aw`` within what is left (plus ``grace``); raise BudgetExpired past it."""
        left = self.remaining()
        if left <= 0:
            if asyncio.iscoroutine(aw):
                aw.close()  # never awaited: close it to avoid a "never awaited" warning
            raise self._exceeded()
        try:
            return await asyncio.wait_for(aw, left + grace)
        except asyncio.TimeoutError as exc:
            raise self._exceeded() from exc


async def _acquire(semaphore: asyncio.Semaphore, deadlines: Sequence[Deadline]) -> None:
    """Take a slot, or raise the tightest deadline's verdict if it passes first."""
    tightest = min(deadlines, key=Deadline.left)
    left = tightest.left()
    if left <= 0:
        raise tightest.expired()
    try:
        await asyncio.wait_for(semaphore.acquire(), left)
    except asyncio.TimeoutError as exc:
        raise tightest.expired() from exc


@dataclass
class HostState:
    """What a run knows about one host: its slots, pace, budget and health."""

    slots: asyncio.Semaphore
    deadline: Deadline
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0  # monotonic time before which no request may start
    users: int = 0  # URLs holding or waiting for one of its slots
    failures: int = 0  # timeouts and connection failures in a row
    down: Verdict | None = None  # once set, the host's remaining URLs get this verdict at once


class Limiter:
    """Global and per-host concurrency, per-host rate, Retry-After pauses and host budgets."""

    def __init__(
        self,
        settings: ProbeSettings,
        run: Deadline,
        on_idle: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._on_idle = on_idle
        self._global = asyncio.Semaphore(settings.concurrency)
        self._per_host = settings.per_host
        self._interval = 0.0 if settings.per_host_rate is None else 1.0 / settings.per_host_rate
        self._host_budget = settings.host_budget
        self._failures_max = settings.host_failures
        self.run_deadline = run
        self._hosts: dict[str, HostState] = {}

    def state(self, host: str) -> HostState:
        """The host's state; its budget starts when its first URL asks for a slot."""
        state = self._hosts.get(host)
        if state is None:
            deadline = Deadline(
                time.monotonic() + self._host_budget,
                f"the {self._host_budget:g} s budget for host {host} ran out",
            )
            state = self._hosts[host] = HostState(asyncio.Semaphore(self._per_host), deadline)
        return state

    def defer(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` back for ``seconds`` (a Retry-After)."""
        state = self.state(host)
        state.next_start = max(state.next_start, time.monotonic() + seconds)

    def answered(self, host: str) -> None:
        """The host sent a response: it is reachable."""
        self.state(host).failures = 0

    def failed(self, host: str, outcome: Outcome, detail: str) -> None:
        """A request to ``host`` timed out or could not connect; enough in a row mark it down."""
        state = self.state(host)
        state.failures += 1
        if state.down is None and state.failures >= self._failures_max:
            state.down = Verdict(
                outcome,
                f"not checked: host {host} failed {state.failures} requests in a row "
                f"(last: {detail})",
            )

    def give_up_on(self, host: str, verdict: Verdict) -> None:
        """Give every remaining URL of ``host`` this verdict (e.g. a Retry-After past the limit)."""
        state = self.state(host)
        if state.down is None:
            state.down = verdict

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[HostState]:
        """Hold a per-host then a global slot, after any rate/Retry-After wait.

        Raises the host's verdict once it is down, and a not-checked
        BudgetExpired when the run's or host's deadline passes while waiting.
        """
        state = self.state(host)
        deadlines = (self.run_deadline, state.deadline)
        if state.down is not None:
            raise Verdict(state.down.outcome, state.down.detail)
        state.users += 1
        try:
            async with self._host_slot(state, deadlines):
                yield state
        finally:
            state.users -= 1
            if state.users == 0 and self._on_idle is not None:
                await self._on_idle(host)

    @asynccontextmanager
    async def _host_slot(
        self, state: HostState, deadlines: Sequence[Deadline]
    ) -> AsyncIterator[None]:
        # Per-host first: a task queued behind a busy host must not sit on a global slot.
        await _acquire(state.slots, deadlines)
        try:
            if state.down is not None:
                raise Verdict(state.down.outcome, state.down.detail)
            async with state.lock:
                now = time.monotonic()
                wait = max(0.0, state.next_start - now)
                state.next_start = max(now, state.next_start) + self._interval
            if wait:
                tightest = min(deadlines, key=Deadline.left)
                if wait >= tightest.left():
                    raise tightest.expired()
                await asyncio.sleep(wait)
            await _acquire(self._global, deadlines)
            try:
                yield
            finally:
                self._global.release()
        finally:
            state.slots.release()


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
        if isinstance(cur, ssl.SSLError) and not isinstance(
            cur,
            (ssl.SSLWantReadError, ssl.SSLWantWriteError),  # a handshake still waiting
        ):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def retryable_status(status: int) -> bool:
    """429 and 5xx, except 501/505 which no retry will change."""
    return status == 429 or (500 <= status <= 599 and status not in (501, 505))


_DELTA_SECONDS = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):  # 1*DIGIT (a decimal fraction tolerated)
        seconds = float(value) if len(value) < 30 else 1e9
        return min(max(0.0, seconds), 1e9)
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            return None  # RFC 9110 dates are GMT; a zoneless one is malformed
        seconds = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError):
        # A year past datetime's range is no usable date: treat it like a missing header.
        return None
    return max(0.0, seconds)


def status_text(status: int, reason: str = "") -> str:
    """'HTTP 404 Not Found'."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason
    return f"HTTP {status} {phrase}".rstrip()


def classify(exc: BaseException) -> tuple[Outcome, str]:
    """Map an exception to (outcome, human detail)."""
    if isinstance(exc, GuardRefused):
        return Outcome.FORBIDDEN_ADDRESS, str(exc)
    if isinstance(exc, DnsFailure):
        return Outcome.DNS_FAILURE, f"DNS lookup failed: {exc}"
    if isinstance(exc, BadUrl):
        return Outcome.INVALID_URL, str(exc)
    if isinstance(exc, Verdict):
        return exc.outcome, exc.detail
    if isinstance(exc, httpx.ConnectTimeout):
        return Outcome.TIMEOUT, f"connect timed out ({exc})" if str(exc) else "connect timed out"
    if isinstance(exc, httpx.TimeoutException):
        return Outcome.TIMEOUT, f"{type(exc).__name__}: no answer in time"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError)):
        return Outcome.INVALID_URL, f"the HTTP client cannot request it: {exc}"
    if isinstance(exc, (httpx.ConnectError, httpx.NetworkError)) and is_tls_error(exc):
        return Outcome.TLS_FAILURE, f"TLS failure: {exc}"
    if isinstance(exc, httpx.LocalProtocolError):
        return Outcome.INVALID_URL, f"the HTTP client cannot form a request: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return Outcome.CONNECTION_FAILED, f"connection failed: {exc or 'refused'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return Outcome.CONNECTION_FAILED, f"malformed or cut-off response: {exc}"
    if isinstance(exc, httpx.TransportError):
        return Outcome.CONNECTION_FAILED, f"{type(exc).__name__}: {exc or 'connection lost'}"
    if isinstance(exc, ValueError):  # idna and URL parsing errors not wrapped by httpx
        return Outcome.INVALID_URL, f"the HTTP client cannot request it: {exc}"
    return Outcome.CONNECTION_FAILED, f"unexpected {type(exc).__name__}: {exc}"


def host_key(url: httpx.URL) -> str:
    """``host:port``: the unit of politeness, budgets and "unreachable"."""
    return _key_text(url.host, _port(url))


def _port(url: httpx.URL) -> int:
    """The port connected to (port 0 is a port, not "the default")."""
    if url.port is not None:
        return url.port
    return 443 if url.scheme == "https" else 80


HOST_FAILURES = (httpx.TimeoutException, httpx.ConnectError, BudgetExpired, DnsFailure)
"""What counts towards declaring a host unreachable (TLS failures are excluded below)."""


class Session:
    """One client, one limiter and the retry policy, shared by all probes of a run."""

    def __init__(
        self,
        settings: ProbeSettings,
        client: httpx.AsyncClient,
        transport: PerHostTransport | None = None,
        run: Deadline | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.run_deadline = run or Deadline(
            time.monotonic() + settings.run_budget,
            f"the run's {settings.run_budget:g} s probe budget ran out",
        )
        self.transport = transport
        release = transport.release if transport is not None else None
        self.limiter = Limiter(settings, self.run_deadline, release)
        self.head_refused: set[str] = set()  # hosts that answered HEAD with 405/501
        # Hosts whose HEAD answered 2xx/3xx: they implement HEAD, so their HEAD 404/410
        # is believed without a GET (saves a request per dead link on healthy sites).
        self.head_trusted: set[str] = set()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """Send through the transport, bypassing the client's redirect and cookie handling.

        ``AsyncClient.send`` builds the next request of every redirect even when
        not following it, and raises on a Location it cannot build (``http:host/``,
        port 65536): the redirect's status and Location would be lost. Redirects
        are walked (and vetted) by hand anyway, and cookies must not leak from one
        seed's URL to the next.
        """
        if self.transport is None:
            return await self.client.send(request, stream=True)
        response = await self.transport.handle_async_request(request)
        response.request = request
        return response

    def budget(self) -> Budget:
        """A fresh per-URL budget within the run's deadline."""
        return Budget(self.settings.total_timeout, self.run_deadline)

    def _backoff(self, attempt: int) -> float:
        base = min(self.settings.backoff_max, self.settings.backoff_base * 2.0**attempt)
        return base / 2 + random.uniform(0, base / 2)  # "equal jitter": never zero, never herd

    def _note_failure(self, host: str, exc: BaseException) -> None:
        if isinstance(exc, HOST_FAILURES) and not (
            isinstance(exc, httpx.ConnectError) and is_tls_error(exc)  # the host did answer
        ):
            if isinstance(exc, BudgetExpired) and exc.outcome is not Outcome.TIMEOUT:
                return  # the run's or host's budget, not the host's fault
            outcome, detail = classify(exc)
            self.limiter.failed(host, outcome, detail)

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
        A host that failed ``host_failures`` times in a row, or asked to wait
        longer than ``retry_after_max``, gets no more requests in this run.
        """
        request = self.client.build_request(method, url, headers=headers)
        host = host_key(request.url)
        async with AsyncExitStack() as outer:
            attempt = 0
            last_error: Exception | None = None
            while True:
                stack = AsyncExitStack()
                try:
                    async with budget.queued():
                        state = await stack.enter_async_context(self.limiter.slot(host))
                    budget.host_deadline = state.deadline
                    budget.start()
                    counters.requests += 1
                    request.extensions["timeout"] = budget.timeouts(self.settings)
                    try:
                        response = await budget.run(self._send(request), grace=_GRACE)
                    except httpx.TimeoutException as exc:
                        over = budget.overrun()  # the client's timeout, cut to a budget's end
                        if over is None:
                            self._note_failure(host, exc)
                            raise
                        self._note_failure(host, over)
                        raise over from exc
                    except Exception as exc:
                        self._note_failure(host, exc)
                        raise
                    self.limiter.answered(host)
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
                    last_error = exc
                    continue
                except BaseException as exc:
                    await stack.aclose()
                    if type(exc) is Verdict and last_error is not None:
                        # The host was given up while this URL waited to retry: its
                        # own failure is the verdict, not "not checked".
                        raise last_error from None
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
                await _finish_for_reuse(response, budget)
                counters.body_bytes += response.num_bytes_downloaded

    def _retry_delay(
        self, response: httpx.Response, attempt: int, budget: Budget, counters: Counters
    ) -> float | None:
        """How long to wait before retrying ``response``, or None to give up now."""
        status = response.status_code
        host = host_key(response.url)
        after = parse_retry_after(response.headers.get("Retry-After"))
        delay: float
        if after is not None:
            limit = self.settings.retry_after_max
            if after > limit:
                note = f"Retry-After {after:.0f}s exceeds the {limit:g}s limit"
                counters.notes.append(note)
                # Its other URLs would get the same answer: they get this verdict now.
                self.limiter.give_up_on(
                    host,
                    Verdict(
                        outcome_for_retry(status),
                        f"{status_text(status)}; not asked again: host {host} asked to wait "
                        f"{after:.0f}s, more than the {limit:g}s limit",
                    ),
                )
                return None
            # Jitter upwards only: never earlier than the server asked.
            delay = after + random.uniform(0, min(1.0, after * 0.1))
        else:
            delay = self._backoff(attempt)
        if delay >= budget.remaining():
            counters.notes.append(f"not retried: waiting {delay:.1f}s would pass the time budget")
            return None
        if after is not None:
            self.limiter.defer(host, after)  # only once we will really wait for it
        counters.notes.append(f"retried after HTTP {status}")
        return delay


_REUSE_MAX_BODY = 1  # bytes: a HEAD, an empty body or the one byte a link-check GET asks for


async def _finish_for_reuse(response: httpx.Response, budget: Budget) -> None:
    """Read a (tiny or empty) unread body to its end, so its connection goes back to the pool.

    httpcore closes a connection whose streamed response is closed unread, even
    a HEAD answer that has no body: every request then pays a new TCP (and TLS)
    handshake, the main CPU cost of a link run. Reading a known-empty or
    one-byte body costs nothing; anything larger is left unread and closed.
    """
    if response.is_stream_consumed or response.is_closed:
        return
    length = response.headers.get("Content-Length", "")
    empty = response.request.method == "HEAD" or response.status_code in (204, 304)
    small = length.isdigit() and int(length) <= _REUSE_MAX_BODY
    if not (empty or small):
        return
    try:
        await budget.run(response.aread())
    except Exception:  # the close that follows handles a broken connection
        log.debug("could not finish %s for reuse", response.request.url, exc_info=True)


def outcome_for_retry(status: int) -> Outcome:
    """The outcome of a retryable status given up on (429 or a 5xx)."""
    return Outcome.RATE_LIMITED if status == 429 else Outcome.SERVER_ERROR
