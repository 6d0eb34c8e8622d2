"""Rules about URLs: absolute http(s) IRIs with a valid host, on the provider's site.

U001-U007 turn the faults of ``formats.url_problem`` into findings, for the URL
fields of every seed whatever the schema says, and for any other field a custom
schema marks ``format: iri`` or ``uri``. U008-U012 judge URLs that are well formed: their scheme, their host against ``provider.domain``, and
the AMP cache URL that must be computed from ``ampWebUrl``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Edit, Fix, Severity
from seedlint.formats import (
    Fault,
    FormatProblem,
    ascii_host,
    ip_address,
    is_valid_url,
    url_host,
    url_problem,
)
from seedlint.rules.fields import (
    articles,
    line_of,
    quote_like,
    text_at,
    url_paths,
)
from seedlint.rules.messages import describe_path, quote

if TYPE_CHECKING:
    from seedlint.document import JsonPath, SeedDocument
    from seedlint.rules.context import CheckContext

NOT_ABSOLUTE = Rule(
    "U001",
    "invalid-url",
    "A URL field does not hold an absolute URL with a host.",
    """
    `webUrl`, `originalUrl`, `ampWebUrl`, `cdnAmpWebUrl` and image URLs are
    followed by readers and crawlers; a relative path or a bare word leads nowhere.
    """,
    example="""
    ---
    webUrl: /202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
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
    example="""
    ---
    webUrl: javascript:alert(document.cookie)
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
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
    example="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu%20restrictions
    ---
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
    example="""
    ---
    webUrl: https://editor:s3cret@www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
)
BAD_PORT = Rule(
    "U005",
    "url-invalid-port",
    "A URL's port is not a number from 1 to 65535.",
    """
    No server listens on such a port, so the URL leads nowhere; an empty port
    (`https://example.com:/`) is a copy-paste accident.
    """,
    example="""
    ---
    webUrl: https://www.biometricupdate.com:99999/202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
)
BAD_PERCENT_ENCODING = Rule(
    "U006",
    "url-bad-percent-encoding",
    "A `%` in a URL is not followed by two hexadecimal digits.",
    """
    Browsers and servers disagree on what such a URL means, so readers may
    land on another page. A literal `%` is written `%25`.
    """,
    example="""
    ---
    webUrl: https://www.example.com/100%-sure
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/100%25-sure
    ---
    """,
)
BAD_HOST = Rule(
    "U007",
    "url-invalid-host",
    "A URL's host is not a valid host name (IDNA for internationalized names).",
    """
    Host labels are letters, digits and hyphens, at most 63 characters, not
    starting or ending with a hyphen. Internationalized names must be valid
    under IDNA 2008 with UTS #46 mapping, as browsers apply it: `xn--` labels
    are decoded and checked like the Unicode they stand for, so a name gets the
    same verdict in both spellings, and the bidi rule covers the whole name.
    A host whose last label is a number is an IPv4 address, as browsers read
    it: `http://foo.0x4` is invalid, and `2130706433` or `0x7f.1` is
    127.0.0.1 in disguise. Zone identifiers (`[fe80::1%25eth0]`) and
    IPvFuture literals (`[v1.fe]`) are refused.
    """,
    example="""
    ---
    webUrl: https://-biometricupdate-.com/202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
)

