"""Rules about URLs: absolute http(s) IRIs with a valid host."""

from __future__ import annotations

from seedlint.registry import Rule

NOT_ABSOLUTE = Rule(
    "U001",
    "invalid-url",
    "A URL field does not hold an absolute URL with a host.",
    """
    `webUrl`, `originalUrl`, `ampWebUrl`, `cdnAmpWebUrl` and image URLs are
    followed by readers and crawlers; a relative path or a bare word leads nowhere.

    Example: `webUrl: /2020/10/article.html`.
    Use instead: `webUrl: https://www.example.com/2020/10/article.html`.
    """,
)
BAD_SCHEME = Rule(
    "U002",
    "unsupported-url-scheme",
    "A URL uses a scheme other than https or http (`javascript:`, `data:`, `ftp:` ...).",
    """
    Only web pages belong in a seed. `javascript:` and `data:` URLs are a
    script-injection risk wherever the seed is rendered.
    """,
)
BAD_CHARACTER = Rule(
    "U003",
    "url-whitespace-or-control",
    "A URL contains whitespace, a control character or a character URLs never hold raw.",
    """
    Spaces, tabs, line breaks, control characters and `<>"{}|\\^`` must be
    percent-encoded. Raw non-ASCII letters are fine: seeds hold IRIs.
    """,
)
CREDENTIALS = Rule(
    "U004",
    "url-credentials",
    "A URL contains a user name or password (`user:pass@host`).",
    """
    Credentials in a URL leak to everyone who reads the seed, and `@` is a
    classic way to disguise the real host (`https://trusted.com@evil.example/`).
    """,
)
BAD_PORT = Rule(
    "U005",
    "url-invalid-port",
    "A URL's port is not a number from 1 to 65535.",
    """
    Example: `https://example.com:99999/` or `https://example.com:/`.
    """,
)
BAD_PERCENT_ENCODING = Rule(
    "U006",
    "url-bad-percent-encoding",
    "A `%` in a URL is not followed by two hexadecimal digits.",
    """
    Example: `https://example.com/100%-sure`. Use instead: `https://example.com/100%25-sure`.
    """,
)
BAD_HOST = Rule(
    "U007",
    "url-invalid-host",
    "A URL's host is not a valid host name (IDNA for internationalized names).",
    """
    Host labels are letters, digits and hyphens, at most 63 characters, not
    starting or ending with a hyphen; internationalized names must be valid
    under IDNA 2008. A host of digits only (`2130706433`) is an address in disguise.
    """,
)

RULES = (
    NOT_ABSOLUTE,
    BAD_SCHEME,
    BAD_CHARACTER,
    CREDENTIALS,
    BAD_PORT,
    BAD_PERCENT_ENCODING,
    BAD_HOST,
)
