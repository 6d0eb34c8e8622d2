"""Link liveness: HEAD first, GET when HEAD is refused, redirects followed by hand.

HEAD -> GET policy: a HEAD answered with any 4xx except 429 (405, 400, 403,
404 and friends: servers that mishandle HEAD answer all of these), 501 or the
non-standard 999 is asked again with GET, whose answer is final, except a
404/410 from a host that has already answered a HEAD with 2xx/3xx: it
implements HEAD, so its "not found" is believed. 405/501 mark the host so its
later URLs go straight to GET. A HEAD chain that loops or runs
out of redirects is walked again with GET (some servers loop only on HEAD).
Timeouts, connection and TLS failures are never re-asked with GET: a hung host
costs one timeout, not two. Bodies are never read: the streaming response is
closed as soon as the status and headers are in, and every GET asks for one
byte (``Range: bytes=0-0``) so servers that honour ranges do not even send it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import httpx

from ._http import Budget, Counters, Session, classify, status_text
from .guard import BadUrl, GuardPolicy, check_url
from .results import LinkResult, Outcome


class HopProblem(Exception):
    """A redirect that cannot be followed (loop, limit, refusal, bad Location)."""

    def __init__(self, outcome: Outcome, detail: str, status: int | None, url: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail
        self.status = status
        self.url = url


@dataclass
class Chain:
    """The redirect targets followed so far."""

    start: str
    urls: list[str] = field(default_factory=list)
    permanent: bool = False
    used_head: bool = False
    visits: Counter[str] = field(default_factory=Counter)

    @property
    def current(self) -> str:
        """The URL requested last."""
        return self.urls[-1] if self.urls else self.start


def next_location(
    response: httpx.Response, chain: Chain, max_redirects: int, policy: GuardPolicy
) -> str | None:
    """Where a redirect response points (recorded in ``chain``), or None when it is final.

    Raises HopProblem for a loop, too many hops, an unusable Location or a
    target the guard refuses (checked here, before any DNS, and again by
    address when connecting).
    """
    status = response.status_code
    location = response.headers.get("Location")
    if not 300 <= status < 400 or status == 304 or not location:
        return None
    try:
        target = str(response.url.join(location))
    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError is a ValueError
        raise HopProblem(
            Outcome.BAD_REDIRECT,
            f"{status_text(status)} to unusable Location {location!r}: {exc}",
            status,
            chain.current,
        ) from exc
    if not chain.visits:
        chain.visits[str(response.url)] += 1
    chain.visits[target] += 1
    chain.urls.append(target)
    if status in (301, 308):
        chain.permanent = True
    # A second visit can be legitimate (redirect to set a cookie, then back);
    # a third is a loop.
    if chain.visits[target] > 2:
        path = " -> ".join([chain.start, *chain.urls][-6:])
        raise HopProblem(Outcome.REDIRECT_LOOP, f"redirect loop: {path}", status, target)
    if len(chain.urls) > max_redirects:
        raise HopProblem(
            Outcome.TOO_MANY_REDIRECTS, f"more than {max_redirects} redirects", status, target
        )
    try:
        why = check_url(target, policy)
    except BadUrl as exc:
        raise HopProblem(
            Outcome.BAD_REDIRECT, f"{status_text(status)} to {target}: {exc}", status, target
        ) from exc
    if why:
        raise HopProblem(
            Outcome.FORBIDDEN_ADDRESS, f"redirect to {target} refused: {why}", status, target
        )
    return target


ONE_BYTE = {"Range": "bytes=0-0"}
"""Sent with every link-check GET: a server that honours it sends one byte, not the page."""


def head_hostile(status: int) -> bool:
    """A HEAD answer that a GET may contradict (see the module docstring)."""
    return (400 <= status < 500 and status != 429) or status in (501, 999)


def outcome_for_status(status: int) -> Outcome:
    """The outcome of a final (non-redirect) status."""
    if 200 <= status < 300 or status == 416:
        # 416: the one-byte range asked for was refused, so the resource is there (empty).
        return Outcome.ALIVE
    if status in (404, 410):
        return Outcome.DEAD
    if status in (401, 403, 407, 451, 999):
        return Outcome.BLOCKED
    if status == 429:
        return Outcome.RATE_LIMITED
    if 500 <= status < 600:
        return Outcome.SERVER_ERROR
    return Outcome.HTTP_ERROR


@dataclass
class _Final:
    status: int
    reason: str
    chain: Chain


async def _walk(
    session: Session,
    policy: GuardPolicy,
    chain: Chain,
    budget: Budget,
    counters: Counters,
    *,
    head: bool,
) -> _Final:
    settings = session.settings
    while True:
        current = chain.current
        host = httpx.URL(current).host
        use_head = head and host not in session.head_refused
        chain.used_head = chain.used_head or use_head
        target: str | None = None
        async with session.open(
            "HEAD" if use_head else "GET",
            current,
            budget=budget,
            counters=counters,
            headers=None if use_head else ONE_BYTE,
        ) as resp:
            status, reason = resp.status_code, resp.reason_phrase
            if use_head and 200 <= status < 400:
                session.head_trusted.add(host)
            believed = status in (404, 410) and host in session.head_trusted
            fallback = use_head and head_hostile(status) and not believed
            if not fallback:
                target = next_location(resp, chain, settings.max_redirects, policy)
        if fallback:
            if status in (405, 501):
                session.head_refused.add(host)
            counters.notes.append(f"HEAD answered {status}, asked again with GET")
            async with session.open(
                "GET", current, budget=budget, counters=counters, headers=ONE_BYTE
            ) as resp:
                status, reason = resp.status_code, resp.reason_phrase
                target = next_location(resp, chain, settings.max_redirects, policy)
        if target is None:
            return _Final(status, reason, chain)


def _with_notes(detail: str, counters: Counters) -> str:
    return f"{detail} ({'; '.join(counters.notes)})" if counters.notes else detail


async def probe_link(session: Session, policy: GuardPolicy, url: str) -> LinkResult:
    """Probe one link; never raises for anything the network or the URL does."""
    try:
        why = check_url(url, policy)
    except BadUrl as exc:
        return LinkResult(url, Outcome.INVALID_URL, None, None, str(exc))
    if why:
        return LinkResult(url, Outcome.FORBIDDEN_ADDRESS, None, None, why)
    counters = Counters()
    budget = session.budget()

    def failed(outcome: Outcome, detail: str, status: int | None, final: str | None) -> LinkResult:
        return LinkResult(
            url,
            outcome,
            status,
            final,
            _with_notes(detail, counters),
            counters.requests,
            counters.body_bytes,
        )

    chain = Chain(start=url)
    try:
        try:
            final = await _walk(session, policy, chain, budget, counters, head=True)
        except HopProblem as exc:
            if (
                exc.outcome not in (Outcome.REDIRECT_LOOP, Outcome.TOO_MANY_REDIRECTS)
                or not chain.used_head
            ):
                raise
            counters.notes.append(f"HEAD chain failed ({exc.outcome.value}), walked again with GET")
            chain = Chain(start=url)
            final = await _walk(session, policy, chain, budget, counters, head=False)
    except HopProblem as exc:
        return failed(exc.outcome, exc.detail, exc.status, exc.url)
    except Exception as exc:  # one URL must never abort the run
        outcome, detail = classify(exc)
        return failed(outcome, detail, None, chain.current)

    chain = final.chain
    outcome = outcome_for_status(final.status)
    detail = status_text(final.status, final.reason)
    if 300 <= final.status < 400:
        detail += " without a usable Location"
    if outcome is Outcome.ALIVE and chain.permanent:
        outcome = Outcome.REDIRECT_PERMANENT
        detail = f"moved permanently to {chain.current}; {detail}"
    elif chain.urls:
        detail = f"{detail} at {chain.current} after {len(chain.urls)} redirect(s)"
    return LinkResult(
        url=url,
        outcome=outcome,
        status=final.status,
        final_url=chain.current,
        detail=_with_notes(detail, counters),
        requests=counters.requests,
        body_bytes=counters.body_bytes,
        chain=tuple(chain.urls),
    )
