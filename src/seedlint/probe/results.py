"""Result types of a probe run (plain data, cheap to import)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, runtime_checkable


class LinkOutcome(Enum):
    """What probing a link found."""

    ALIVE = "alive"
    DEAD = "dead"  # 404 / 410
    SERVER_ERROR = "server-error"  # 5xx after retries
    BLOCKED = "blocked"  # 401/403/451/999...: the server would not let us verify
    RATE_LIMITED = "rate-limited"  # 429 still after retries
    TIMEOUT = "timeout"
    DNS_FAILURE = "dns-failure"
    TLS_FAILURE = "tls-failure"
    CONNECTION_FAILED = "connection-failed"  # refused, reset, malformed response
    REDIRECT_PERMANENT = "redirect-permanent"  # alive, but a 301/308 on the way: see final_url
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    FORBIDDEN_ADDRESS = "forbidden-address"  # refused by the address guard; nothing sent
    INVALID_URL = "invalid-url"
    HTTP_ERROR = "http-error"  # any other 4xx or unexpected status

    @property
    def ok(self) -> bool:
        """True for outcomes where the target was reached and is there."""
        return self in (LinkOutcome.ALIVE, LinkOutcome.REDIRECT_PERMANENT)


class ImageOutcome(Enum):
    """What probing an image found; failure members mirror LinkOutcome's values."""

    MEASURED = "measured"
    SIZE_UNKNOWN = "size-unknown"  # fetched, but no size could be read (format, cap, truncation)
    DEAD = "dead"
    SERVER_ERROR = "server-error"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate-limited"
    TIMEOUT = "timeout"
    DNS_FAILURE = "dns-failure"
    TLS_FAILURE = "tls-failure"
    CONNECTION_FAILED = "connection-failed"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    FORBIDDEN_ADDRESS = "forbidden-address"
    INVALID_URL = "invalid-url"
    HTTP_ERROR = "http-error"

    @property
    def ok(self) -> bool:
        """True when the image was reached (whether or not its size was readable)."""
        return self in (ImageOutcome.MEASURED, ImageOutcome.SIZE_UNKNOWN)


# Outcomes worth remembering: definite answers about the resource. Timeouts,
# 429, 5xx, DNS, TLS and connection errors are transient or local, so they are
# probed again next run; guard and URL verdicts are instant and settings-bound.
CACHEABLE_LINK = frozenset(
    {
        LinkOutcome.ALIVE,
        LinkOutcome.REDIRECT_PERMANENT,
        LinkOutcome.DEAD,
        LinkOutcome.BLOCKED,
        LinkOutcome.HTTP_ERROR,
        LinkOutcome.REDIRECT_LOOP,
        LinkOutcome.TOO_MANY_REDIRECTS,
    }
)
CACHEABLE_IMAGE = frozenset(
    {
        ImageOutcome.MEASURED,
        ImageOutcome.SIZE_UNKNOWN,
        ImageOutcome.DEAD,
        ImageOutcome.BLOCKED,
        ImageOutcome.HTTP_ERROR,
        ImageOutcome.REDIRECT_LOOP,
        ImageOutcome.TOO_MANY_REDIRECTS,
    }
)


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


@dataclass(frozen=True)
class MeasuredSize:
    """A pixel size as cached and reported (the parser's ImageSize, copied)."""

    format: str
    width: int
    height: int
    display_width: int
    display_height: int

    @classmethod
    def of(cls, size: ImageSizeLike) -> MeasuredSize:
        """Copy any ImageSize-like object."""
        return cls(size.format, size.width, size.height, size.display_width, size.display_height)


@dataclass(frozen=True)
class LinkResult:
    """The verdict on one link.

    ``final_url`` is the last URL requested (the input URL when there was no
    redirect; None when nothing was sent). ``chain`` lists each redirect target
    in order. ``requests`` counts HTTP requests sent, ``body_bytes`` the
    response body bytes received (link checks never read bodies, so usually 0).
    """

    url: str
    outcome: LinkOutcome
    status: int | None
    final_url: str | None
    detail: str
    requests: int = 0
    body_bytes: int = 0
    from_cache: bool = False
    chain: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Cacheable form (without the per-run counters)."""
        return {
            "outcome": self.outcome.value,
            "status": self.status,
            "final_url": self.final_url,
            "detail": self.detail,
            "chain": list(self.chain),
        }

    @classmethod
    def from_json(cls, url: str, data: dict[str, Any]) -> LinkResult:
        """Rebuild a cached result (raises KeyError/ValueError on a bad record)."""
        return cls(
            url=url,
            outcome=LinkOutcome(data["outcome"]),
            status=data["status"],
            final_url=data["final_url"],
            detail=data["detail"],
            chain=tuple(data.get("chain", ())),
            from_cache=True,
        )


@dataclass(frozen=True)
class ImageResult:
    """The verdict on one image URL; ``bytes_received`` counts body bytes over all requests."""

    url: str
    outcome: ImageOutcome
    size: MeasuredSize | None
    detail: str
    requests: int = 0
    bytes_received: int = 0
    from_cache: bool = False
    status: int | None = None
    final_url: str | None = None
    permanent_redirect: bool = False  # a 301/308 on the way to final_url

    def to_json(self) -> dict[str, Any]:
        """Cacheable form (without the per-run counters)."""
        size = self.size
        return {
            "outcome": self.outcome.value,
            "size": None
            if size is None
            else [size.format, size.width, size.height, size.display_width, size.display_height],
            "detail": self.detail,
            "status": self.status,
            "final_url": self.final_url,
            "permanent_redirect": self.permanent_redirect,
        }

    @classmethod
    def from_json(cls, url: str, data: dict[str, Any]) -> ImageResult:
        """Rebuild a cached result (raises KeyError/ValueError/TypeError on a bad record)."""
        raw = data["size"]
        size = (
            None
            if raw is None
            else MeasuredSize(str(raw[0]), int(raw[1]), int(raw[2]), int(raw[3]), int(raw[4]))
        )
        return cls(
            url=url,
            outcome=ImageOutcome(data["outcome"]),
            size=size,
            detail=data["detail"],
            status=data.get("status"),
            final_url=data.get("final_url"),
            permanent_redirect=bool(data.get("permanent_redirect", False)),
            from_cache=True,
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
