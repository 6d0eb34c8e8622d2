"""What a response or an exception means: retryable or not, and the outcome it gives."""

from __future__ import annotations

import email.utils
import re
import ssl
import time
from http import HTTPStatus

import httpx

from seedlint.outcomes import Outcome

from ..guard import BadUrl, DnsFailure, GuardRefused
from .budget import BudgetExpired, Verdict

RETRYABLE_EXC = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def is_tls_error(exc: BaseException) -> bool:
    """True when an ssl error is anywhere in the exception's cause chain."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, ssl.SSLError) and not isinstance(
            cur,
            (ssl.SSLWantReadError, ssl.SSLWantWriteError),  # a handshake still waiting
        ):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def reason_of(exc: BaseException) -> str:
    """The first non-empty message along the cause chain.

    anyio wraps a TLS failure as ``EndOfStream()`` and httpx as an empty
    ``ConnectError``; the reason (``[SSL: WRONG_VERSION_NUMBER] ...``, "EOF
    occurred in violation of protocol") sits further down.
    """
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if str(cur).strip():
            return str(cur)
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return type(exc).__name__


def retryable_status(status: int) -> bool:
    """429 and 5xx, except 501/505 which no retry will change."""
    return status == 429 or (500 <= status <= 599 and status not in (501, 505))


_DELTA_SECONDS = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):  # 1*DIGIT (a decimal fraction tolerated)
        seconds = float(value) if len(value) < 30 else 1e9
        return min(max(0.0, seconds), 1e9)
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            return None  # RFC 9110 dates are GMT; a zoneless one is malformed
        seconds = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError):
        # A year past datetime's range is no usable date: treat it like a missing header.
        return None
    return max(0.0, seconds)


def status_text(status: int, reason: str = "") -> str:
    """'HTTP 404 Not Found'."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason
    return f"HTTP {status} {phrase}".rstrip()


def classify(exc: BaseException) -> tuple[Outcome, str]:
    """Map an exception to (outcome, human detail)."""
    if isinstance(exc, GuardRefused):
        return Outcome.FORBIDDEN_ADDRESS, str(exc)
    if isinstance(exc, DnsFailure):
        return Outcome.DNS_FAILURE, f"DNS lookup failed: {exc}"
    if isinstance(exc, BadUrl):
        return Outcome.INVALID_URL, str(exc)
    if isinstance(exc, Verdict):
        return exc.outcome, exc.detail
    if isinstance(exc, httpx.ConnectTimeout):
        return Outcome.TIMEOUT, f"connect timed out ({exc})" if str(exc) else "connect timed out"
    if isinstance(exc, httpx.TimeoutException):
        return Outcome.TIMEOUT, f"{type(exc).__name__}: no answer in time"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError)):
        return Outcome.INVALID_URL, f"the HTTP client cannot request it: {exc}"
    if isinstance(exc, (httpx.ConnectError, httpx.NetworkError)) and is_tls_error(exc):
        return Outcome.TLS_FAILURE, f"TLS failure: {reason_of(exc)}"
    if isinstance(exc, httpx.LocalProtocolError):
        return Outcome.INVALID_URL, f"the HTTP client cannot form a request: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return Outcome.CONNECTION_FAILED, f"connection failed: {exc or 'refused'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return Outcome.CONNECTION_FAILED, f"malformed or cut-off response: {exc}"
    if isinstance(exc, httpx.TransportError):
        return Outcome.CONNECTION_FAILED, f"{type(exc).__name__}: {exc or 'connection lost'}"
    if isinstance(exc, ValueError):  # idna and URL parsing errors not wrapped by httpx
        return Outcome.INVALID_URL, f"the HTTP client cannot request it: {exc}"
    return Outcome.CONNECTION_FAILED, f"unexpected {type(exc).__name__}: {exc}"


HOST_FAILURES = (httpx.TimeoutException, httpx.ConnectError, BudgetExpired, DnsFailure)
"""What counts towards declaring a host unreachable (TLS failures are excluded below)."""


def outcome_for_retry(status: int) -> Outcome:
    """The outcome of a retryable status given up on (429 or a 5xx)."""
    return Outcome.RATE_LIMITED if status == 429 else Outcome.SERVER_ERROR
