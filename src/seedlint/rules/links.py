"""Online rules about links: does each URL still lead somewhere? (``--probe``)"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Severity
from seedlint.rules.messages import describe_path

if TYPE_CHECKING:
    from seedlint.outcomes import ImageResult, LinkResult, Outcome
    from seedlint.rules.url_uses import UrlUse

# The probe's outcomes and URL uses are imported by the functions that report them:
# every offline run imports this module for its rules' metadata only.

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
    jitter; transient failures are cached only briefly (five minutes,
    `cache-transient-ttl-minutes`) and then say "(from cache)".
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
    timeout, not two. A host that times out three times in a row is given up:
    its other URLs get this verdict at once. Timeouts are cached only briefly
    (`cache-transient-ttl-minutes`), so an immediate re-run does not wait them
    out again; such findings say "(from cache)".
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
    Allow your own hosts on the command line with `--allow HOST:PORT` (or a
    network, `--allow 10.0.0.0/8`), with `probe-allow` in the root
    configuration, or all of them with `--allow-private`; the message names the
    entry to add. A configuration file inside the linted folders cannot do this.
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

BAD_REDIRECT = Rule(
    "L013",
    "bad-redirect",
    "A URL redirects to something that cannot be followed: another scheme, a bad port, a malformed Location.",
    f"""
    A redirect to `file:`, `ftp:`, `gopher:` or `dict:`, to a port outside
    1-65535 or to a Location that is no URL leads readers nowhere (and would
    let a server point a checker at local files). Nothing is sent to it.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://example.com/a  # 302 Found, Location: file:///etc/passwd
    ---
    """,
    use_instead="""
    ---
    webUrl: https://example.com/articles/a  # the article's real http(s) address
    ---
    """,
    online=True,
)
NOT_CHECKED = Rule(
    "L014",
    "not-checked",
    "A URL could not be checked; the message says why.",
    f"""
    Every URL ends with a verdict: alive, a finding, or this one. It is
    reported when the run's or a host's time budget ran out (`probe-budget`,
    `probe-host-budget`), when the run was interrupted, or when the HTTP client
    cannot request the URL at all (for example a host name spelled in
    full-width letters, which the URL syntax allows). Run again with
    a larger budget, or fix the URL.
    {_PROBE_NOTE}
    """,
    example="""
    ---
    webUrl: https://slow.example.com/story  # still queued when the run's budget ran out
    ---
    """,
    use_instead="""
    ---
    webUrl: https://slow.example.com/story  # checked in a run with a larger probe-budget
    ---
    """,
    severity=Severity.WARNING,
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
    BAD_REDIRECT,
    NOT_CHECKED,
)


@cache
def _by_outcome() -> dict[Outcome, Rule]:
    from seedlint.outcomes import Outcome

    return {
        Outcome.DEAD: DEAD,
        Outcome.SERVER_ERROR: SERVER_ERROR,
        Outcome.BLOCKED: BLOCKED,
        Outcome.RATE_LIMITED: RATE_LIMITED,
        Outcome.TIMEOUT: TIMEOUT,
        Outcome.DNS_FAILURE: DNS_FAILURE,
        Outcome.TLS_FAILURE: TLS_FAILURE,
        Outcome.CONNECTION_FAILED: CONNECTION_FAILED,
        Outcome.REDIRECT_PERMANENT: PERMANENT_REDIRECT,
        Outcome.REDIRECT_LOOP: REDIRECT_LOOP,
        Outcome.TOO_MANY_REDIRECTS: REDIRECT_LOOP,
        Outcome.BAD_REDIRECT: BAD_REDIRECT,
        Outcome.FORBIDDEN_ADDRESS: FORBIDDEN_ADDRESS,
        Outcome.HTTP_ERROR: HTTP_ERROR,
        Outcome.INVALID_URL: NOT_CHECKED,
        Outcome.NOT_CHECKED: NOT_CHECKED,
    }


def rule_for_outcome(outcome: Outcome) -> Rule:
    """The rule that reports a failed outcome; every outcome that is not ``ok`` has one."""
    return _by_outcome()[outcome]


def allow_hint(url: str) -> str:
    """How to let the probe reach ``url``'s host (only from the trusted command line or root config)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    entry = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (
        f"; if it is yours, allow it with --allow {entry} or probe-allow in the root configuration"
    )


def failure_message(use: UrlUse, result: LinkResult | ImageResult) -> str:
    """The message for a failed outcome of ``result`` at ``use``."""
    from seedlint.outcomes import TRANSIENT, Outcome
    from seedlint.rules.url_uses import quoted

    where = describe_path(use.json_path)
    outcome = result.outcome
    if outcome in (Outcome.NOT_CHECKED, Outcome.INVALID_URL):
        return f"{where} {quoted(use.url)} not checked, because {result.detail}"
    message = f"{where} {quoted(use.url)}: {result.detail}"
    if outcome is Outcome.FORBIDDEN_ADDRESS:
        message += allow_hint(result.final_url or use.url)
    if result.from_cache and outcome in TRANSIENT:
        message += " (from cache)"  # a brief memory of a failure that may already be over
    return message


def check_link(use: UrlUse, result: LinkResult) -> Iterator[Diagnostic]:
    """Findings for one use of a probed link (none when it is alive)."""
    from seedlint.outcomes import Outcome

    if result.outcome.ok and result.outcome is not Outcome.REDIRECT_PERMANENT:
        return
    rule = rule_for_outcome(result.outcome)
    if rule is PERMANENT_REDIRECT:
        where = describe_path(use.json_path)
        message = f"{where} permanently redirects to {result.final_url}; use that URL"
    else:
        message = failure_message(use, result)
    yield rule.at(use.path, use.line, use.column, message)
