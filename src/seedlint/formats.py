"""The one RFC 3339, host and URL implementation.

The schema's ``format`` checks and the date and URL rules all call these
functions, so a value is judged the same way wherever it is checked and the
result never depends on which optional ``jsonschema`` extras are installed.
Each check returns a :class:`FormatProblem` whose :class:`Fault` says what kind
of flaw it is; the rules decide which finding a fault becomes.

Standards followed (and tested against their own suites, see docs/conformance.md):
RFC 3339 for dates and times; RFC 3986/3987 for URI and IRI syntax; the WHATWG
URL standard for how a browser reads a host (a last label that is a number makes
the host an IPv4 address); IDNA 2008 with UTS #46 mapping, as browsers apply it,
for internationalized names. Digits are ASCII digits everywhere: every pattern
here is compiled with ``re.ASCII`` and spells ``[0-9]``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import ipaddress


class Fault(enum.Enum):
    """What is wrong with a value, by kind; each rule maps the kinds it reports."""

    DATE_TIME = "date-time"
    """Not a real RFC 3339 date, time or date-time."""
    NO_OFFSET = "no-offset"
    """A date-time or time without a UTC offset."""
    NOT_ABSOLUTE = "not-absolute"
    """Not an absolute URL with a host."""
    SCHEME = "scheme"
    """A scheme other than http and https."""
    CHARACTER = "character"
    """A character that a URL (or, for a URI, ASCII) never holds raw."""
    CREDENTIALS = "credentials"
    """User name or password in the URL."""
    PORT = "port"
    """A port that is not a number from 1 to 65535."""
    PERCENT = "percent"
    """A ``%`` not followed by two hexadecimal digits."""
    HOST = "host"
    """Not a valid host name or IP address."""
    ADDRESS = "address"
    """Not a valid IP address (the ``ipv4`` and ``ipv6`` formats)."""


@dataclass(frozen=True)
class FormatProblem:
    """Why a value fails a format: the kind of fault and a short phrase for people."""

    fault: Fault
    reason: str


# --- RFC 3339 ---------------------------------------------------------------------------

_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_TIME = (
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?P<fraction>\.[0-9]+)?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))?"
)
_DATE_TIME_RE = re.compile(_DATE + r"(?P<sep>.)" + _TIME, re.ASCII)
_DATE_RE = re.compile(_DATE, re.ASCII)
_TIME_RE = re.compile(_TIME, re.ASCII)
_LAST_MINUTE_OF_DAY = 23 * 60 + 59


def _non_ascii(text: str, what: str) -> FormatProblem | None:
    """Name the first non-ASCII character: ``\\d`` and ``isdigit`` take a Bengali 4 for 4."""
    if text.isascii():
        return None
    index, char = next((i, c) for i, c in enumerate(text) if not c.isascii())
    return FormatProblem(
        Fault.DATE_TIME,
        f"contains the non-ASCII character {char!r} at position {index + 1}; {what} use ASCII digits 0-9",
    )


@lru_cache(maxsize=4096)
def datetime_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not a strict RFC 3339 date-time, or None if it is one."""
    match = _DATE_TIME_RE.fullmatch(text)
    if match is None:
        return _non_ascii(text, "dates") or FormatProblem(
            Fault.DATE_TIME, "expected YYYY-MM-DDThh:mm:ss with an offset such as Z"
        )
    if match["sep"] not in "Tt":
        return FormatProblem(
            Fault.DATE_TIME, f"date and time must be separated by T, not {match['sep']!r}"
        )
    return _date_problem(match) or _time_problem(match)


@lru_cache(maxsize=1024)
def date_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not an RFC 3339 full-date (``format: date``), or None."""
    match = _DATE_RE.fullmatch(text)
    if match is None:
        return _non_ascii(text, "dates") or FormatProblem(Fault.DATE_TIME, "expected YYYY-MM-DD")
    return _date_problem(match)


@lru_cache(maxsize=1024)
def time_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not an RFC 3339 full-time with an offset (``format: time``), or None."""
    match = _TIME_RE.fullmatch(text)
    if match is None:
        return _non_ascii(text, "times") or FormatProblem(
            Fault.DATE_TIME, "expected hh:mm:ss with an offset such as Z"
        )
    return _time_problem(match)


