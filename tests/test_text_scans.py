"""The plain-string scans on hot paths agree with the regular expressions they replace."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.document.decoding import control_characters
from seedlint.document.frontmatter import closing_line
from seedlint.formats.dates import datetime_problem, parse_datetime
from seedlint.formats.urls import (
    _split_url_key,
    _url_problem,
    authority_of,
    url_host,
    url_key,
    url_problem,
)
from seedlint.suppressions import Suppressions, may_suppress, parse_suppressions

_URLISH = st.text(alphabet=st.sampled_from("ab/?#:@[]%.Ss"), max_size=24)
_MENTION = re.compile(r"#\s*seedlint", re.IGNORECASE)


@given(_URLISH)
def test_authority_of_matches_a_regex_split(rest: str) -> None:
    assert authority_of(rest) == re.split(r"[/?#]", rest, maxsplit=1)[0]


def test_url_host_and_problem_on_examples() -> None:
    assert url_host("https://user@Example.com:8443/a?b#c") == "Example.com"
    assert url_host("https://[::1]:80#x") == "[::1]"
    assert url_problem("https://example.com?q") is None
    assert url_problem("https://?q") is not None


@given(st.text(alphabet=st.sampled_from("seEdDlLiInNtT #\t\u3000\u017f\u0130\u0131x"), max_size=20))
def test_may_suppress_matches_a_case_insensitive_search(text: str) -> None:
    assert may_suppress(text) == (_MENTION.search(text) is not None)


_SPACE = st.sampled_from(["", " ", "\t", "\u3000", "\n"])
_COMMENTISH = st.tuples(
    st.sampled_from(["", "title: x ", "- ", "x", '"#', "---\n"]),
    st.sampled_from(["#", "", "##"]),
    _SPACE,
    st.sampled_from(["seedlint", "SeedLint", "\u017feedlint", "seedlin", "SEEDLINT"]),
    st.sampled_from([":", "", ": "]),
    _SPACE,
    st.sampled_from(["ignore", "IGNORE", "ignor"]),
    st.sampled_from(["", "[C003]", "[E,nope]", "[]"]),
).map("".join)


@given(st.lists(_COMMENTISH, max_size=4).map("\n".join))
def test_may_suppress_is_true_wherever_a_comment_is_found(text: str) -> None:
    if not may_suppress(text):
        assert parse_suppressions(text) == Suppressions({}, frozenset())


def test_may_suppress_sees_any_case_and_the_long_s() -> None:
    assert may_suppress("# SeedLint: ignore")
    assert may_suppress("title: x  #\u3000SEEDLINT: ignore[C003]")
    assert may_suppress("# \u017feedlint: ignore") == (
        _MENTION.search("# \u017feedlint") is not None
    )
    assert not may_suppress("title: seedling")
    assert not may_suppress("title: seedlint is not a comment # but this is")


_URL_TEXT = st.tuples(
    st.sampled_from(
        ["https://", "HTTP://", "hTtPs://", "http:/", "ftp://", "https:", "", "h1+.x://"]
    ),
    st.one_of(
        st.from_regex(r"[A-Za-z0-9.-]{1,12}", fullmatch=True),
        st.text(alphabet=st.sampled_from("aZz09.-:@[]%é\u0430_ \t"), max_size=12),
    ),
    st.one_of(
        st.from_regex(r"(?:[/?#][a-zA-Z0-9/?#=&.é顔%-]{0,16})?", fullmatch=True),
        st.text(alphabet=st.sampled_from('/?#%aF0g.=&é顔 \t\n<>"{}|\\^`\x7f\x85\x00'), max_size=16),
    ),
).map("".join)


@settings(max_examples=500)
@given(_URL_TEXT)
def test_url_problem_one_match_agrees_with_the_steps(text: str) -> None:
    assert url_problem.__wrapped__(text) == _url_problem(text)


@settings(max_examples=500)
@given(_URL_TEXT)
def test_url_key_agrees_with_urlsplit(text: str) -> None:
    assert url_key.__wrapped__(text) == _split_url_key(text)


def test_url_key_on_examples() -> None:
    assert url_key("HTTPS://WWW.Example.com:443?Q#F") == "https://www.example.com:443/?Q"
    assert url_key("https://www.example.com/A?#f") == "https://www.example.com/A"
    assert url_key("https://U@Example.com/A") == "https://U@Example.com/A"


@given(st.text(alphabet=st.sampled_from("-\n\r \tx"), max_size=30), st.integers(0, 6))
def test_closing_line_matches_a_multiline_regex(text: str, start: int) -> None:
    start = min(start, len(text))
    found = re.compile(r"^---[ \t]*\r?$", re.MULTILINE).search(text, start)
    assert closing_line(text, start) == (found.start() if found else -1)


def _parse_datetime_by_names(text: str) -> datetime | None:
    """parse_datetime as it was written first: each group by name (the reference)."""
    if datetime_problem(text) is not None:
        return None
    match = re.fullmatch(
        r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})(?P<sep>.)"
        r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?P<fraction>\.[0-9]+)?"
        r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))?",
        text,
        re.ASCII,
    )
    assert match is not None
    if match["offset"] in ("Z", "z"):
        minutes = 0
    else:
        minutes = int(match["off_hour"]) * 60 + int(match["off_minute"])
        minutes = -minutes if match["sign"] == "-" else minutes
    tz = timezone.utc if minutes == 0 else timezone(timedelta(minutes=minutes))
    fraction = match["fraction"] or ""
    return datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        min(int(match["second"]), 59),
        int((fraction[1:] + "000000")[:6]) if fraction else 0,
        tzinfo=tz,
    )


@given(
    st.from_regex(
        r"(19|20)[0-9]{2}-(0[0-9]|1[0-3])-[0-3][0-9][Tt ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]"
        r"(\.[0-9]{1,9})?([Zz]|[+-][0-2][0-9]:[0-6][0-9])?",
        fullmatch=True,
    )
)
def test_parse_datetime_reads_the_groups_as_the_named_version_did(text: str) -> None:
    parsed = parse_datetime.__wrapped__(text)
    expected = _parse_datetime_by_names(text)
    assert parsed == expected
    if parsed is not None and expected is not None:
        assert parsed.utcoffset() == expected.utcoffset()
        assert (parsed.tzinfo is timezone.utc) == (expected.tzinfo is timezone.utc)


_TEXT_WITH_CONTROLS = st.text(
    alphabet=st.one_of(
        st.sampled_from("\x00\x08\t\n\x0b\r\x1f \x7f\x80\x85\x9f\xa0\xc2é顔a"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
)


@given(_TEXT_WITH_CONTROLS, st.booleans())
def test_control_characters_by_bytes_agree_with_the_regex(text: str, bom: bool) -> None:
    raw = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    assert control_characters(text, "x", raw) == control_characters(text, "x")
