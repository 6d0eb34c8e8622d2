"""Rules about dates: strict RFC 3339 date-times with an explicit offset."""

from __future__ import annotations

from seedlint.registry import Rule

INVALID_DATE_TIME = Rule(
    "D001",
    "invalid-date-time",
    "A date-time field is not a real RFC 3339 date-time.",
    """
    `publishedDateTime` and `updatedDateTime` (top level and in related
    articles) must be RFC 3339 date-times naming a real calendar date and time:
    no month 13, no February 30, no hour 25, `T` between date and time.

    Example: `publishedDateTime: 2020-02-30T10:00:00Z`.
    Use instead: `publishedDateTime: 2020-02-29T10:00:00Z`.
    """,
)
MISSING_OFFSET = Rule(
    "D002",
    "date-time-without-offset",
    "A date-time has no UTC offset, so the instant it names is ambiguous.",
    """
    `2020-10-19T08:00:00` is a different instant in every time zone. RFC 3339
    requires an offset: `Z` for UTC or `±hh:mm`.

    Use instead: `2020-10-19T08:00:00Z` or `2020-10-19T08:00:00+02:00`.
    """,
)

RULES = (INVALID_DATE_TIME, MISSING_OFFSET)
