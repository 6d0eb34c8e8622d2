"""How a run starts its URL tasks: a few per loop turn, counted as they end."""

from __future__ import annotations

import asyncio
import time
from functools import partial

import pytest

from seedlint.probe.launch import Launch


def test_first_tasks_progress_before_every_task_has_started():
    started: list[int] = []
    seen: dict[str, int] = {}

    async def work(number: int) -> None:
        started.append(number)
        for _ in range(5):  # five turns of the loop, like a request's first steps
            await asyncio.sleep(0)
        seen.setdefault("when the first finished", len(started))

    async def main() -> list[BaseException | None]:
        launch = Launch([partial(work, n) for n in range(1000)], floor=8)
        await launch.run(None, time.monotonic() + 60)
        return await launch.settle()

    assert asyncio.run(main()) == [None] * 1000
    assert started == list(range(1000))  # in order
    assert seen["when the first finished"] < 100


def test_a_stop_leaves_the_rest_unstarted():
    started: list[int] = []

    async def main() -> tuple[int, list[BaseException | None]]:
        stop = asyncio.Event()

        async def work(number: int) -> None:
            started.append(number)
            if number == 20:
                stop.set()
            await asyncio.sleep(30)

        launch = Launch([partial(work, n) for n in range(1000)], floor=4)
        await launch.run(stop, time.monotonic() + 60)
        return len(launch.tasks), await launch.settle()

    count, outcomes = asyncio.run(main())
    assert len(started) <= count < 1000
    assert started == list(range(len(started)))
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)


def test_a_failing_task_ends_the_run_at_once():
    async def work(number: int) -> None:
        if number == 3:
            raise ValueError("boom")
        await asyncio.sleep(30)

    async def main() -> list[BaseException | None]:
        launch = Launch([partial(work, n) for n in range(10)], floor=10)
        began = time.monotonic()
        await launch.run(None, time.monotonic() + 60)
        assert time.monotonic() - began < 5
        return await launch.settle()

    outcomes = asyncio.run(main())
    assert isinstance(outcomes[3], ValueError)
    assert sum(isinstance(o, asyncio.CancelledError) for o in outcomes) == 9


@pytest.mark.parametrize("floor", [1, 64])
def test_nothing_to_start(floor):
    async def main() -> list[BaseException | None]:
        launch = Launch([], floor=floor)
        await launch.run(None, time.monotonic() + 60)
        return await launch.settle()

    assert asyncio.run(main()) == []
