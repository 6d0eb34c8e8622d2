"""Editorial smells (C011-C014): near misses stay clean, so the rules can be trusted."""

from __future__ import annotations

import pytest

from seedlint.linter import lint_text
from seedlint.rules.editorial import without_tracking
from tests.conftest import CASES, FIXED_NOW

SEED = (CASES / "valid" / "minimal.txt").read_text(encoding="utf-8")
TITLE = 'title: "EU placing new restrictions on facial recognition exports"'
EXCERPT = 'excerpt: "The European Union is working on a plan to tighten export criteria."'
RELATED = """related:
  - title: "Police trial facial recognition"
    publishedDateTime: {when}
    webUrl: "{first}"
  - title: "Police trial facial recognition, part two"
    publishedDateTime: 2020-10-20T18:32:00Z
    webUrl: "{second}"
secured:"""


def _codes(text: str) -> list[tuple[int, int, str]]:
    found = lint_text(text, "x.txt", now=FIXED_NOW)
    return [(d.line, d.column, d.code) for d in found if d.code in {"C011", "C012", "C013", "C014"}]


def _with_related(when: str, first: str, second: str) -> str:
    head, _, tail = SEED.partition("secured:")
    return head + RELATED.format(when=when, first=first, second=second) + tail


@pytest.mark.parametrize(
    "title",
    [
        "NASA and ESA pick SpaceX for the next mission",  # acronyms in a normal title
        "EU AI ACT",  # capitals, but too short to be shouting
        "Is facial recognition legal?",
        "Wow! Police drop facial recognition",
        "Q&A: 5G, AI and the EU",
    ],
)
def test_normal_titles_are_not_shouting(title: str) -> None:
    assert _codes(SEED.replace(TITLE, f'title: "{title}"')) == []


@pytest.mark.parametrize(
    ("title", "column"),
    [("POLICE DROP FACIAL RECOGNITION TRIAL", 8), ("You won't believe this!!", 31)],
)
def test_shouting_titles_are_reported(title: str, column: int) -> None:
    assert _codes(SEED.replace(TITLE, f'title: "{title}"')) == [(3, column, "C012")]


@pytest.mark.parametrize(
    ("excerpt", "reported"),
    [
        ("EU placing new restrictions on facial recognition exports", True),
        ("eu placing new restrictions on facial-recognition exports …", True),
        ("EU placing new restrictions on facial recognition exports, officials said.", False),
        ("The European Union is working on a plan to tighten export criteria.", False),
    ],
)
def test_an_excerpt_is_reported_only_when_it_is_the_title_again(
    excerpt: str, reported: bool
) -> None:
    found = _codes(SEED.replace(EXCERPT, f'excerpt: "{excerpt}"'))
    assert found == ([(4, 10, "C011")] if reported else [])


@pytest.mark.parametrize(
    ("when", "reported"),
    [
        ("2020-10-21T14:04:00Z", False),
        ("2019-10-20T00:00:01Z", False),  # 364 days: still the same story's year
        ("2021-10-20T00:00:00Z", True),
        ("2002-10-21T14:04:00Z", True),
    ],
)
def test_related_dates_more_than_a_year_away(when: str, reported: bool) -> None:
    url = "https://www.nytimes.com/a.html"
    text = _with_related(when, url, "https://www.nytimes.com/b.html")
    assert bool(_codes(text)) == reported


@pytest.mark.parametrize(
    ("first", "second", "reported"),
    [
        ("https://ex.com/a?utm_source=x", "https://ex.com/a", True),
        ("https://ex.com/a?id=3&fbclid=Zx", "https://EX.com/a?id=3", True),
        ("https://ex.com/a?page=1", "https://ex.com/a?page=2", False),  # other pages
        ("https://ex.com/a?utm_source=x", "https://ex.com/b", False),
        ("https://ex.com/a?mod=rss", "https://ex.com/a", False),  # not a known tracker
    ],
)
def test_related_urls_equal_apart_from_tracking(first: str, second: str, reported: bool) -> None:
    found = _codes(_with_related("2020-10-21T14:04:00Z", first, second))
    assert found == ([(29, 13, "C014")] if reported else [])


def test_without_tracking_keeps_the_other_parameters_in_order() -> None:
    url = "https://Ex.com/p?b=2&utm_medium=social&a=1&gclid=x#top"
    assert without_tracking(url) == "https://ex.com/p?b=2&a=1"
