"""The plain-string scans on hot paths agree with the regular expressions they replace."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from seedlint.formats.urls import authority_of, url_host, url_problem
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
