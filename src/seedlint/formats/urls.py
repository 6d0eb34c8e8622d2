"""Absolute http(s) URLs and IRIs (RFC 3986/3987), judged as browsers read them."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from seedlint.formats.hosts import host_problem
from seedlint.formats.problems import Fault, FormatProblem

# Characters never allowed raw in a URL: controls, space and the delimiters
# RFC 3986 excludes. Non-ASCII characters are fine: seeds hold IRIs (RFC 3987).
_FORBIDDEN_CHARS = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})", re.ASCII)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*", re.ASCII)
_PORT = re.compile(r"[0-9]+", re.ASCII)
ALLOWED_SCHEMES = ("https", "http")
_ALLOWED = '[^\\x00-\\x20\\x7f-\\x9f<>"{}|\\\\^`%]'
_PLAIN_URL = re.compile(
    rf"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+)(?:[/?#]{_ALLOWED}*(?:%[0-9A-Fa-f]{{2}}{_ALLOWED}*)*)?"
)
"""The usual URL in one match: http(s), a host of letters, digits, dots and hyphens (no
port, no user), then only characters URLs may hold raw and well-formed ``%XX`` escapes."""


@lru_cache(maxsize=8192)
def url_problem(text: str) -> FormatProblem | None:
    """Why ``text`` is not an absolute http(s) IRI, or None if it is one."""
    plain = _PLAIN_URL.fullmatch(text)
    if plain is not None:  # every check below passes but the host's
        return host_problem(plain[1])
    return _url_problem(text)


def _url_problem(text: str) -> FormatProblem | None:
    """:func:`url_problem` step by step, for any text."""
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
    authority = authority_of(rest[2:])
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


def authority_of(rest: str) -> str:
    """``rest`` (what follows ``//``) up to the first ``/``, ``?`` or ``#``.

    Plain ``str.find`` calls: the hot path of every URL check, where a regex split
    costs a pattern-cache look-up and a list per call.
    """
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark, 0, end)
        if found >= 0:
            end = found
    return rest[:end]


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


@lru_cache(maxsize=4096)
def url_host(url: str) -> str:
    """The host of an absolute URL as written (brackets kept, no port); "" if none.

    Memoised: the URL rules ask for the host of the same URL more than once."""
    _, sep, rest = url.partition("://")
    if not sep:
        return ""
    authority = authority_of(rest)
    return split_host_port(authority.rpartition("@")[2])[0]


_KEYED_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([A-Za-z0-9.:-]*)((?:[/?#][^\t\r\n]*)?)")
"""A URL ``urlsplit`` takes apart without surprises: a scheme, an ASCII authority with no
user or IP literal, no tab or line break (which ``urlsplit`` would delete first)."""


@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """A URL as compared for "the same page": scheme and host lowercase, no fragment.

    Path and query are kept as written: servers may treat them case-sensitively,
    and a different query can be a different page.
    """
    keyed = _KEYED_URL.fullmatch(url)
    if keyed is None:
        return _split_url_key(url)
    scheme, netloc, rest = keyed.groups()
    path, mark, query = rest.partition("#")[0].partition("?")
    return f"{scheme.lower()}://{netloc.lower()}{path or '/'}{mark if query else ''}{query}"


def _split_url_key(url: str) -> str:
    """:func:`url_key` by ``urllib.parse.urlsplit``, for any text."""
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
