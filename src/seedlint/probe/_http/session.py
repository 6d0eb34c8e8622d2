"""One request with retries, within the limiter and a URL's budget."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

import httpx

from seedlint.outcomes import Outcome

from ..settings import ProbeSettings
from .budget import GRACE, Budget, BudgetExpired, Counters, Deadline, Limiter, Verdict
from .transport import PerHostTransport, host_key
from .verdicts import (
    HOST_FAILURES,
    RETRYABLE_EXC,
    classify,
    is_tls_error,
    outcome_for_retry,
    parse_retry_after,
    retryable_status,
    status_text,
)

log = logging.getLogger(__name__)


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
                        response = await budget.run(self._send(request), grace=GRACE)
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