PLAIN_HTTP = Rule(
    "U008",
    "http-url",
    "A URL uses `http:` where `https:` is expected.",
    """
    Plain http pages are downgraded or blocked by browsers and leak what the
    reader looks at. Nearly every publisher serves https today, so an `http:`
    URL is usually a stale copy. A warning, because a few sites still serve
    http only.

    Fixable with `--unsafe-fixes` only: rewriting the scheme is right when the
    site serves the same page over https, which seedlint cannot know offline.
    (`cdnAmpWebUrl` is not checked here: U011 recomputes it, always https.)
    """,
    example="""
    ---
    webUrl: http://www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
    severity=Severity.WARNING,
    fixable=True,
)
IP_HOST = Rule(
    "U009",
    "ip-address-host",
    "A URL's host is an IP address instead of a domain name.",
    """
    Readers follow names, not addresses: an address breaks when the site
    moves, cannot be checked against `provider.domain` and has no valid TLS
    certificate. A public address is this warning; a private, loopback,
    link-local or reserved one is U013 (an error).
    """,
    example="""
    ---
    webUrl: https://93.184.216.34/202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/202010/eu-restrictions
    ---
    """,
    severity=Severity.WARNING,
)
PRIVATE_ADDRESS_HOST = Rule(
    "U013",
    "private-address-host",
    "A URL's host is a private, loopback, link-local or reserved IP address.",
    """
    No reader can reach `127.0.0.1`, `10.0.0.5`, `[::1]` or
    `169.254.169.254`, and a crawler that follows such a URL probes the
    network it runs in (the cloud metadata service, an internal admin page).
    Public IP hosts are U009, a warning; these are errors. Until this rule
    existed, U009 reported them as errors while listing itself as a warning.
    """,
    example="""
    ---
    webUrl: https://10.0.0.5/202010/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/202010/eu-restrictions
    ---
    """,
)
FOREIGN_HOST = Rule(
    "U010",
    "url-outside-provider-domain",
    "`webUrl` or `originalUrl` is not on `provider.domain` (the domain itself or a subdomain).",
    """
    The provider is who published the article, so its URL lives on the
    provider's domain. A mismatch means a wrong provider, a link copied from
    another article, or a tracking redirect. Checked for the seed and for every
    related article; internationalized names are compared in their IDNA form,
    and `www.example.com` or `news.example.com` belong to `example.com` but
    `notexample.com` does not.
    """,
    example="""
    ---
    webUrl: https://www.wsj.com/202010/eu-restrictions
    provider:
      name: Biometric Update
      domain: biometricupdate.com
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    provider:
      name: Biometric Update
      domain: biometricupdate.com
    ---
    """,
)
WRONG_AMP_CACHE_URL = Rule(
    "U011",
    "wrong-cdn-amp-url",
    "`cdnAmpWebUrl` is not the AMP cache URL of `ampWebUrl`.",
    """
    The AMP cache URL is computed from `ampWebUrl` by the published AMP cache
    URL format: the host is punycode-decoded, `-` doubled, `.` turned into
    `-`, encoded back (a hash when that cannot make a valid DNS label), and
    the path is `/c/s/<host><path>` for https pages, `/c/<host><path>` for http
    ones, with the query kept. Any other value leads readers to the wrong page
    or to an error. Fixable: the value is recomputed.
    """,
    example="""
    ---
    ampWebUrl: https://www.example.com/a.amp
    cdnAmpWebUrl: https://example-com.cdn.ampproject.org/c/s/www.example.com/a.amp
    ---
    """,
    use_instead="""
    ---
    ampWebUrl: https://www.example.com/a.amp
    cdnAmpWebUrl: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a.amp
    ---
    """,
    fixable=True,
)
MISSING_AMP_CACHE_URL = Rule(
    "U012",
    "missing-cdn-amp-url",
    "An article has an `ampWebUrl` but no `cdnAmpWebUrl`.",
    """
    Consumers serve the AMP version from the cache URL; without it they fall
    back to the slower origin. A warning. Fixable: the computed `cdnAmpWebUrl`
    line is inserted right after `ampWebUrl`, with the same indentation,
    quoting and line ending.
    """,
    example="""
    ---
    ampWebUrl: https://www.example.com/a.amp
    ---
    """,
    use_instead="""
    ---
    ampWebUrl: https://www.example.com/a.amp
    cdnAmpWebUrl: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a.amp
    ---
    """,
    severity=Severity.WARNING,
    fixable=True,
)

RULES = (
    NOT_ABSOLUTE,
    BAD_SCHEME,
    BAD_CHARACTER,
    CREDENTIALS,
    BAD_PORT,
    BAD_PERCENT_ENCODING,
    BAD_HOST,
    PLAIN_HTTP,
    IP_HOST,
    PRIVATE_ADDRESS_HOST,
    FOREIGN_HOST,
    WRONG_AMP_CACHE_URL,
    MISSING_AMP_CACHE_URL,
)


_RULE_BY_FAULT = {
    Fault.NOT_ABSOLUTE: NOT_ABSOLUTE,
    Fault.SCHEME: BAD_SCHEME,
    Fault.CHARACTER: BAD_CHARACTER,
    Fault.CREDENTIALS: CREDENTIALS,
    Fault.PORT: BAD_PORT,
    Fault.PERCENT: BAD_PERCENT_ENCODING,
    Fault.HOST: BAD_HOST,
}


def url_finding(
    document: SeedDocument, path: JsonPath, value: str, problem: FormatProblem
) -> Diagnostic:
    """The U001-U007 finding for a URL value that fails its format."""
    rule = _RULE_BY_FAULT.get(problem.fault, NOT_ABSOLUTE)
    span = document.position(path)
    message = f"{describe_path(path)} {quote(value)} is not a valid URL: {problem.reason}"
    return rule.at(
        document.path, span.line, span.column, message, end=(span.end_line, span.end_column)
    )


def _valid_url(document: SeedDocument, path: JsonPath) -> str | None:
    """The URL at ``path`` when it passes the format check (else U001-U007 explain it)."""
    text = text_at(document, path)
    return text if text is not None and is_valid_url(text) else None


def _amp_cache_url(url: str) -> str | None:
    """The AMP cache URL of ``url`` (:mod:`seedlint.amp` is imported for seeds with an AMP URL)."""
    from seedlint import amp

    return amp.cache_url(url)


def check_url_formats(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """U001-U007 for every URL field of the seed and its related articles."""
    for path in url_paths(document):
        text = text_at(document, path)
        problem = url_problem(text) if text is not None else None
        if text is None or problem is None:
            continue
        if problem.fault is Fault.HOST and path[-1] == "cdnAmpWebUrl":
            # The cache names an emoji host's prefix by punycode alone (xn---com-p33b41770a),
            # which IDNA 2008 refuses; the exact computed value is right, U011 checks it.
            amp_url = text_at(document, (*path[:-1], "ampWebUrl"))
            if amp_url is not None and _amp_cache_url(amp_url) == text:
                continue
        yield url_finding(document, path, text, problem)


_NAME_ENDS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")
"""Last characters of a host that is no IP address (a dotted quad ends in a digit, an IPv6
literal in ``]``, either maybe followed by a dot): most hosts end in a letter of their TLD."""


def check_urls(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """U008-U012 on every well-formed URL of the seed and its related articles."""
    # The sub-checks are entered only when they can find something: most URLs are
    # https on a named host, and a generator per URL and check would cost more
    # than the checks themselves.
    for path in url_paths(document):
        url = _valid_url(document, path)
        if url is None:
            continue
        if url[:5].lower() == "http:" and path[-1] != "cdnAmpWebUrl":
            yield from _check_scheme(document, path, url)
        if url_host(url)[-1:] not in _NAME_ENDS:
            yield from _check_ip_host(document, path, url)
    for base, article in articles(document):
        yield from _check_provider_domain(document, base, article)
        if "ampWebUrl" in article:  # else there is no cache URL to expect
            yield from _check_amp_cache_url(document, base, article)


def _check_scheme(document: SeedDocument, path: JsonPath, url: str) -> Iterator[Diagnostic]:
    if path[-1] == "cdnAmpWebUrl" or url[:5].lower() != "http:":
        return
    span = document.values[path]
    start = span.start + (0 if document.styles.get(path) == "" else 1)
    fix = None
    if document.text[start : start + 5] == url[:5]:  # written as is, no escape: safe to edit
        fix = Fix((Edit(start, start + 4, "https"),), safe=False)
    message = f'{describe_path(path)} "{url}" uses http:; expected https:'
    yield PLAIN_HTTP.at(document.path, span.line, span.column, message, fix=fix)


def _check_ip_host(document: SeedDocument, path: JsonPath, url: str) -> Iterator[Diagnostic]:
    written = url_host(url)
    address = ip_address(written)
    if address is None:
        return
    host = written.strip("[]").lower()
    span = document.values[path]
    if address.is_global:
        message = f"{describe_path(path)} host {host} is an IP address; expected a domain name"
        yield IP_HOST.at(document.path, span.line, span.column, message)
    else:
        message = f"{describe_path(path)} host {host} is a private or reserved IP address; no reader can reach it"
        yield PRIVATE_ADDRESS_HOST.at(document.path, span.line, span.column, message)


def _check_provider_domain(
    document: SeedDocument, base: JsonPath, article: dict[str, Any]
) -> Iterator[Diagnostic]:
    domain_text = text_at(document, (*base, "provider", "domain"))
    domain = ascii_host(domain_text) if domain_text else None
    if not domain:
        return
    for key in ("webUrl", "originalUrl"):
        path = (*base, key)
        url = _valid_url(document, path)
        if url is None:
            continue
        host_text = url_host(url).lower()
        if host_text[-1:] not in _NAME_ENDS and ip_address(host_text) is not None:
            continue  # U009 or U013 says it better
        host = ascii_host(host_text)
        if host is None or host == domain or host.endswith("." + domain):
            continue
        span = document.values[path]
        message = (
            f'{describe_path(path)} host {host_text} is not on provider.domain "{domain_text}"'
        )
        yield FOREIGN_HOST.at(document.path, span.line, span.column, message)


def _check_amp_cache_url(
    document: SeedDocument, base: JsonPath, article: dict[str, Any]
) -> Iterator[Diagnostic]:
    amp_path, cdn_path = (*base, "ampWebUrl"), (*base, "cdnAmpWebUrl")
    amp_url = text_at(document, amp_path)
    problem = url_problem(amp_url) if amp_url is not None else None
    if problem is not None and problem.fault is not Fault.HOST:
        return
    # A host that fails the IDNA 2008 check (an emoji domain) still has the cache URL
    # that the AMP cache algorithm computes; U007 reports the host itself.
    expected = _amp_cache_url(amp_url) if amp_url is not None else None
    if expected is None:
        return
    if "cdnAmpWebUrl" not in article:
        yield _missing_cache_url(document, amp_path, expected)
        return
    actual = text_at(document, cdn_path)
    if actual is None or actual == expected:
        return
    span = document.values[cdn_path]
    written = quote_like(document, cdn_path, expected)
    fix = Fix((Edit(span.start, span.end, written),)) if written is not None else None
    if document.styles.get(cdn_path) in ("|", ">"):
        fix = None
    message = f'{describe_path(cdn_path)} "{actual}" is not the AMP cache URL of ampWebUrl; expected "{expected}"'
    yield WRONG_AMP_CACHE_URL.at(document.path, span.line, span.column, message, fix=fix)


def _missing_cache_url(document: SeedDocument, amp_path: JsonPath, expected: str) -> Diagnostic:
    span = document.values[amp_path]
    key_span = document.keys[amp_path]
    message = f'{describe_path(amp_path)} has no cdnAmpWebUrl; expected "{expected}"'
    fix = None
    _, line_end, ending = line_of(document, span)
    text = document.text
    before_key = text[text.rfind("\n", 0, key_span.start) + 1 : key_span.start]
    after_value = text[span.end : line_end].rstrip("\r\n")
    # Only a block mapping entry alone on its line(s) can take a new line after it.
    block_entry = before_key.replace("-", " ").strip() == "" and (
        after_value.strip() == "" or after_value.lstrip().startswith("#")
    )
    written = quote_like(document, amp_path, expected)
    if (
        block_entry
        and ending
        and written is not None
        and document.styles.get(amp_path) not in ("|", ">")
    ):
        indent = " " * (key_span.column - 1)
        fix = Fix((Edit(line_end, line_end, f"{indent}cdnAmpWebUrl: {written}{ending}"),))
    return MISSING_AMP_CACHE_URL.at(document.path, span.line, span.column, message, fix=fix)
