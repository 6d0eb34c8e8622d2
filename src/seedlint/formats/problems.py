"""What a format check returns: the kind of fault, and a phrase for people."""

from __future__ import annotations

import enum
from typing import NamedTuple


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


class FormatProblem(NamedTuple):
    """Why a value fails a format: the kind of fault and a short phrase for people."""

    fault: Fault
    reason: str
