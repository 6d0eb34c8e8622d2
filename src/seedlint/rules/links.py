"""Online rules about links: does each URL still lead somewhere? (``--probe``)"""

from __future__ import annotations

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Severity

_PROBE_NOTE = (
    "Reported only with `--probe` or `--probe-links`; results are cached (default one day)."
)

DEAD = Rule(
    "L001",
    "dead-link",
    "A URL answers 404 Not Found or 410 Gone.",
    f"""
    The article or image is gone. Find where it moved or remove the item.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restriction  # 404 Not Found
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions  # 200 OK
    ---
    """,
    online=True,
)
SERVER_ERROR = Rule(
    "L002",
    "server-error",
    "A URL still answers with a 5xx server error after the retries.",
    f"""
    The site is failing for this page. Retries back off exponentially with
    jitter; transient failures are never cached, so the next run asks again.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://shop.example.com/story/42  # 503 after every retry
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # the article's working address
    ---
    """,
    online=True,
)
BLOCKED = Rule(
    "L003",
    "link-unverifiable",
    "A server refused to let the link be checked (401, 403, 999 ...).",
    f"""
    Paywalls and bot protection answer automated requests with 401, 403 or
    a non-standard 999. The page may be fine for a person: check it by hand.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://www.ft.com/content/1234  # 403 Forbidden to robots
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.ft.com/content/1234  # seedlint: ignore[L003] (opens fine in a browser)
    ---
    """,
    severity=Severity.WARNING,
    online=True,
)
RATE_LIMITED = Rule(
    "L004",
    "rate-limited",
    "A server kept answering 429 Too Many Requests, even after waiting as asked.",
    f"""
    `Retry-After` is honoured up to a bound before giving up. Lower the per-host
    concurrency or rate (`probe-per-host`, `probe-per-host-rate`) and run again.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://busy.example.com/story/42  # 429 Too Many Requests, again and again
    ---
    """,
    use_instead="""
    ---
    webUrl: https://busy.example.com/story/42  # probed again with a lower probe-per-host-rate
    ---
    """,
    severity=Severity.WARNING,
    online=True,
)
TIMEOUT = Rule(
    "L005",
    "link-timeout",
    "A server did not answer within the timeout.",
    f"""
    A URL that timed out is not tried again with GET, so a hung host costs one
    timeout, not two. Timeouts are not cached.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://slow.example.com/story/42  # no answer within the timeout
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # the article's working address
    ---
    """,
    online=True,
)
DNS_FAILURE = Rule(
    "L006",
    "dns-failure",
    "A URL's host name does not resolve.",
    f"""
    The domain may have expired or been mistyped. {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://www.biometricupdat.com/202010/eu-restrictions  # the host does not resolve
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions  # resolves
    ---
    """,
    online=True,
)
TLS_FAILURE = Rule(
    "L007",
    "tls-failure",
    "The HTTPS connection failed: untrusted, expired or mismatched certificate.",
    f"""
    Readers' browsers will show a warning or refuse the page. {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://expired.example.com/story/42  # certificate expired
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # a valid certificate
    ---
    """,
    online=True,
)
CONNECTION_FAILED = Rule(
    "L008",
    "connection-failed",
    "The connection was refused or reset, or the answer was not valid HTTP.",
    f"""
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://www.example.com:8443/story/42  # connection refused
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # the server's real address
    ---
    """,
    online=True,
)
PERMANENT_REDIRECT = Rule(
    "L009",
    "permanent-redirect",
    "A URL permanently redirects (301 or 308) elsewhere.",
    f"""
    The page moved for good. Point the seed at the final URL named in the
    message so readers and crawlers skip the detour.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://biometricupdate.com/202010/eu-restrictions  # 301 to www.biometricupdate.com
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions  # the final URL
    ---
    """,
    severity=Severity.WARNING,
    online=True,
)
REDIRECT_LOOP = Rule(
    "L010",
    "redirect-loop",
    "A URL redirects in a loop, or through more redirects than allowed.",
    f"""
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://www.example.com/loop  # redirects to /loop again
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # answers directly
    ---
    """,
    online=True,
)
FORBIDDEN_ADDRESS = Rule(
    "L011",
    "forbidden-address",
    "A URL leads to a private, loopback, link-local or otherwise internal address, or an unusual port.",
    f"""
    Seeds arrive in pull requests; probing such a URL would let a seed reach
    into the network of the machine running seedlint (for example the cloud
    metadata service at 169.254.169.254). The address actually connected to is
    checked, in every spelling and at every redirect hop, and nothing is sent.
    Allow your own hosts with `--allow-private` or `probe-allow` in the config.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: http://169.254.169.254/latest/meta-data/  # the cloud metadata service
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # a public address
    ---
    """,
    online=True,
)
HTTP_ERROR = Rule(
    "L012",
    "http-error",
    "A URL answers with another client error (400, 405 on GET, 451 ...).",
    f"""
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://www.example.com/story/42?id=%%%  # 400 Bad Request
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/story/42  # 200 OK
    ---
    """,
    online=True,
)

RULES = (
    DEAD,
    SERVER_ERROR,
    BLOCKED,
    RATE_LIMITED,
    TIMEOUT,
    DNS_FAILURE,
    TLS_FAILURE,
    CONNECTION_FAILED,
    PERMANENT_REDIRECT,
    REDIRECT_LOOP,
    FORBIDDEN_ADDRESS,
    HTTP_ERROR,
)

BY_OUTCOME = {
    "dead": DEAD,
    "server-error": SERVER_ERROR,
    "blocked": BLOCKED,
    "rate-limited": RATE_LIMITED,
    "timeout": TIMEOUT,
    "dns-failure": DNS_FAILURE,
    "tls-failure": TLS_FAILURE,
    "connection-failed": CONNECTION_FAILED,
    "redirect-permanent": PERMANENT_REDIRECT,
    "redirect-loop": REDIRECT_LOOP,
    "too-many-redirects": REDIRECT_LOOP,
    "forbidden-address": FORBIDDEN_ADDRESS,
    "http-error": HTTP_ERROR,
}
"""Probe outcome value → the rule that reports it (``alive`` and ``invalid-url`` have none)."""
