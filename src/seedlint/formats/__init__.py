"""The one RFC 3339, host and URL implementation.

The schema's ``format`` checks and the date and URL rules all call these
functions, so a value is judged the same way wherever it is checked and the
result never depends on which optional ``jsonschema`` extras are installed.
Each check returns a :class:`FormatProblem` whose :class:`Fault` says what kind
of flaw it is; the rules decide which finding a fault becomes.

Standards followed (and tested against their own suites, see docs/conformance.md):
RFC 3339 for dates and times; RFC 3986/3987 for URI and IRI syntax; the WHATWG
URL standard for how a browser reads a host (a last label that is a number makes
the host an IPv4 address); IDNA 2008 with UTS #46 mapping, as browsers apply it,
for internationalized names. Digits are ASCII digits everywhere: every pattern
here is compiled with ``re.ASCII`` and spells ``[0-9]``.
"""

from __future__ import annotations

from collections.abc import Callable

from seedlint.formats.dates import date_problem, datetime_problem, parse_datetime, time_problem
from seedlint.formats.hosts import (
    MAX_HOST,
    MAX_LABEL,
    ascii_host,
    host_problem,
    hostname_idn_problem,
    hostname_plain_problem,
    hostname_problem,
    ip_address,
    ipv4_problem,
    ipv6_problem,
    punycode_to_ascii,
    punycode_to_unicode,
    whatwg_ipv4,
)
from seedlint.formats.problems import Fault, FormatProblem
from seedlint.formats.urls import (
    ALLOWED_SCHEMES,
    is_valid_url,
    split_host_port,
    uri_problem,
    url_host,
    url_key,
    url_problem,
)

__all__ = [
    "ALLOWED_SCHEMES",
    "FORMAT_CHECKS",
    "MAX_HOST",
    "MAX_LABEL",
    "Fault",
    "FormatProblem",
    "ascii_host",
    "date_problem",
    "datetime_problem",
    "host_problem",
    "hostname_problem",
    "ip_address",
    "ipv4_problem",
    "ipv6_problem",
    "is_valid_url",
    "parse_datetime",
    "punycode_to_ascii",
    "punycode_to_unicode",
    "split_host_port",
    "time_problem",
    "uri_problem",
    "url_host",
    "url_key",
    "url_problem",
    "whatwg_ipv4",
]


FORMAT_CHECKS: dict[str, Callable[[str], FormatProblem | None]] = {
    "date-time": datetime_problem,
    "date": date_problem,
    "time": time_problem,
    "iri": url_problem,
    "uri": uri_problem,
    "hostname": hostname_plain_problem,
    "idn-hostname": hostname_idn_problem,
    "ipv4": ipv4_problem,
    "ipv6": ipv6_problem,
}
"""Every format seedlint checks itself, by name; others are left to no one (jsonschema's
defaults would make the verdict depend on which optional packages are installed)."""
