"""The HTTP machinery shared by link and image probes (imports httpx: load lazily).

* ``GuardedBackend`` and ``PerHostTransport`` (:mod:`.transport`): an httpcore network backend that resolves names itself,
  vets every address with the guard and connects to a vetted IP; TLS SNI and
  the Host header keep the name because httpcore takes them from the URL.
* ``Limiter`` (:mod:`.budget`): global and per-host concurrency, optional per-host rate,
  per-host "not before" times from Retry-After, the per-host budget, and hosts
  declared unreachable (their remaining URLs get a verdict without a request).
* ``Budget`` (:mod:`.budget`): a URL's own time budget within the run's and its host's deadlines.
* ``Session.open`` (:mod:`.session`): one request with retries (backoff + jitter, Retry-After),
  yielding a streaming response while holding its concurrency slots.
* ``classify`` (:mod:`.verdicts`): exception -> (outcome value, human detail).
"""

from .budget import Budget, BudgetExpired, Counters, Deadline, HostState, Limiter, Verdict
from .session import Session
from .transport import GuardedBackend, PerHostTransport, build_client, host_key
from .verdicts import classify, is_tls_error, parse_retry_after, retryable_status, status_text

__all__ = [
    "Budget",
    "BudgetExpired",
    "Counters",
    "Deadline",
    "GuardedBackend",
    "HostState",
    "Limiter",
    "PerHostTransport",
    "Session",
    "Verdict",
    "build_client",
    "classify",
    "host_key",
    "is_tls_error",
    "parse_retry_after",
    "retryable_status",
    "status_text",
]
