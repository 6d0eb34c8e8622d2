"""Rules about dates: strict RFC 3339 date-times with an explicit offset, in a sane range.

D001/D002 turn the faults of ``formats.datetime_problem`` into findings, for the
date fields of every seed whatever the schema says, and for any other field a
custom schema marks ``format: date-time``; D003-D005 judge dates that parse but
cannot be right. "Now" comes from the check context so
tests (and reproducible CI runs) can fix it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic
from seedlint.formats import Fault, FormatProblem, datetime_problem, parse_datetime
from seedlint.rules.fields import DATE_KEYS, articles, date_paths, text_at
from seedlint.rules.messages import describe_path, quote

if TYPE_CHECKING:
    from seedlint.document import JsonPath, SeedDocument
    from seedlint.rules.context import CheckContext

INVALID_DATE_TIME = Rule(
    "D001",
    "invalid-date-time",
    "A date-time field is not a real RFC 3339 date-time.",
    """
    `publishedDateTime` and `updatedDateTime` (top level and in related
    articles) must be RFC 3339 date-times naming a real calendar date and time:
    no month 13, no February 30, no hour 25, `T` between date and time, ASCII
    digits only (a Bengali or full-width digit is not a 4). A leap second
    (`:60`) exists only at 23:59:60 UTC, so `05:29:60+05:30` is one and
    `22:59:60Z` is not. Checked on these fields whatever the schema says, and
    on any other field a custom schema marks `format: date-time`.
    """,
    example="""
    ---
    publishedDateTime: 2020-02-30T10:00:00Z
    ---
    """,
    use_instead="""
    ---
    publishedDateTime: 2020-02-29T10:00:00Z
    ---
    """,
)
MISSING_OFFSET = Rule(
    "D002",
    "date-time-without-offset",
    "A date-time has no UTC offset, so the instant it names is ambiguous.",
    """
    `2020-10-19T08:00:00` is a different instant in every time zone. RFC 3339
    requires an offset: `Z` for UTC or `±hh:mm`.
    """,
    example="""
    ---
    publishedDateTime: 2020-10-19T08:00:00
    ---
    """,
    use_instead="""
    ---
    publishedDateTime: 2020-10-19T08:00:00+02:00
    ---
    """,
)

IN_FUTURE = Rule(
    "D003",
    "date-in-future",
    "A date lies in the future, beyond the tolerance (`future-tolerance-days`, default 1).",
    """
    An article cannot have been published or updated after the moment the
    seed is checked. A small tolerance absorbs clock skew and time zones; a
    date far ahead is almost always a typo in the year or a day/month swap.

    Set `future-tolerance-days` to allow scheduled articles further ahead.
    """,
    example="""
    ---
    publishedDateTime: 2202-10-19T00:00:00Z
    ---
    """,
    use_instead="""
    ---
    publishedDateTime: 2020-10-19T00:00:00Z
    ---
    """,
)
TOO_OLD = Rule(
    "D004",
    "date-too-old",
    "A date lies before January 1 of `oldest-year` (default 1990).",
    """
    News seeds describe web articles; a date before the web existed is a
    placeholder (`1970-01-01T00:00:00Z`, a Unix epoch zero) or a typo.

    Lower `oldest-year` for archives.
    """,
    example="""
    ---
    publishedDateTime: 1970-01-01T00:00:00Z
    ---
    """,
    use_instead="""
    ---
    publishedDateTime: 2020-10-19T00:00:00Z
    ---
    """,
)
UPDATED_BEFORE_PUBLISHED = Rule(
    "D005",
    "updated-before-published",
    "`updatedDateTime` is earlier than `publishedDateTime` of the same article.",
    """
    An article cannot be updated before it was published; one of the two
    dates is wrong (often the offset, or the two values are swapped). Checked
    for the seed and for every related article; instants are compared, so
    `10:00:00+02:00` equals `08:00:00Z`.
    """,
    example="""
    ---
    publishedDateTime: 2020-10-19T10:00:00Z
    updatedDateTime: 2020-10-18T10:00:00Z
    ---
    """,
    use_instead="""
    ---
    publishedDateTime: 2020-10-19T10:00:00Z
    updatedDateTime: 2020-10-20T10:00:00Z
    ---
    """,
)

RULES = (INVALID_DATE_TIME, MISSING_OFFSET, IN_FUTURE, TOO_OLD, UPDATED_BEFORE_PUBLISHED)


def date_time_finding(
    document: SeedDocument, path: JsonPath, value: str, problem: FormatProblem
) -> Diagnostic:
    """The D001 or D002 finding for a date-time value that fails its format."""
    rule = MISSING_OFFSET if problem.fault is Fault.NO_OFFSET else INVALID_DATE_TIME
    span = document.position(path)
    message = f"{describe_path(path)} {quote(value)} is not an RFC 3339 date-time: {problem.reason}"
    return rule.at(
        document.path, span.line, span.column, message, end=(span.end_line, span.end_column)
    )


def check_date_times(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """D001/D002 for every date field of the seed and its related articles."""
    for path in date_paths(document):
        text = text_at(document, path)
        problem = datetime_problem(text) if text is not None else None
        if text is not None and problem is not None:
            yield date_time_finding(document, path, text, problem)


@lru_cache(maxsize=8)
def _bounds(now: datetime, tolerance_days: int, oldest_year: int) -> tuple[datetime, datetime]:
    """The latest and the oldest acceptable instant (the same for every seed of a run)."""
    latest = now + timedelta(days=tolerance_days)
    return latest, datetime(max(oldest_year, 1), 1, 1, tzinfo=timezone.utc)


def check_date_ranges(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """D003-D005 for the seed and each related article; unparseable dates are D001's."""
    config = context.config
    latest, oldest = _bounds(context.now, config.future_tolerance_days, config.oldest_year)
    for base, _ in articles(document):
        parsed: dict[str, datetime] = {}
        for key in DATE_KEYS:
            path = (*base, key)
            text = text_at(document, path)
            when = parse_datetime(text) if text is not None else None
            if when is None:
                continue
            parsed[key] = when
            if when > latest:
                span = document.values[path]
                days = context.config.future_tolerance_days
                message = f'{describe_path(path)} "{text}" is in the future (more than {days} day{"s" if days != 1 else ""} after now)'
                yield IN_FUTURE.at(document.path, span.line, span.column, message)
            elif when < oldest:
                span = document.values[path]
                message = f'{describe_path(path)} "{text}" is before {oldest.year}; expected a real publication date'
                yield TOO_OLD.at(document.path, span.line, span.column, message)
        published, updated = parsed.get("publishedDateTime"), parsed.get("updatedDateTime")
        if published is not None and updated is not None and updated < published:
            path = (*base, "updatedDateTime")
            span = document.values[path]
            message = (
                f'{describe_path(path)} "{text_at(document, path)}" is before '
                f'publishedDateTime "{text_at(document, (*base, "publishedDateTime"))}"'
            )
            yield UPDATED_BEFORE_PUBLISHED.at(document.path, span.line, span.column, message)