def _date_problem(match: re.Match[str]) -> FormatProblem | None:
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12:
        return FormatProblem(Fault.DATE_TIME, f"month {month} does not exist")
    if not 1 <= day <= _days_in_month(year, month):
        return FormatProblem(Fault.DATE_TIME, f"day {day} does not exist in {year}-{month:02d}")
    return None


def _time_problem(match: re.Match[str]) -> FormatProblem | None:
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if hour > 23:
        return FormatProblem(Fault.DATE_TIME, f"hour {hour} does not exist")
    if minute > 59:
        return FormatProblem(Fault.DATE_TIME, f"minute {minute} does not exist")
    if second > 60:
        return FormatProblem(Fault.DATE_TIME, f"second {second} does not exist")
    offset = match["offset"]
    if offset is None:
        return FormatProblem(
            Fault.NO_OFFSET, "no UTC offset, so the instant is ambiguous; add Z or ±hh:mm"
        )
    offset_minutes = _offset_minutes(match)
    if offset_minutes is None:
        return FormatProblem(Fault.DATE_TIME, f"offset {offset} is out of range")
    if second == 60:
        # A leap second is inserted at the end of a UTC day: only 23:59:60 UTC exists,
        # which is 05:29:60 at +05:30 and 15:59:60 at -08:00.
        utc = (hour * 60 + minute - offset_minutes) % (24 * 60)
        if utc != _LAST_MINUTE_OF_DAY:
            return FormatProblem(
                Fault.DATE_TIME,
                f"second 60 (a leap second) exists only at 23:59:60 UTC, not at {utc // 60:02d}:{utc % 60:02d}:60 UTC",
            )
    return None


def _offset_minutes(match: re.Match[str]) -> int | None:
    """The offset east of UTC in minutes; None when out of range."""
    if match["offset"] in ("Z", "z"):
        return 0
    hours, minutes = int(match["off_hour"]), int(match["off_minute"])
    if hours > 23 or minutes > 59:
        return None
    total = hours * 60 + minutes
    return -total if match["sign"] == "-" else total


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_datetime(text: str) -> datetime | None:
    """Parse a valid RFC 3339 date-time into an aware datetime; None if invalid."""
    if datetime_problem(text) is not None:
        return None
    match = _DATE_TIME_RE.fullmatch(text)
    assert match is not None  # checked above
    offset_minutes = _offset_minutes(match)
    assert offset_minutes is not None  # checked above
    tz = timezone.utc if offset_minutes == 0 else timezone(timedelta(minutes=offset_minutes))
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


# --- URLs -------------------------------------------------------------------------------

# Characters never allowed raw in a URL: controls, space and the delimiters
# RFC 3986 excludes. Non-ASCII characters are fine: seeds hold IRIs (RFC 3987).
_FORBIDDEN_CHARS = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})", re.ASCII)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*", re.ASCII)
_PORT = re.compile(r"[0-9]+", re.ASCII)
ALLOWED_SCHEMES = ("https", "http")


