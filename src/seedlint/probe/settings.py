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
    slot before the first request is not counted, so a host with many URLs does
    not time out merely by waiting its turn.

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
    retry_after_max: float = 30.0  # a longer Retry-After is not waited for
    max_redirects: int = 10
    allow_private: bool = False
    allowed_hosts: tuple[str, ...] = ()
    allowed_networks: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = ()
    use_cache: bool = True
    cache_path: Path | None = None  # None = default_cache_path()
    cache_ttl_seconds: float = 86400.0
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

    def resolved_cache_path(self) -> Path:
        """The cache file this run uses."""
        return self.cache_path if self.cache_path is not None else default_cache_path()

    def fingerprint(self, kind: str) -> str:
        """A short hash of the settings that can change a cached result of ``kind``.

        Timeouts, retries and concurrency are left out on purpose: only results
        that do not depend on them (definite answers) are cached.
        """
        parts: dict[str, object] = {
            "v": 1,
            "max_redirects": self.max_redirects,
            "user_agent": self.user_agent,  # some servers answer per user agent
            "verify": str(self.verify),
        }
        if kind == "image":
            parts["image_max_bytes"] = self.image_max_bytes
        blob = json.dumps(parts, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
