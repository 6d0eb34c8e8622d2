"""Result types of a probe run (plain data, cheap to import); verdicts live in ``seedlint.outcomes``."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from seedlint.outcomes import ImageResult, LinkResult, MeasuredSize, Outcome

__all__ = [
    "ByteRequestLike",
    "ImageResult",
    "ImageSizeLike",
    "LinkResult",
    "MeasuredSize",
    "Outcome",
    "ProbeReport",
    "ProgressSnapshot",
    "SizeReader",
    "measured",
]


@runtime_checkable
class ImageSizeLike(Protocol):
    """What ``imagesize.ImageSize`` offers (structural, so this module needs no parser)."""

    @property
    def format(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def display_width(self) -> int: ...
    @property
    def display_height(self) -> int: ...


class ByteRequestLike(Protocol):
    """What ``imagesize.ByteRequest`` offers (a negative offset: the file's last bytes)."""

    @property
    def offset(self) -> int: ...
    @property
    def length(self) -> int: ...


# ``imagesize.read_size``: a sans-IO generator; yields byte requests, is sent
# the bytes, returns an ImageSize or a SizeUnknown (anything with ``reason``).
SizeReader = Callable[[int], Generator[ByteRequestLike, bytes, object]]


def measured(size: ImageSizeLike) -> MeasuredSize:
    """Copy any ImageSize-like object into the plain, cacheable MeasuredSize."""
    return MeasuredSize(
        size.format, size.width, size.height, size.display_width, size.display_height
    )


@dataclass(frozen=True)
class ProgressSnapshot:
    """Progress of a run, passed to the progress callback after each URL finishes."""

    done: int
    total: int
    failures: int
    rate: float  # URLs finished per second since the run started
    elapsed: float
    from_cache: int = 0


@dataclass
class ProbeReport:
    """Everything a run found, keyed by the URLs exactly as given."""

    links: dict[str, LinkResult] = field(default_factory=dict)
    images: dict[str, ImageResult] = field(default_factory=dict)
    elapsed: float = 0.0
    requests: int = 0
    bytes_received: int = 0
    from_cache: int = 0
    warnings: list[str] = field(default_factory=list)  # e.g. the cache was rebuilt
    not_checked: int = 0  # URLs the run's budget or an interruption left without a request
    interrupted: bool = False  # stopped early (Ctrl-C); unfinished URLs are NOT_CHECKED
