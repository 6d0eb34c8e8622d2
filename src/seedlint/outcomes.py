"""What probing one URL found: plain data shared by the probe engine and the online rules.

The probe engine (``seedlint.probe``) produces these values; the online rules
(``rules/links.py``, ``rules/images.py``) turn them into findings. Keeping the
one :class:`Outcome` type here, below both, lets the rules read probe results
without importing the engine or its HTTP stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Outcome(Enum):
    """The verdict on one URL, for links and images alike."""

    ALIVE = "alive"
    MEASURED = "measured"  # an image whose pixel size was read
    SIZE_UNKNOWN = "size-unknown"  # an image fetched, but no size readable (format, cap, no data)
    DEAD = "dead"  # 404 / 410
    SERVER_ERROR = "server-error"  # 5xx after retries
    BLOCKED = "blocked"  # 401/403/451/999...: the server would not let us verify
    RATE_LIMITED = "rate-limited"  # 429 still after retries, or a Retry-After past the limit
    TIMEOUT = "timeout"
    DNS_FAILURE = "dns-failure"
    TLS_FAILURE = "tls-failure"
    CONNECTION_FAILED = "connection-failed"  # refused, reset, malformed response
    REDIRECT_PERMANENT = "redirect-permanent"  # alive, but a 301/308 on the way: see final_url
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"  # a Location that cannot be followed (file:, ftp:, bad port...)
    FORBIDDEN_ADDRESS = "forbidden-address"  # refused by the address guard; nothing sent
    INVALID_URL = "invalid-url"  # the URL itself cannot be requested by the HTTP client
    HTTP_ERROR = "http-error"  # any other 4xx or unexpected status
    NOT_CHECKED = "not-checked"  # the run's or the host's time budget ran out, or interrupted

    @property
    def ok(self) -> bool:
        """True when the target was reached and is there (an image's size may be unknown)."""
        return self in _OK


_OK = frozenset({Outcome.ALIVE, Outcome.REDIRECT_PERMANENT, Outcome.MEASURED, Outcome.SIZE_UNKNOWN})

TRANSIENT = frozenset(
    {
        Outcome.SERVER_ERROR,
        Outcome.RATE_LIMITED,
        Outcome.TIMEOUT,
        Outcome.DNS_FAILURE,
        Outcome.TLS_FAILURE,
        Outcome.CONNECTION_FAILED,
    }
)
"""Outcomes that may change by themselves soon: cached only briefly."""

NEVER_CACHED = frozenset({Outcome.NOT_CHECKED, Outcome.FORBIDDEN_ADDRESS, Outcome.INVALID_URL})
"""Verdicts about this run (budget, interruption) or instant and settings-bound ones."""


@dataclass(frozen=True)
class MeasuredSize:
    """A pixel size as cached and reported (the parser's ImageSize, copied)."""

    format: str
    width: int
    height: int
    display_width: int
    display_height: int


@dataclass(frozen=True)
class LinkResult:
    """The verdict on one link.

    ``final_url`` is the last URL requested (the input URL when there was no
    redirect; None when nothing was sent). ``chain`` lists each redirect target
    in order. ``requests`` counts HTTP requests sent, ``body_bytes`` the
    response body bytes received (link checks never read bodies, so usually 0).
    """

    url: str
    outcome: Outcome
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
        """Rebuild a cached result (raises KeyError/ValueError/TypeError on a bad record)."""
        status = data["status"]
        if status is not None and type(status) is not int:
            raise TypeError("status")
        return cls(
            url=url,
            outcome=Outcome(data["outcome"]),
            status=status,
            final_url=None if data["final_url"] is None else str(data["final_url"]),
            detail=str(data["detail"]),
            chain=tuple(str(u) for u in data.get("chain", ())),
            from_cache=True,
        )


@dataclass(frozen=True)
class ImageResult:
    """The verdict on one image URL; ``bytes_received`` counts body bytes over all requests."""

    url: str
    outcome: Outcome
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
            outcome=Outcome(data["outcome"]),
            size=size,
            detail=str(data["detail"]),
            status=data.get("status"),
            final_url=data.get("final_url"),
            permanent_redirect=bool(data.get("permanent_redirect", False)),
            from_cache=True,
        )
