"""The AMP cache URL of a page, computed by the published AMP cache URL format.

An AMP cache serves ``https://example.com/a?b`` at
``https://example-com.cdn.ampproject.org/c/s/example.com/a?b``. The host becomes
one DNS label (the "domain prefix"):

1. punycode-decode the host (IDN → Unicode);
2. double every ``-``, turn every ``.`` into ``-``;
3. punycode-encode the result back;
4. a result with ``--`` in positions 3-4 that is not ``xn--`` is wrapped as ``0-…-0``.

When that cannot give a valid label — the host has no dot, is longer than 63
characters, already has ``--`` in positions 3-4 (and is not ``xn--``), mixes
left-to-right and right-to-left scripts, or the result is longer than 63
characters — the prefix is the SHA-256 of the host's ASCII (punycode) form,
base32-encoded (RFC 4648 alphabet, lowercase) without its ``=`` padding: 52
characters. This follows the AMP documentation ("AMP Cache URL Format and
Request Handling") and ampproject's reference implementation
(``@ampproject/toolbox-cache-url``), whose examples are the unit tests.

The path is ``/c/s/<host><path>`` for an https page and ``/c/<host><path>`` for
an http one; the query (and fragment) are kept as written.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

GOOGLE_AMP_CACHE = "cdn.ampproject.org"
MAX_LABEL = 63

# Character classes from the reference implementation: a label may not mix them.
_LTR = (
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u0300-\u0590\u0800-\u1fff"
    "\u200e\u2c00-\ufb1c\ufe00-\ufe6f\ufefd-\uffff]"
)
_RTL = "[\u0591-\u06ef\u06fa-\u07ff\u200f\ufb1d-\ufdff\ufe70-\ufefc]"


def _mixes_directions(text: str) -> bool:
    """Left-to-right and right-to-left letters in one name (the classes compile only when needed)."""
    return not text.isascii() and bool(re.search(_LTR, text) and re.search(_RTL, text))


def ascii_host(host: str) -> str | None:
    """The lowercase ASCII (punycode) form of ``host``; None when it is not a valid IDN."""
    host = host.rstrip(".").lower()
    if host.isascii():
        return host
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None


def _to_unicode(host: str) -> str:
    return ".".join(
        label[4:].encode("ascii").decode("punycode") if label.startswith("xn--") else label
        for label in host.split(".")
    )


def _to_ascii(label: str) -> str:
    return label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")


def _hyphen_34(label: str) -> bool:
    return label[2:4] == "--" and not label.startswith("xn")


def fallback_subdomain(host: str) -> str:
    """The hashed domain prefix: base32(sha256(host)), lowercase, without padding."""
    import base64  # only for the rare hashed fallback: keep start-up lean
    import hashlib

    digest = hashlib.sha256(host.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def cache_subdomain(host: str) -> str | None:
    """The AMP cache domain prefix of ``host`` (``www.example.com`` → ``www-example-com``).

    None when ``host`` is not a valid host name at all.
    """
    domain = ascii_host(host)
    if not domain:
        return None
    try:
        unicode = _to_unicode(domain)
    except UnicodeError:  # an xn-- label that is not valid punycode
        return fallback_subdomain(domain)
    eligible = (
        "." in domain
        and len(domain) <= MAX_LABEL
        and not _hyphen_34(domain)
        and not _mixes_directions(unicode)
    )
    if not eligible:
        return fallback_subdomain(domain)
    prefix = _to_ascii(unicode.replace("-", "--").replace(".", "-")).lower()
    if len(prefix) > MAX_LABEL:
        return fallback_subdomain(domain)
    if _hyphen_34(prefix):
        prefix = f"0-{prefix}-0"
    return prefix


def cache_url(url: str, cache_domain: str = GOOGLE_AMP_CACHE) -> str | None:
    """The AMP cache URL of the AMP page ``url``; None when ``url`` has no usable host.

    A URL with userinfo or an explicit port has no AMP cache URL (caches serve
    only default ports), so None is returned for it as well.
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https"):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if port is not None or "@" in parts.netloc or not parts.hostname:
        return None
    netloc_end = len(parts.netloc)
    host_as_written = rest[:netloc_end]
    tail = rest[netloc_end:]
    prefix = cache_subdomain(host_as_written)
    if prefix is None:
        return None
    secure = "s/" if scheme == "https" else ""
    return f"https://{prefix}.{cache_domain}/c/{secure}{host_as_written.lower()}{tail}"
