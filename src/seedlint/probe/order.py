"""The order in which a run starts its URLs: one host after another, round-robin.

Every URL waits for a slot of its host (``per_host``) and then for one of the
run's (``concurrency``). Started in input order, a project whose seeds cite a
few hosts in runs would queue many URLs behind one host's cap while the other
hosts wait their turn; and a host answering 429 with Retry-After holds back
every URL of it not yet started. Interleaving the hosts starts each host's
first URLs early and keeps every host's slots busy for as long as it has work.
Within a host the input order is kept. Results are reported in input order
whatever the start order, so this changes only when requests are sent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_of(url: str) -> str:
    """``host:port`` in lower case, the limiter's unit; the URL itself when it does not parse."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:  # a bad port or bracket: probed (and refused) on its own
        return url
    return f"{host}:{port}" if host else url


def round_robin(keyed: Iterable[tuple[str, T]]) -> list[T]:
    """The items of ``(key, item)`` pairs interleaved by key: the first item of each key,
    then the second of each, and so on; keys in order of first appearance, each key's
    items in their order."""
    groups: dict[str, deque[T]] = {}
    for key, item in keyed:
        groups.setdefault(key, deque()).append(item)
    ordered: list[T] = []
    queues = list(groups.values())
    while queues:
        for queue in queues:
            ordered.append(queue.popleft())
        queues = [queue for queue in queues if queue]
    return ordered
