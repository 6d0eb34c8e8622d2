"""The one RFC 3339 and URL implementation.

The schema's ``format`` checks and the date and URL rules both call these
functions, so a value is judged the same way wherever it is checked and the
result never depends on which optional ``jsonschema`` extras are installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

_DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?P<sep>.)"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?P<fraction>\.\d+)?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})?",
)
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


@dataclass(frozen=True)
class FormatProblem:
    """Why a value fails a format, under the rule code that reports it."""

    code: str
    reason: str


def datetime_problem(text: str) -> FormatProblem | None:
    """Return why ``text`` is not a strict RFC 3339 date-time, or None if it is one."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return FormatProblem("D001", "expected YYYY-MM-DDThh:mm:ss with an offset such as Z")
    if match["sep"] not in "Tt":
        return FormatProblem("D001", f"date and time must be separated by T, not {match['sep']!r}")
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12:
        return FormatProblem("D001", f"month {month} does not exist")
    last_day = _days_in_month(year, month)
    if not 1 <= day <= last_day:
        return FormatProblem("D001", f"day {day} does not exist in {year}-{month:02d}")
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if hour > 23:
        return FormatProblem("D001", f"hour {hour} does not exist")
    if minute > 59:
        return FormatProblem("D001", f"minute {minute} does not exist")
    # RFC 3339 allows a leap second (60), which can only end a minute.
    if second > 60 or (second == 60 and minute != 59):
        return FormatProblem("D001", f"second {second} does not exist")
    offset = match["offset"]
    if offset is None:
        return FormatProblem("D002", "no UTC offset, so the instant is ambiguous; add Z or ±hh:mm")
    offset_match = _OFFSET.fullmatch(offset)
    if offset_match and (int(offset_match[2]) > 23 or int(offset_match[3]) > 59):
        return FormatProblem("D001", f"offset {offset} is out of range")
    return None


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_datetime(text: str) -> datetime | None:
    """Parse a valid RFC 3339 date-time into an aware datetime; None if invalid."""
    if datetime_problem(text) is not None:
        return None
    match = _DATE_TIME.fullmatch(text)
    assert match is not None  # checked above
    offset = match["offset"]
    if offset in ("Z", "z"):
        tz = timezone.utc
    else:
        sign, hours, minutes = _OFFSET.fullmatch(offset).groups()  # type: ignore[union-attr]  # checked above
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        tz = timezone(-delta if sign == "-" else delta)
    fraction = match["fraction"] or ""
    microsecond = int((fraction[1:] + "000000")[:6]) if fraction else 0
    second = min(int(match["second"]), 59)  # datetime has no leap second
    return datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        second,
        microsecond,
        tzinfo=tz,
    )


# Characters never allowed raw in a URL: controls, space and the delimiters
# RFC 3986 excludes. Non-ASCII characters are fine: seeds hold IRIs (RFC 3987).
_FORBIDDEN_CHARS = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)
ALLOWED_SCHEMES = ("https", "http")


def url_problem(text: str) -> FormatProblem | None:
    """Return why ``text`` is not an absolute http(s) IRI, or None if it is one."""
    bad_char = _FORBIDDEN_CHARS.search(text)
    if bad_char is not None:
        char = bad_char.group()
        name = "a space" if char == " " else f"the character {char!r}"
        return FormatProblem("U003", f"contains {name} at position {bad_char.start() + 1}")
    bad_percent = _BAD_PERCENT.search(text)
    if bad_percent is not None:
        return FormatProblem(
            "U006", f"'%' at position {bad_percent.start() + 1} is not followed by two hex digits"
        )
    scheme, sep, _ = text.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return FormatProblem("U001", "not an absolute URL; expected https://host/path")
    if scheme.lower() not in ALLOWED_SCHEMES:
        return FormatProblem("U002", f"scheme {scheme}: is not allowed; expected https")
    try:
        parts = urlsplit(text)
    except ValueError as error:  # e.g. an unbalanced '[' in the host
        return FormatProblem("U001", f"cannot be parsed ({error})")
    if not text[len(scheme) + 1 :].startswith("//") or not parts.netloc:
        return FormatProblem("U001", "has no host; expected https://host/path")
    if "@" in parts.netloc:
        return FormatProblem("U004", "contains credentials (user:password@); remove them")
    port_problem = _port_problem(parts)
    if port_problem is not None:
        return port_problem
    return host_problem(parts.hostname or "")


@lru_cache(maxsize=8192)
def is_valid_url(text: str) -> bool:
    """``url_problem(text) is None``, memoised: the schema's format check, the URL and
    consistency rules, C010 and the probe collector all ask about the same URLs."""
    return url_problem(text) is None


def _port_problem(parts: SplitResult) -> FormatProblem | None:
    host_port = parts.netloc.rpartition("]")[2] if parts.netloc.startswith("[") else parts.netloc
    _, colon, port = host_port.partition(":")
    if not colon:
        return None
    if port == "" or not port.isdigit() or not 0 < int(port) < 65536:
        return FormatProblem("U005", f"port {port!r} is not a number from 1 to 65535")
    return None


def host_problem(host: str) -> FormatProblem | None:
    """Why ``host`` (without brackets or port) is not a valid host name or IP literal."""
    if not host:
        return FormatProblem("U001", "has no host; expected https://host/path")
    if is_ip_literal(host):
        return None
    if host.endswith("."):
        host = host[:-1]
    if host.isascii():
        ascii_host = host
    else:
        # IDNA 2008 via the `idna` package (an httpx dependency), imported only here.
        import idna

        try:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            return FormatProblem(
                "U007", f"host {host!r} is not a valid internationalized name ({error})"
            )
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return FormatProblem("U007", f"host {host!r} is not a valid host name")
    if labels[-1].isdigit():
        return FormatProblem("U007", f"host {host!r} looks like a malformed IP address")
    return None


def is_ip_literal(host: str) -> bool:
    """True when ``host`` is an IPv4 or IPv6 address rather than a name."""
    if ":" not in host and not host[-1:].isdigit():
        return False  # the common case, decided without parsing: names end in a letter
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def url_key(url: str) -> str:
    """A URL as compared for "the same page": scheme and host lowercase, no fragment.

    Path and query are kept as written: servers may treat them case-sensitively,
    and a different query can be a different page.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" not in netloc:
        netloc = netloc.lower()
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{path}{query}"
