"""Start a run's URL tasks a few per turn of the event loop, and wait for them all.

Creating every task at once makes the first request wait until every URL has
taken its first step (parsing, building its request, queueing for a slot): a
tenth of a second per thousand URLs, more when the machine is busy, and it
delays every URL behind it, a hanging one's timeout included. Started a few per
loop turn, the first requests are on the wire while later URLs are still being started.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

Start = Callable[[], Coroutine[Any, Any, None]]


BATCH = 4
"""Tasks started per loop turn once ``floor`` are alive: a turn of a busy run handles
dozens of responses, so this still starts URLs faster than slots free up."""


class Launch:
    """The tasks of one run: started in order, counted as they end.

    Up to ``floor`` tasks (the run's concurrency) are started at once; beyond
    that, ``BATCH`` per loop turn, so that requests already on their way are
    not held up behind the first steps of URLs that will only queue for a slot.
    """

    def __init__(self, starts: Sequence[Start], floor: int) -> None:
        self._starts = starts
        self._floor = floor
        self._left = len(starts)
        self._finished = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        if not starts:
            self._finished.set()

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._left -= 1
        if self._left == 0 or (not task.cancelled() and task.exception() is not None):
            self._finished.set()  # all done, or one failed: the caller re-raises it

    async def _feed(self) -> None:
        for number, start in enumerate(self._starts, 1):
            task = asyncio.ensure_future(start())
            task.add_done_callback(self._ended)
            self.tasks.append(task)
            alive = number - (len(self._starts) - self._left)
            if number % BATCH == 0 and alive >= self._floor:
                await asyncio.sleep(0)

    async def run(self, stop: asyncio.Event | None, deadline: float) -> None:
        """Start every task and wait until all end, one fails, ``stop`` is set, or a little
        past ``deadline`` (enforced inside each request; the grace catches work that is not).

        Ends are counted by a callback: waiting on the set of pending tasks again
        after each one ends would cost time in proportion to the URLs, per URL.
        Tasks not started when it returns never are.
        """
        feeder = asyncio.ensure_future(self._feed())
        waiters = [asyncio.ensure_future(self._finished.wait())]
        if stop is not None:
            waiters.append(asyncio.ensure_future(stop.wait()))
        try:
            await asyncio.wait(
                waiters,
                timeout=max(0.0, deadline + 2.0 - time.monotonic()),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiter in [*waiters, feeder]:
                waiter.cancel()
            await asyncio.gather(feeder, return_exceptions=True)

    async def settle(self) -> list[BaseException | None]:
        """Cancel the unfinished tasks; every started task's exception (None when it ended well)."""
        for task in self.tasks:
            task.cancel()
        outcomes = await asyncio.gather(*self.tasks, return_exceptions=True)
        return [o if isinstance(o, BaseException) else None for o in outcomes]
