"""Hosts: names (IDNA 2008 with UTS #46 mapping, the one IDNA path), IPv4 and IPv6.

A host is judged as the WHATWG URL standard reads it: a last label that is a
number makes it an IPv4 address; ``xn--`` labels are decoded and checked like
the Unicode they stand for; the bidi rule covers the whole name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from seedlint.formats.problems import Fault, FormatProblem

if TYPE_CHECKING:
    import ipaddress


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII | re.IGNORECASE)
_NUMBER_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*", re.ASCII)
_DOTTED_QUAD = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])",
    re.ASCII,
)
_IPV_FUTURE = re.compile(r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9._~!$&'()*+,;=:-]+", re.ASCII)
_FULL_STOPS = (".", "\u3002", "\uff0e", "\uff61")  # the label separators UTS #46 maps to "."
_RTL_BIDI = frozenset(("R", "AL", "AN"))
MAX_HOST = 253
MAX_LABEL = 63


def host_problem(host: str) -> FormatProblem | None:
    """Why ``host`` (as written in a URL, brackets kept, no port) is not a valid host."""
    return _check_host(host)[1]


def ascii_host(host: str) -> str | None:
    """The lowercase ASCII (A-label) form of a valid host name, without a trailing dot;
    None when ``host`` is not a valid host name. The one IDNA path of seedlint."""
    name, problem = _check_host(host)
    return name if problem is None else None


@lru_cache(maxsize=4096)
def _check_host(host: str) -> tuple[str | None, FormatProblem | None]:
    if not host:
        return None, FormatProblem(Fault.NOT_ABSOLUTE, "has no host; expected https://host/path")
    if host.startswith("["):
        return None, _ip_literal_problem(host)
    if "%" in host:
        return None, _bad_host(host, "is percent-encoded; write the host as plain text")
    name = host[:-1] if host.endswith(".") else host
    if not name:
        return None, _bad_host(host, "is not a valid host name")
    if not name.isascii():
        return _check_international(host, name)
    name = name.lower()
    labels = name.split(".")
    if _NUMBER_LABEL.fullmatch(labels[-1]):
        return None, _ipv4_host_problem(host, name)
    if len(name) > MAX_HOST:
        return None, _bad_host(host, f"is longer than {MAX_HOST} characters")
    for label in labels:
        if not _HOST_LABEL.fullmatch(label):
            return None, _bad_host(host, "is not a valid host name")
    if any(label.startswith("xn--") for label in labels):
        return _check_international(host, name)
    return name, None


def _bad_host(host: str, why: str) -> FormatProblem:
    return FormatProblem(Fault.HOST, f"host {host!r} {why}")


def _ip_literal_problem(literal: str) -> FormatProblem | None:
    inside = literal[1:-1] if literal.endswith("]") else literal[1:]
    if not literal.endswith("]") or not inside:
        return _bad_host(literal, "has an unclosed or empty '['")
    if _IPV_FUTURE.fullmatch(inside):
        return _bad_host(literal, "is an IPvFuture address, which no browser or server can use")
    if "%" in inside:
        return _bad_host(literal, "has a zone identifier, which URLs do not allow")
    if ipv6_problem(inside) is not None:
        return _bad_host(literal, "is not a valid IPv6 address")
    return None


def _ipv4_host_problem(host: str, name: str) -> FormatProblem | None:
    """A host whose last label is a number is an IPv4 address (WHATWG URL standard)."""
    if _DOTTED_QUAD.fullmatch(name):
        return None
    address = whatwg_ipv4(name)
    if address is None:
        return _bad_host(
            host, "is not a valid IPv4 address (a host ending in a number is read as one)"
        )
    return _bad_host(host, f"is the IPv4 address {address} in an unusual spelling; write {address}")


def whatwg_ipv4(name: str) -> str | None:
    """The dotted-decimal address the WHATWG IPv4 parser reads in ``name``; None on failure.

    Parts may be decimal, octal (leading 0) or hex (0x); the last part fills the
    remaining bytes, so ``0x7f.1`` and ``2130706433`` are both 127.0.0.1.
    """
    parts = name.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    if any(number > 255 for number in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


_RADIX_DIGITS = {
    10: re.compile(r"[0-9]*", re.ASCII),
    8: re.compile(r"[0-7]*", re.ASCII),
    16: re.compile(r"[0-9A-Fa-f]*", re.ASCII),
}


def _ipv4_number(part: str) -> int | None:
    if not part:
        return None
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not part:
        return 0
    if not _RADIX_DIGITS[radix].fullmatch(part):
        return None
    return int(part, radix)


def _check_international(host: str, name: str) -> tuple[str | None, FormatProblem | None]:
    """IDNA 2008 with UTS #46 mapping, as browsers apply it; the bidi rule over the whole name.

    The ``idna`` package (the maintained IDNA 2008 implementation, also used by
    httpx) is imported only here: most hosts are plain ASCII and never get here.
    """
    import idna
    import idna.core

    try:
        mapped = idna.uts46_remap(name, std3_rules=True, transitional=False)
    except (idna.IDNAError, UnicodeError) as error:
        return None, _bad_host(host, f"is not a valid internationalized name ({error})")
    labels = mapped.split(".")
    if labels and labels[-1] == "" and len(labels) > 1:
        labels.pop()  # a trailing full stop written as an ideographic or full-width one
    if not name.isascii() and _NUMBER_LABEL.fullmatch(labels[-1]):
        return None, _bad_host(host, "is an IP address written with non-ASCII characters")
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    try:
        for label in labels:
            if not label:
                return None, _bad_host(host, "has an empty label")
            if label.startswith("xn--"):
                unicode_label = idna.decode(label)
                if unicode_label.isascii() or idna.encode(unicode_label).decode() != label:
                    return None, _bad_host(host, f"has an A-label {label!r} that is not canonical")
                if idna.uts46_remap(unicode_label, std3_rules=True) != unicode_label:
                    return None, _bad_host(host, f"has an A-label {label!r} that is not mapped")
                ascii_labels.append(label)
                unicode_labels.append(unicode_label)
            elif label.isascii():
                if not _HOST_LABEL.fullmatch(label):
                    return None, _bad_host(host, "is not a valid host name")
                ascii_labels.append(label)
                unicode_labels.append(label)
            else:
                ascii_labels.append(idna.alabel(label).decode("ascii"))
                unicode_labels.append(label)
        # RFC 5893: in a name with any right-to-left label, every label obeys the bidi rule.
        if any(_has_rtl(label) for label in unicode_labels):
            for label in unicode_labels:
                idna.core.check_bidi(label, check_ltr=True)
    except (idna.IDNAError, UnicodeError) as error:
        return None, _bad_host(host, f"is not a valid internationalized name ({error})")
    ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > MAX_HOST:
        return None, _bad_host(host, f"is longer than {MAX_HOST} characters in its ASCII form")
    return ascii_name, None


def _has_rtl(label: str) -> bool:
    if label.isascii():
        return False
    import unicodedata

    return any(unicodedata.bidirectional(char) in _RTL_BIDI for char in label)


@lru_cache(maxsize=1024)
def hostname_problem(text: str, *, idn: bool) -> FormatProblem | None:
    """The ``hostname`` (ASCII, A-labels checked) and ``idn-hostname`` formats."""
    if not idn and not text.isascii():
        return _bad_host(text, "is not ASCII; a hostname writes internationalized labels as xn--")
    if text.startswith("[") or text.endswith(_FULL_STOPS):
        return _bad_host(text, "is not a host name")
    return host_problem(text)


def ipv4_problem(text: str) -> FormatProblem | None:
    """The ``ipv4`` format: dotted decimal, four parts, no leading zeros, ASCII digits."""
    if _DOTTED_QUAD.fullmatch(text):
        return None
    return FormatProblem(Fault.ADDRESS, f"{text!r} is not a dotted-decimal IPv4 address")


def ipv6_problem(text: str) -> FormatProblem | None:
    """The ``ipv6`` format (RFC 4291 text forms; no zone identifier, ASCII only)."""
    if text.isascii() and "%" not in text:
        import ipaddress

        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            pass
        else:
            return None
    return FormatProblem(Fault.ADDRESS, f"{text!r} is not an IPv6 address")


def ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address of a valid IP host as written in a URL (``1.2.3.4`` or ``[::1]``), else None."""
    if host.startswith("[") and host.endswith("]"):
        inside = host[1:-1]
        if ipv6_problem(inside) is not None:
            return None
    else:
        inside = host[:-1] if host.endswith(".") else host
        if not _DOTTED_QUAD.fullmatch(inside):  # fails at the first letter of a name: cheap
            return None
    import ipaddress

    return ipaddress.ip_address(inside)


# --- Punycode without validation (the AMP cache URL algorithm) --------------------------


def punycode_to_unicode(name: str) -> str:
    """Decode each ``xn--`` label of ``name``; raises UnicodeError on bad punycode."""
    return ".".join(
        label[4:].encode("ascii").decode("punycode") if label.startswith("xn--") else label
        for label in name.split(".")
    )


def punycode_to_ascii(name: str) -> str:
    """Encode each non-ASCII label of ``name`` as ``xn--`` punycode, validating nothing
    (RFC 3492 ToASCII as JavaScript's ``punycode.toASCII`` does it)."""
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in name.split(".")
    )


def hostname_plain_problem(text: str) -> FormatProblem | None:
    """The ``hostname`` format: ASCII only, A-labels decoded and checked."""
    return hostname_problem(text, idn=False)


def hostname_idn_problem(text: str) -> FormatProblem | None:
    """The ``idn-hostname`` format: Unicode or A-labels, IDNA 2008 with UTS #46 mapping."""
    return hostname_problem(text, idn=True)