@lru_cache(maxsize=8192)
def url_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not an absolute http(s) IRI, or None if it is one."""
    bad_char = _FORBIDDEN_CHARS.search(text)
    if bad_char is not None:
        char = bad_char.group()
        name = "a space" if char == " " else f"the character {char!r}"
        return FormatProblem(Fault.CHARACTER, f"contains {name} at position {bad_char.start() + 1}")
    bad_percent = _BAD_PERCENT.search(text)
    if bad_percent is not None:
        return FormatProblem(
            Fault.PERCENT,
            f"'%' at position {bad_percent.start() + 1} is not followed by two hex digits",
        )
    scheme, sep, rest = text.partition(":")
    if not sep or not _SCHEME.fullmatch(scheme):
        return FormatProblem(Fault.NOT_ABSOLUTE, "not an absolute URL; expected https://host/path")
    if scheme.lower() not in ALLOWED_SCHEMES:
        return FormatProblem(Fault.SCHEME, f"scheme {scheme}: is not allowed; expected https")
    if not rest.startswith("//"):
        return FormatProblem(Fault.NOT_ABSOLUTE, "has no host; expected https://host/path")
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    if not authority:
        return FormatProblem(Fault.NOT_ABSOLUTE, "has no host; expected https://host/path")
    if "@" in authority:
        return FormatProblem(
            Fault.CREDENTIALS, "contains credentials (user:password@); remove them"
        )
    host, port = split_host_port(authority)
    if port is not None and (not _PORT.fullmatch(port) or not 0 < int(port) < 65536):
        return FormatProblem(Fault.PORT, f"port {port!r} is not a number from 1 to 65535")
    return host_problem(host)


@lru_cache(maxsize=1024)
def uri_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not an absolute http(s) URI: an IRI written in ASCII only."""
    if not text.isascii():
        index, char = next((i, c) for i, c in enumerate(text) if not c.isascii())
        return FormatProblem(
            Fault.CHARACTER,
            f"contains the non-ASCII character {char!r} at position {index + 1}; a URI percent-encodes it",
        )
    return url_problem(text)


def is_valid_url(text: str) -> bool:
    """``url_problem(text) is None`` (memoised there): the schema, the URL and consistency
    rules, C010 and the probe collector all ask about the same URLs."""
    return url_problem(text) is None


def split_host_port(authority: str) -> tuple[str, str | None]:
    """``host[:port]`` or ``[literal][:port]`` → host (brackets kept) and port (None if absent)."""
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return authority, None
        host, after = authority[: end + 1], authority[end + 1 :]
        if after.startswith(":"):
            return host, after[1:]
        return (host, None) if not after else (authority, None)
    host, colon, port = authority.partition(":")
    return host, (port if colon else None)


