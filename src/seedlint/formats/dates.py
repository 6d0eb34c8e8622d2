"""RFC 3339 dates, times and date-times, with ASCII digits and real leap seconds."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from seedlint.formats.problems import Fault, FormatProblem
from seedlint.patterns import lazy_pattern

_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_TIME = (
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?P<fraction>\.[0-9]+)?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))?"
)
_DATE_TIME_RE = re.compile(_DATE + r"(?P<sep>.)" + _TIME, re.ASCII)
_DATE_RE = lazy_pattern(_DATE, re.ASCII)
_TIME_RE = lazy_pattern(_TIME, re.ASCII)
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
    match = _DATE_RE().fullmatch(text)
    if match is None:
        return _non_ascii(text, "dates") or FormatProblem(Fault.DATE_TIME, "expected YYYY-MM-DD")
    return _date_problem(match)


@lru_cache(maxsize=1024)
def time_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not an RFC 3339 full-time with an offset (``format: time``), or None."""
    match = _TIME_RE().fullmatch(text)
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


@lru_cache(maxsize=1024)
def parse_datetime(text: str) -> datetime | None:
    """Parse a valid RFC 3339 date-time into an aware datetime; None if invalid.

    Memoised (a datetime is immutable): the date rules and the editorial rules ask
    about the same few dates of a seed."""
    if datetime_problem(text) is not None:
        return None
    match = _DATE_TIME_RE.fullmatch(text)
    assert match is not None  # checked above
    # All groups at once (by name, each costs a look-up): the order of the pattern.
    year, month, day, _, hour, minute, second, fraction, offset, sign, off_hour, off_minute = (
        match.groups()
    )
    minutes = 0 if offset in ("Z", "z") else int(off_hour) * 60 + int(off_minute)
    microsecond = int((fraction[1:] + "000000")[:6]) if fraction else 0
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        min(int(second), 59),  # datetime has no leap second
        microsecond,
        tzinfo=_zone(-minutes if sign == "-" else minutes),
    )


@lru_cache(maxsize=64)
def _zone(minutes: int) -> timezone:
    """The fixed offset of ``minutes`` east of UTC (UTC itself for 0)."""
    return timezone.utc if minutes == 0 else timezone(timedelta(minutes=minutes))
