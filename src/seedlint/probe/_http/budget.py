"""Time and politeness: verdicts without requests, deadlines, per-URL budgets, the limiter."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from seedlint.outcomes import Outcome

from ..settings import ProbeSettings

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


if sys.version_info >= (3, 11):

    async def within(aw: Awaitable[T], seconds: float | None) -> T:
        """Await ``aw`` for at most ``seconds`` (None: no limit); asyncio.TimeoutError past it.

        ``asyncio.timeout`` runs ``aw`` in the current task; ``wait_for`` (before
        3.12) wraps it in a task of its own, a cost paid twice per request here.
        """
        async with asyncio.timeout(seconds):
            return await aw

else:  # pragma: no cover - Python 3.10

    async def within(aw: Awaitable[T], seconds: float | None) -> T:
        """Await ``aw`` for at most ``seconds`` (None: no limit); asyncio.TimeoutError past it."""
        return await asyncio.wait_for(aw, seconds)


GRACE = 0.5  # seconds past a budget before a request is cancelled from outside
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
            return await within(aw, left + grace)
        except asyncio.TimeoutError as exc:
            raise self._exceeded() from exc


async def _acquire(semaphore: asyncio.Semaphore, deadlines: Sequence[Deadline]) -> None:
    """Take a slot, or raise the tightest deadline's verdict if it passes first."""
    tightest = min(deadlines, key=Deadline.left)
    left = tightest.left()
    if left <= 0:
        raise tightest.expired()
    if not semaphore.locked():
        await semaphore.acquire()  # free: taken at once, without a timer
        return
    try:
        await within(semaphore.acquire(), left)
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