# --- Hosts ------------------------------------------------------------------------------

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII | re.IGNORECASE)
_NUMBER_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*", re.ASCII)
_DOTTED_QUAD = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])",
    re.ASCII,
)
_IPV_FUTURE = re.compile(r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9._~!$&'()*+,;=:-]+", re.ASCII)
_FULL_STOPS = (".", "\u3002", "\uff0e", "\uff61")  # the label separators UTS #46 maps to "."
_RTL_BIDI = frozenset(("R", "AL", "AN"))
MAX_HOST = 253
MAX_LABEL = 63


def host_problem(host: str) -> FormatProblem | None:
    """Why ``host`` (as written in a URL, brackets kept, no port) is not a valid host."""
    return _check_host(host)[1]


def ascii_host(host: str) -> str | None:
    """The lowercase ASCII (A-label) form of a valid host name, without a trailing dot;
    None when ``host`` is not a valid host name. The one IDNA path of seedlint."""
    name, problem = _check_host(host)
    return name if problem is None else None


@lru_cache(maxsize=4096)
def _check_host(host: str) -> tuple[str | None, FormatProblem | None]:
    if not host:
        return None, FormatProblem(Fault.NOT_ABSOLUTE, "has no host; expected https://host/path")
    if host.startswith("["):
        return None, _ip_literal_problem(host)
    if "%" in host:
        return None, _bad_host(host, "is percent-encoded; write the host as plain text")
    name = host[:-1] if host.endswith(".") else host
    if not name:
        return None, _bad_host(host, "is not a valid host name")
    if not name.isascii():
        return _check_international(host, name)
    name = name.lower()
    labels = name.split(".")
    if _NUMBER_LABEL.fullmatch(labels[-1]):
        return None, _ipv4_host_problem(host, name)
    if len(name) > MAX_HOST:
        return None, _bad_host(host, f"is longer than {MAX_HOST} characters")
    for label in labels:
        if not _HOST_LABEL.fullmatch(label):
            return None, _bad_host(host, "is not a valid host name")
    if any(label.startswith("xn--") for label in labels):
        return _check_international(host, name)
    return name, None


def _bad_host(host: str, why: str) -> FormatProblem:
    return FormatProblem(Fault.HOST, f"host {host!r} {why}")


def _ip_literal_problem(literal: str) -> FormatProblem | None:
    inside = literal[1:-1] if literal.endswith("]") else literal[1:]
    if not literal.endswith("]") or not inside:
        return _bad_host(literal, "has an unclosed or empty '['")
    if _IPV_FUTURE.fullmatch(inside):
        return _bad_host(literal, "is an IPvFuture address, which no browser or server can use")
    if "%" in inside:
        return _bad_host(literal, "has a zone identifier, which URLs do not allow")
    if ipv6_problem(inside) is not None:
        return _bad_host(literal, "is not a valid IPv6 address")
    return None


def _ipv4_host_problem(host: str, name: str) -> FormatProblem | None:
    """A host whose last label is a number is an IPv4 address (WHATWG URL standard)."""
    if _DOTTED_QUAD.fullmatch(name):
        return None
    address = whatwg_ipv4(name)
    if address is None:
        return _bad_host(
            host, "is not a valid IPv4 address (a host ending in a number is read as one)"
        )
    return _bad_host(host, f"is the IPv4 address {address} in an unusual spelling; write {address}")


def whatwg_ipv4(name: str) -> str | None:
    """The dotted-decimal address the WHATWG IPv4 parser reads in ``name``; None on failure.

    Parts may be decimal, octal (leading 0) or hex (0x); the last part fills the
    remaining bytes, so ``0x7f.1`` and ``2130706433`` are both 127.0.0.1.
    """
    parts = name.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    if any(number > 255 for number in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


_RADIX_DIGITS = {
    10: re.compile(r"[0-9]*", re.ASCII),
    8: re.compile(r"[0-7]*", re.ASCII),
    16: re.compile(r"[0-9A-Fa-f]*", re.ASCII),
}


def _ipv4_number(part: str) -> int | None:
    if not part:
        return None
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not part:
        return 0
    if not _RADIX_DIGITS[radix].fullmatch(part):
        return None
    return int(part, radix)


def _check_international(host: str, name: str) -> tuple[str | None, FormatProblem | None]:
    """IDNA 2008 with UTS #46 mapping, as browsers apply it; the bidi rule over the whole name.

    The ``idna`` package (the maintained IDNA 2008 implementation, also used by
    httpx) is imported only here: most hosts are plain ASCII and never get here.
    """
    import idna
    import idna.core

    try:
        mapped = idna.uts46_remap(name, std3_rules=True, transitional=False)
    except (idna.IDNAError, UnicodeError) as error:
        return None, _bad_host(host, f"is not a valid internationalized name ({error})")
    labels = mapped.split(".")
    if labels and labels[-1] == "" and len(labels) > 1:
        labels.pop()  # a trailing full stop written as an ideographic or full-width one
    if not name.isascii() and _NUMBER_LABEL.fullmatch(labels[-1]):
        return None, _bad_host(host, "is an IP address written with non-ASCII characters")
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    try:
        for label in labels:
            if not label:
                return None, _bad_host(host, "has an empty label")
            if label.startswith("xn--"):
                unicode_label = idna.decode(label)
                if unicode_label.isascii() or idna.encode(unicode_label).decode() != label:
                    return None, _bad_host(host, f"has an A-label {label!r} that is not canonical")
                if idna.uts46_remap(unicode_label, std3_rules=True) != unicode_label:
                    return None, _bad_host(host, f"has an A-label {label!r} that is not mapped")
                ascii_labels.append(label)
                unicode_labels.append(unicode_label)
            elif label.isascii():
                if not _HOST_LABEL.fullmatch(label):
                    return None, _bad_host(host, "is not a valid host name")
                ascii_labels.append(label)
                unicode_labels.append(label)
            else:
                ascii_labels.append(idna.alabel(label).decode("ascii"))
                unicode_labels.append(label)
        # RFC 5893: in a name with any right-to-left label, every label obeys the bidi rule.
        if any(_has_rtl(label) for label in unicode_labels):
            for label in unicode_labels:
                idna.core.check_bidi(label, check_ltr=True)
    except (idna.IDNAError, UnicodeError) as error:
        return None, _bad_host(host, f"is not a valid internationalized name ({error})")
    ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > MAX_HOST:
        return None, _bad_host(host, f"is longer than {MAX_HOST} characters in its ASCII form")
    return ascii_name, None


def _has_rtl(label: str) -> bool:
    if label.isascii():
        return False
    import unicodedata

    return any(unicodedata.bidirectional(char) in _RTL_BIDI for char in label)


@lru_cache(maxsize=1024)
def hostname_problem(text: str, *, idn: bool) -> FormatProblem | None:
    """The ``hostname`` (ASCII, A-labels checked) and ``idn-hostname`` formats."""
    if not idn and not text.isascii():
        return _bad_host(text, "is not ASCII; a hostname writes internationalized labels as xn--")
    if text.startswith("[") or text.endswith(_FULL_STOPS):
        return _bad_host(text, "is not a host name")
    return host_problem(text)


def ipv4_problem(text: str) -> FormatProblem | None:
    """The ``ipv4`` format: dotted decimal, four parts, no leading zeros, ASCII digits."""
    if _DOTTED_QUAD.fullmatch(text):
        return None
    return FormatProblem(Fault.ADDRESS, f"{text!r} is not a dotted-decimal IPv4 address")


def ipv6_problem(text: str) -> FormatProblem | None:
    """The ``ipv6`` format (RFC 4291 text forms; no zone identifier, ASCII only)."""
    if text.isascii() and "%" not in text:
        import ipaddress

        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            pass
        else:
            return None
    return FormatProblem(Fault.ADDRESS, f"{text!r} is not an IPv6 address")


def ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address of a valid IP host as written in a URL (``1.2.3.4`` or ``[::1]``), else None."""
    if host.startswith("[") and host.endswith("]"):
        inside = host[1:-1]
        if ipv6_problem(inside) is not None:
            return None
    else:
        inside = host[:-1] if host.endswith(".") else host
        if not _DOTTED_QUAD.fullmatch(inside):  # fails at the first letter of a name: cheap
            return None
    import ipaddress

    return ipaddress.ip_address(inside)


def url_host(url: str) -> str:
    """The host of an absolute URL as written (brackets kept, no port); "" if none."""
    _, sep, rest = url.partition("://")
    if not sep:
        return ""
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return split_host_port(authority.rpartition("@")[2])[0]


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


# --- Punycode without validation (the AMP cache URL algorithm) --------------------------


def punycode_to_unicode(name: str) -> str:
    """Decode each ``xn--`` label of ``name``; raises UnicodeError on bad punycode."""
    return ".".join(
        label[4:].encode("ascii").decode("punycode") if label.startswith("xn--") else label
        for label in name.split(".")
    )


def punycode_to_ascii(name: str) -> str:
    """Encode each non-ASCII label of ``name`` as ``xn--`` punycode, validating nothing
    (RFC 3492 ToASCII as JavaScript's ``punycode.toASCII`` does it)."""
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in name.split(".")
    )


# --- The checks behind the schema's ``format`` keyword ----------------------------------


def _hostname(text: str) -> FormatProblem | None:
    return hostname_problem(text, idn=False)


def _idn_hostname(text: str) -> FormatProblem | None:
    return hostname_problem(text, idn=True)


FORMAT_CHECKS: dict[str, Callable[[str], FormatProblem | None]] = {
    "date-time": datetime_problem,
    "date": date_problem,
    "time": time_problem,
    "iri": url_problem,
    "uri": uri_problem,
    "hostname": _hostname,
    "idn-hostname": _idn_hostname,
    "ipv4": ipv4_problem,
    "ipv6": ipv6_problem,
}
"""Every format seedlint checks itself, by name; others are left to no one (jsonschema's
defaults would make the verdict depend on which optional packages are installed)."""
