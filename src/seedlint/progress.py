"""Progress of a probe run on stderr: a bar with an ETA on a terminal, a line every 10 s elsewhere.

The probe engine calls a progress callback with a ``ProgressSnapshot`` after
each URL and about once a second while nothing finishes; these renderers
decide what to show. Nothing here comes from a seed, so nothing needs escaping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from seedlint.probe import ProgressSnapshot

PLAIN_INTERVAL = 10.0
"""Seconds between progress lines when stderr is not a terminal (a CI log)."""


def eta(snapshot: ProgressSnapshot) -> str:
    """``1:05`` left at the current rate, or ``?`` before there is a rate."""
    left = snapshot.total - snapshot.done
    if left <= 0:
        return "0:00"
    if snapshot.rate <= 0:
        return "?"
    seconds = int(left / snapshot.rate + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _counts(snapshot: ProgressSnapshot) -> str:
    cached = f", {snapshot.from_cache} from cache" if snapshot.from_cache else ""
    return (
        f"{snapshot.done}/{snapshot.total} URLs, {snapshot.failures} failed{cached}, "
        f"{snapshot.rate:.0f}/s"
    )


class TerminalBar:
    """``probing [#######.......]  42% 630/1500 URLs, 17 failed, 18/s, ETA 0:48``, redrawn in place."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self._last = -1.0
        self._drawn = False

    def __call__(self, snapshot: ProgressSnapshot) -> None:
        now = self.clock()
        if now - self._last < 0.1 and snapshot.done < snapshot.total:
            return  # at most ten redraws a second
        self._last = now
        share = snapshot.done / snapshot.total if snapshot.total else 1.0
        text = f" {share:4.0%} {_counts(snapshot)}, ETA {eta(snapshot)}"
        import shutil  # only on a terminal; costs start-up time otherwise

        columns = shutil.get_terminal_size((80, 24)).columns
        width = max(10, min(40, columns - len(text) - len("probing []") - 1))
        filled = int(width * share)
        line = f"probing [{'#' * filled}{'.' * (width - filled)}]{text}"
        self.stream.write("\r\x1b[K" + line[: columns - 1])
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Clear the bar so the report starts on a clean line."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class PlainProgress:
    """A plain line every ``interval`` seconds: what a CI log can show."""

    def __init__(
        self,
        stream: TextIO,
        interval: float = PLAIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self._next = clock() + interval

    def __call__(self, snapshot: ProgressSnapshot) -> None:
        now = self.clock()
        if now < self._next or snapshot.done >= snapshot.total:
            return
        self._next = now + self.interval
        self.stream.write(
            f"seedlint: probing {_counts(snapshot)}, about {eta(snapshot)} left "
            f"({snapshot.elapsed:.0f}s so far)\n"
        )
        self.stream.flush()

    def close(self) -> None:
        """Nothing to clear: every line is complete."""


def progress_for(stream: TextIO) -> TerminalBar | PlainProgress:
    """The bar on a terminal, plain lines otherwise."""
    isatty = getattr(stream, "isatty", None)
    return TerminalBar(stream) if isatty is not None and isatty() else PlainProgress(stream)
