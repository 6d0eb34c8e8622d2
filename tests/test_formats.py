"""Date, host and URL checks: the flaws the standards' suites found, one test each.

Everything goes through the functions the rules and the schema use
(``formats.datetime_problem``, ``formats.url_problem``, ``amp.cache_url``) or
through ``lint_text``, and asserts on faults and rule codes, not wording.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedlint import amp, formats, lint_text
from seedlint.config import Config
from seedlint.formats import Fault
from tests.conftest import CASES, FIXED_NOW


def fault(problem: formats.FormatProblem | None) -> Fault | None:
    return problem.fault if problem is not None else None


@pytest.mark.parametrize(
    "text",
    [
        "1963-06-1\u09ea" + "T00:00:00Z",  # a Bengali 4
        "\uff12\uff10\uff12\uff14-01-01T00:00:00Z",  # full-width 2024
        "2024-01-01T00:00:00+0\u0665:00",  # an Arabic-Indic 5 in the offset
        "2024-01-01T00:00:00.\u0661Z",  # and in the fraction
    ],
)
def test_dates_take_ascii_digits_only(text: str) -> None:
    assert fault(formats.datetime_problem(text)) is Fault.DATE_TIME
    assert formats.parse_datetime(text) is None


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("1998-12-31T23:59:60Z", True),
        ("1998-12-31T22:59:60Z", False),  # a leap second only ends the UTC day
        ("1999-01-01T05:29:60+05:30", True),  # 23:59:60 UTC
        ("1998-12-31T15:59:60.123-08:00", True),
        ("1998-12-31T23:59:60+01:00", False),  # 22:59:60 UTC
        ("1998-12-31T23:58:60Z", False),
    ],
)
def test_leap_seconds_only_at_the_end_of_the_utc_day(text: str, valid: bool) -> None:
    assert (formats.datetime_problem(text) is None) is valid


def test_missing_offset_is_its_own_fault() -> None:
    assert fault(formats.datetime_problem("2020-01-01T00:00:00")) is Fault.NO_OFFSET


def test_leap_second_parses_to_the_last_second_before_it() -> None:
    parsed = formats.parse_datetime("1999-01-01T05:29:60+05:30")
    assert parsed is not None and parsed.second == 59


@pytest.mark.parametrize(
    "url",
    ["http://example.com:\uff18\uff10/", "http://example.com:\u0668\u0660/"],
)
def test_ports_take_ascii_digits_only(url: str) -> None:
    assert fault(formats.url_problem(url)) is Fault.PORT


@pytest.mark.parametrize(
    "url",
    [
        "http://0xffffffff1",
        "https://0x100000000/test",
        "http://foo.0x4",
        "http://foo.09",
        "https://999.999.999.999/",
        "http://\uff11\uff12\uff17.0.0.1/",  # full-width digits in an address
        "http://[::%31]",  # a zone ID
        "http://[fe80::1%25eth0]/",
        "http://[V1.fe]",  # IPvFuture: a clear host verdict, not "cannot be parsed"
        "http://[::1/",
    ],
)
def test_host_verdicts_follow_browsers(url: str) -> None:
    assert fault(formats.url_problem(url)) is Fault.HOST


def test_ipv4_in_an_unusual_spelling_is_named() -> None:
    problem = formats.url_problem("http://0x7f.1/")
    assert problem is not None and problem.fault is Fault.HOST and "127.0.0.1" in problem.reason
    assert formats.whatwg_ipv4("0x7f.1") == "127.0.0.1"
    assert formats.whatwg_ipv4("2130706433") == "127.0.0.1"
    assert formats.whatwg_ipv4("foo.0x4") is None


@pytest.mark.parametrize(
    "unicode",
    [
        "b\u00fccher.ch",  # valid
        "\u5b9f\u4f8b.\u30c6\u30b9\u30c8",  # valid
        "a\u00b7l.com",  # MIDDLE DOT without an l before it
        "\u0301hello.com",  # starts with a combining mark
        "0a.\u05d0",  # bidi rule broken by the first label
        "\u26a1\U0001f60a.com",  # emoji: not IDNA 2008
    ],
)
def test_a_host_gets_one_verdict_in_unicode_and_punycode(unicode: str) -> None:
    punycode = formats.punycode_to_ascii(unicode)
    assert punycode != unicode
    first = formats.url_problem(f"https://{unicode}/")
    second = formats.url_problem(f"https://{punycode}/")
    assert fault(first) is fault(second)


@pytest.mark.parametrize(
    "host", ["xn--X", "xn--hello-zed", "xn--al-0ea", "XN--aa---o47jg78q", "xn--0ca24w"]
)
def test_a_labels_are_decoded_and_checked(host: str) -> None:
    assert fault(formats.url_problem(f"https://{host}.com/")) is Fault.HOST


def test_bidi_rule_covers_the_whole_domain() -> None:
    assert fault(formats.url_problem("https://0a.\u05d0/")) is Fault.HOST
    assert formats.url_problem("https://a.\u05d0\u05d1/") is None


def test_ascii_host_is_the_one_idna_path() -> None:
    assert formats.ascii_host("B\u00dcCHER.ch.") == "xn--bcher-kva.ch"
    assert formats.ascii_host("xn--bcher-kva.ch") == "xn--bcher-kva.ch"
    assert formats.ascii_host("xn--al-0ea.com") is None


def test_uri_is_ascii_only_and_iri_is_not() -> None:
    iri = "https://example.org/foobar\u00ae.txt"
    assert formats.url_problem(iri) is None
    assert fault(formats.uri_problem(iri)) is Fault.CHARACTER


def test_ip_address_of_hosts() -> None:
    assert str(formats.ip_address("[::1]")) == "::1"
    assert str(formats.ip_address("10.0.0.1")) == "10.0.0.1"
    assert formats.ip_address("example.com") is None
    assert formats.ip_address("[::%31]") is None


# --- AMP cache URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://example.com:443/a", "https://example.com:0443/a", "https://EXAMPLE.com/a"]
)
def test_default_https_port_is_the_same_page(url: str) -> None:
    assert amp.cache_url(url) == "https://example-com.cdn.ampproject.org/c/s/example.com/a"


def test_default_http_port_is_the_same_page() -> None:
    assert amp.cache_url("http://example.com:80/") == (
        "https://example-com.cdn.ampproject.org/c/example.com/"
    )


def test_emoji_domain_gets_the_cache_url_whatever_idna_says() -> None:
    assert formats.url_problem("https://\u26a1\U0001f60a.com/") is not None
    assert amp.cache_subdomain("\u26a1\U0001f60a.com") == "xn---com-p33b41770a"
    punycode = formats.punycode_to_ascii("\u26a1\U0001f60a.com")
    assert amp.cache_subdomain(punycode) == "xn---com-p33b41770a"
    assert amp.cache_url(f"https://{punycode}/a") == (
        f"https://xn---com-p33b41770a.cdn.ampproject.org/c/s/{punycode}/a"
    )


def test_long_label_with_a_non_ascii_letter_gets_the_hashed_fallback() -> None:
    host = "\u00fc" + "a" * 59 + ".com"
    prefix = amp.cache_subdomain(host)
    assert prefix is not None and len(prefix) == 52
    assert prefix == amp.cache_subdomain(formats.punycode_to_ascii(host))


# --- The rules turn faults into findings ------------------------------------------------


def _codes(text: str, config: Config | None = None) -> list[str]:
    return [d.code for d in lint_text(text, "s.txt", config, now=FIXED_NOW)]


def _seed(**replace: str) -> str:
    text = (CASES / "valid" / sorted(p.name for p in (CASES / "valid").iterdir())[0]).read_text(
        encoding="utf-8"
    )
    for key, value in replace.items():
        lines = text.splitlines(keepends=True)
        text = "".join(
            f"{key}: {value}\n" if line.startswith(f"{key}:") else line for line in lines
        )
    return text


def test_date_rule_reports_without_format_in_a_custom_schema(tmp_path: Path) -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    config = Config(schema=tmp_path / "schema.json")
    text = _seed(publishedDateTime='"2020-13-19T00:00:00Z"', webUrl='"https://[V1.fe]/"')
    assert sorted(_codes(text, config)) == ["D001", "U007"]
    assert sorted(_codes(text)) == ["D001", "U007"]  # the packaged schema: once each, not twice


def test_custom_schema_uri_format_is_ascii_only(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "webUrl": {"type": "string", "format": "uri"},
            "homepage": {"type": "string", "format": "uri"},
            "embargo": {"type": "string", "format": "date-time"},
        },
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    config = Config(schema=tmp_path / "schema.json")
    text = _seed()
    web_url = next(line for line in text.splitlines() if line.startswith("webUrl:"))
    text = text.replace(
        web_url, web_url.rstrip('"') + '\u00ae"' if web_url.endswith('"') else web_url + "\u00ae"
    )
    text = text.replace("---\n", '---\nhomepage: "https://b\u00fccher.ch/"\nembargo: "x"\n', 1)
    assert sorted(_codes(text, config)) == ["D001", "U003", "U003"]


def test_emoji_amp_page_gets_u007_and_its_cache_url_checked() -> None:
    text = (CASES / "U011_wrong_cdn.txt").read_text(encoding="utf-8")
    amp_line = next(line for line in text.splitlines() if "ampWebUrl:" in line)
    cdn_line = next(line for line in text.splitlines() if "cdnAmpWebUrl:" in line)
    emoji = "https://\u26a1\U0001f60a.com/a"
    expected = amp.cache_url(emoji)
    assert expected == "https://xn---com-p33b41770a.cdn.ampproject.org/c/s/\u26a1\U0001f60a.com/a"
    text = text.replace(amp_line, f'    ampWebUrl: "{emoji}"')
    assert sorted(_codes(text)) == ["U007", "U011"]
    text = text.replace(cdn_line, f'    cdnAmpWebUrl: "{expected}"')
    assert sorted(_codes(text)) == ["U007"]


def test_format_code_never_matches_unicode_digits() -> None:
    """``\\d`` on text and ``str.isdigit`` accept every Unicode digit; these modules must not use them."""
    src = Path(formats.__file__).parent.parent
    modules = [*sorted((src / "formats").glob("*.py")), src / "amp.py"]
    modules += [src / "rules" / "dates.py", src / "rules" / "urls.py"]
    for module in modules:
        code = module.read_text(encoding="utf-8")
        assert "\\d" not in code.replace("\\\\d", ""), module
        assert ".isdigit(" not in code and ".isdecimal(" not in code, module
