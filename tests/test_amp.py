"""AMP cache URLs against the examples of ampproject's reference implementation and docs."""

from __future__ import annotations

import re

import pytest

from seedlint.amp import cache_subdomain, cache_url
from tests.conftest import REAL_SEED

LONG_HOST = (
    "itwasadarkandstormynight.therainfellintorrents.exceptatoccasionalintervals"
    "whenitwascheckedby.aviolentgustofwindwhichsweptupthestreets.com"
)


@pytest.mark.parametrize(
    ("host", "prefix"),
    [
        ("something.com", "something-com"),
        ("SOMETHING.COM", "something-com"),
        ("hello-world.com", "hello--world-com"),
        ("hello--world.com", "hello----world-com"),
        ("en-us.example.com", "0-en--us-example-com-0"),  # "--" at positions 3-4 is wrapped
        ("xn--bcher-kva.ch", "xn--bcher-ch-65a"),  # IDN, punycode form
        ("bücher.ch", "xn--bcher-ch-65a"),  # IDN, Unicode form: same prefix
        ("點看.com", "xn---com-k47jg78q"),
        (
            "xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c",
            "xn-------i5fvcbaopc6fkc0de0d9jybegt6cd",
        ),
        # Hashed fallback: no dot, a mix of LTR and RTL, longer than 63 characters.
        ("toplevelnohyphens", "qsgpfjzulvuaxb66z77vlhb5gu2irvcnyp6t67cz6tqo5ae6fysa"),
        ("no-dot-domain", "4lxc7wqq7b25walg4rdiil62veijrmqui5z3ept2lyfqqwpowryq"),
        (
            "hello.xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c",
            "a6h5moukddengbsjm77rvbosevwuduec2blkjva4223o4bgafgla",
        ),
        (LONG_HOST, "dgz4cnrxufaulnwku4ow5biptyqnenjievjht56hd7wqinbdbteq"),
    ],
)
def test_domain_prefix(host: str, prefix: str) -> None:
    assert cache_subdomain(host) == prefix


def test_fallback_is_a_valid_dns_label() -> None:
    prefix = cache_subdomain(LONG_HOST)
    assert prefix is not None
    assert len(prefix) == 52
    assert re.fullmatch(r"[a-z2-7]{52}", prefix)


def test_prefix_just_over_63_characters_falls_back() -> None:
    host = "a" * 30 + "." + "b" * 28 + ".com"  # 63 characters, prefix 63: human readable
    assert cache_subdomain(host) == host.replace(".", "-")
    longer = "a" * 31 + "." + "b" * 28 + ".com"  # 64 characters: hashed
    assert len(cache_subdomain(longer) or "") == 52


@pytest.mark.parametrize(
    ("url", "cached"),
    [
        (
            "https://www.example.com",
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com",
        ),
        ("http://www.example.com", "https://www-example-com.cdn.ampproject.org/c/www.example.com"),
        (
            "http://www.example.com/index.html",
            "https://www-example-com.cdn.ampproject.org/c/www.example.com/index.html",
        ),
        (
            "https://example.com/g?value=Hello%20World",
            "https://example-com.cdn.ampproject.org/c/s/example.com/g?value=Hello%20World",
        ),
        ("https://點看.com", "https://xn---com-k47jg78q.cdn.ampproject.org/c/s/點看.com"),
        (
            "https://amp.dev/documentation/examples/api/query?value=Hello%20World",
            "https://amp-dev.cdn.ampproject.org/c/s/amp.dev/documentation/examples/api/query?value=Hello%20World",
        ),
    ],
)
def test_cache_url(url: str, cached: str) -> None:
    assert cache_url(url) == cached


@pytest.mark.parametrize(
    "url", ["https://example.com:8443/a", "https://u:p@example.com/", "ftp://x.com/"]
)
def test_no_cache_url(url: str) -> None:
    assert cache_url(url) is None


def test_every_cdn_url_of_the_real_seed_matches() -> None:
    text = REAL_SEED.read_text(encoding="utf-8")
    pairs = re.findall(r'ampWebUrl: "([^"]+)"\n\s+cdnAmpWebUrl: "([^"]+)"', text)
    assert len(pairs) == 5
    for amp_url, cdn_url in pairs:
        assert cache_url(amp_url) == cdn_url
