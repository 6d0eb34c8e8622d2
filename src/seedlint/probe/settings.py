"""Settings for one probe run (plain data; importing this module is cheap)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from seedlint.config import CACHE_FILE_NAME, default_cache_dir

DEFAULT_USER_AGENT = "seedlint-probe/0.1 (+link and image checker)"


def default_cache_path() -> Path:
    """The shared result cache file (see :func:`seedlint.config.default_cache_dir`)."""
    return default_cache_dir() / CACHE_FILE_NAME


@dataclass(frozen=True)
class ProbeSettings:
    """Everything that shapes a probe run.

    Timeouts: ``connect_timeout`` and ``read_timeout`` bound each network
    operation; ``total_timeout`` is a wall-clock budget per URL that starts with
    the URL's first request and covers every redirect hop, retry, backoff wait
    and (for images) every range request. Time spent queued for a concurrency
    slot is not charged to a URL, so a host with many URLs does not time out
    merely by waiting its turn; it is charged to ``host_budget`` (from the
    host's first URL asking for a slot) and ``run_budget`` (from the start),
    after which the URLs left are NOT_CHECKED. ``host_failures`` timeouts or
    connection failures in a row make a host unreachable: its remaining URLs
    get that verdict without a request. A Retry-After above
    ``retry_after_max`` gives the host up for the run.

    Guard: by default only public addresses on ports 80/443 are contacted.
    ``allow_private=True`` disables the guard completely (addresses and ports).
    ``allowed_hosts`` entries are ``name``, ``name:port``, ``ip``, ``ip:port`` or
    ``[v6]:port``: a name is trusted whatever it resolves to; an IP entry is
    matched against the connected address; no port means any port.
    ``allowed_networks`` are CIDR blocks whose addresses are allowed on the
    default ports plus ``allowed_ports``.
    """

    concurrency: int = 32
    per_host: int = 4
    per_host_rate: float | None = None  # requests per second per host; None = unlimited
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    retries: int = 2  # extra attempts after the first, for connection errors, 5xx and 429
    backoff_base: float = 0.5  # seconds; doubled per attempt, jittered
    backoff_max: float = 10.0
    retry_after_max: float = 10.0  # a longer Retry-After gives the host up for this run
    run_budget: float = 600.0  # seconds for the whole run, waiting for slots included
    host_budget: float = 180.0  # seconds per host, from its first URL asking for a slot
    host_failures: int = 3  # timeouts/connection failures in a row that make a host unreachable
    max_redirects: int = 10
    allow_private: bool = False
    allowed_hosts: tuple[str, ...] = ()
    allowed_networks: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = ()
    use_cache: bool = True
    cache_path: Path | None = None  # None = default_cache_path()
    cache_ttl_seconds: float = 86400.0  # definite answers (alive, dead, blocked...)
    transient_ttl_seconds: float = 300.0  # timeouts, 5xx, 429, DNS...: remembered briefly
    refresh: bool = False  # ignore cached results (still writes fresh ones)
    verify: bool | str = True  # str = path to a CA bundle (tests use a trustme CA)
    user_agent: str = DEFAULT_USER_AGENT
    image_max_bytes: int = 1 << 20
    image_chunk: int = 4096  # smallest range asked for, to save round trips on tiny requests

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if self.per_host_rate is not None and self.per_host_rate <= 0:
            raise ValueError("per_host_rate must be positive or None")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects must not be negative")
        if self.run_budget <= 0 or self.host_budget <= 0 or self.host_failures < 1:
            raise ValueError("run_budget and host_budget must be positive, host_failures >= 1")

    def resolved_cache_path(self) -> Path:
        """The cache file this run uses."""
        return self.cache_path if self.cache_path is not None else default_cache_path()

    def fingerprint(self, kind: str) -> str:
        """A hash of everything that can change a probe's answer for ``kind``.

        A cached result is served only to a run that would have been allowed to
        obtain it, asking the same way: the guard and allow-lists, the request
        options (user agent, redirects, TLS trust, timeouts and retries, since
        transient failures are cached too), the image limits, and seedlint's
        version (a new release may judge the same answer differently).
        """
        from seedlint.version import __version__

        parts: dict[str, object] = {
            "v": 2,
            "seedlint": __version__,
            "kind": kind,
            "allow_private": self.allow_private,
            "allowed_hosts": sorted(h.strip().lower() for h in self.allowed_hosts),
            "allowed_networks": sorted(self.allowed_networks),
            "allowed_ports": sorted(self.allowed_ports),
            "max_redirects": self.max_redirects,
            "user_agent": self.user_agent,  # some servers answer per user agent
            "verify": _trust_fingerprint(self.verify),
            "timeouts": [self.connect_timeout, self.read_timeout, self.total_timeout],
            "retries": [self.retries, self.retry_after_max],
        }
        if kind == "image":
            parts["image_max_bytes"] = self.image_max_bytes
        blob = json.dumps(parts, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:32]


def _trust_fingerprint(verify: bool | str) -> str:
    """What the TLS trust setting means: a CA bundle by its content, not its name."""
    if isinstance(verify, bool):
        return str(verify)
    try:
        return "sha256:" + hashlib.sha256(Path(verify).read_bytes()).hexdigest()
    except OSError:
        return f"unreadable:{verify}"
