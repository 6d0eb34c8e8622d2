"""Editorial smells: values a schema accepts that an editor of a news corpus would not.

Each check is narrow on purpose (few false positives on real corpora): an
excerpt that only repeats its title, a shouting title, a related article
published far from the article it is related to, and two related articles
that are one page apart from tracking parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Severity
from seedlint.formats import is_valid_url, parse_datetime, url_key
from seedlint.rules.fields import articles, position_in_value, text_at
from seedlint.rules.messages import describe_path

if TYPE_CHECKING:
    from seedlint.document import JsonPath, SeedDocument
    from seedlint.rules.context import CheckContext

EXCERPT_REPEATS_TITLE = Rule(
    "C011",
    "excerpt-repeats-title",
    "An excerpt says nothing but its title again.",
    """
    The excerpt is shown under the title in lists and previews; when it is the
    title again (ignoring case, punctuation and a trailing ellipsis) readers
    see the same line twice and learn nothing. Usually a scraper fell back to
    the title when the page had no description. A warning.
    """,
    example="""
    ---
    title: "EU restricts facial recognition exports"
    excerpt: "EU restricts facial recognition exports..."
    ---
    """,
    use_instead="""
    ---
    title: "EU restricts facial recognition exports"
    excerpt: "The EU tightens export criteria for surveillance technology."
    ---
    """,
    severity=Severity.WARNING,
)
SHOUTING_TITLE = Rule(
    "C012",
    "shouting-title",
    "A title is in capitals, or uses clickbait punctuation (`!!`, `?!`).",
    """
    Headlines in capitals or with repeated `!`/`?` read as shouting, look
    out of place beside the other titles of a feed, and are a sign of a
    clickbait source. Capitals are reported when the title has at least
    three words and twelve letters and none of them is lower case, so
    acronyms such as `NASA` or `EU` in a normal title are fine. A warning.
    """,
    example="""
    ---
    title: "EU RESTRICTS FACIAL RECOGNITION EXPORTS"
    ---
    """,
    use_instead="""
    ---
    title: "EU restricts facial recognition exports"
    ---
    """,
    severity=Severity.WARNING,
)
RELATED_FAR_IN_TIME = Rule(
    "C013",
    "related-far-in-time",
    "A related article was published more than a year before or after the seed.",
    """
    Related articles are the coverage around the same story: days or weeks
    apart. One dated more than 365 days from the seed's `publishedDateTime`
    is most often a wrong date (a year typo) or a stale link picked up by a
    search. A warning.
    """,
    example="""
    ---
    publishedDateTime: 2020-10-19T00:00:00Z
    related:
      - title: "Police trial facial recognition"
        publishedDateTime: 2002-10-20T18:32:00Z
    ---
    """,
    use_instead="""
    ---
    publishedDateTime: 2020-10-19T00:00:00Z
    related:
      - title: "Police trial facial recognition"
        publishedDateTime: 2020-10-20T18:32:00Z
    ---
    """,
    severity=Severity.WARNING,
)
TRACKING_DUPLICATE = Rule(
    "C014",
    "related-same-page-with-tracking",
    "A related webUrl is the seed's or another related article's apart from tracking parameters.",
    """
    `?utm_source=...`, `fbclid`, `gclid` and similar parameters only tell
    analytics where a click came from: two URLs that differ only by them are
    the same page, listed twice (or the seed itself). Exact repeats are C008
    and C009. Remove the repeat, and prefer the URL without tracking.
    """,
    example="""
    ---
    related:
      - webUrl: "https://www.wsj.com/articles/clearview-11603217327"
      - webUrl: "https://www.wsj.com/articles/clearview-11603217327?utm_source=twitter"
    ---
    """,
    use_instead="""
    ---
    related:
      - webUrl: "https://www.wsj.com/articles/clearview-11603217327"
    ---
    """,
)
RULES = (EXCERPT_REPEATS_TITLE, SHOUTING_TITLE, RELATED_FAR_IN_TIME, TRACKING_DUPLICATE)

FAR_IN_TIME = timedelta(days=365)
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid"}
    | {"igshid", "_hsenc", "_hsmi", "mkt_tok"}
)
"""Besides every ``utm_*``: click identifiers of ad and mail platforms."""

_TRACKING_HINT = re.compile(
    "[?&;](?:utm_|" + "|".join(sorted(TRACKING_PARAMETERS)) + ")", re.IGNORECASE
)
_NOT_WORD = re.compile(r"[\W_]+")
_ELLIPSIS = re.compile(r"(?:\.{3}|…)\s*$")
_CLICKBAIT = re.compile(r"[!?]*(?:!!|\?!|!\?|\?\?)[!?]*")


def check_editorial(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """C011-C014 on the seed and each related article."""
    for base, _ in articles(document):
        title = text_at(document, (*base, "title"))
        if title is not None:
            if title == title.upper() or "!" in title or "?" in title:  # else it is fine
                yield from _check_title(document, (*base, "title"), title)
            where: JsonPath = (*base, "excerpt")
            excerpt = text_at(document, where)
            if (
                excerpt is not None
                and len(excerpt) <= 2 * len(title) + 8  # else it says more than the title
                and _plain_words(excerpt) == _plain_words(title) != ""
            ):
                span = document.values[where]
                message = f"{describe_path(where)} only repeats the title; expected a summary of the article"
                yield EXCERPT_REPEATS_TITLE.at(document.path, span.line, span.column, message)
    yield from _check_related_dates(document)
    yield from _check_tracking_duplicates(document)


def _plain_words(text: str) -> str:
    """Lower-case words only: what two texts "say the same" is compared by."""
    return _NOT_WORD.sub(" ", _ELLIPSIS.sub("", text)).strip().casefold()


def _check_title(document: SeedDocument, path: JsonPath, title: str) -> Iterator[Diagnostic]:
    if title == title.upper():  # no lower-case letter: only then count (most titles have one)
        cased = [char for char in title if char.isupper() or char.islower()]
        words = [word for word in title.split() if sum(char.isupper() for char in word) >= 2]
        if len(cased) >= 12 and len(words) >= 3 and not any(char.islower() for char in cased):
            span = document.values[path]
            message = (
                f"{describe_path(path)} is all in capitals; write it in sentence or title case"
            )
            yield SHOUTING_TITLE.at(document.path, span.line, span.column, message)
            return
    if "!" not in title and "?" not in title:
        return
    match = _CLICKBAIT.search(title)
    if match is not None:
        line, column = position_in_value(document, path, match.start())
        message = f'{describe_path(path)} has clickbait punctuation "{match.group()}"; expected at most one ! or ?'
        yield SHOUTING_TITLE.at(document.path, line, column, message)


def _check_related_dates(document: SeedDocument) -> Iterator[Diagnostic]:
    own_text = text_at(document, ("publishedDateTime",))
    own = parse_datetime(own_text) if own_text is not None else None
    if own is None:
        return
    for base, _ in articles(document):
        if not base:
            continue
        path = (*base, "publishedDateTime")
        text = text_at(document, path)
        when = parse_datetime(text) if text is not None else None
        if when is None or abs(when - own) <= FAR_IN_TIME:
            continue
        days = abs(when - own).days
        side = "before" if when < own else "after"
        span = document.values[path]
        message = (
            f'{describe_path(path)} "{text}" is {days} days {side} the seed\'s '
            f'publishedDateTime "{own_text}"; expected coverage of the same story (within 365 days)'
        )
        yield RELATED_FAR_IN_TIME.at(document.path, span.line, span.column, message)


def _web_url_paths(document: SeedDocument) -> Iterator[JsonPath]:
    for base, _ in articles(document):
        yield (*base, "webUrl")


def without_tracking(url: str) -> str:
    """``url_key(url)`` with ``utm_*`` and click-identifier query parameters removed."""
    key = url_key(url)
    try:
        parts = urlsplit(key)
    except ValueError:
        return key
    if not parts.query:
        return key
    kept = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not (name.lower().startswith("utm_") or name.lower() in TRACKING_PARAMETERS)
    ]
    query = f"?{urlencode(kept)}" if kept else ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}{query}"


def _has_tracking(url: str) -> bool:
    return without_tracking(url) != url_key(url)


def _check_tracking_duplicates(document: SeedDocument) -> Iterator[Diagnostic]:
    urls = [
        (path, url)
        for path, url in ((path, text_at(document, path)) for path in _web_url_paths(document))
        if url is not None
    ]
    # A finding needs one URL with a tracking parameter; most seeds have none.
    if not any(_TRACKING_HINT.search(url) for _, url in urls):
        return
    seen: dict[str, tuple[str, JsonPath]] = {}
    for path, url in urls:
        if not is_valid_url(url):
            continue
        stripped = without_tracking(url)
        first = seen.get(stripped)
        if first is None:
            seen[stripped] = (url, path)
            continue
        first_url, first_path = first
        if url_key(first_url) == url_key(url) or not (
            _has_tracking(url) or _has_tracking(first_url)
        ):
            continue  # the very same page: C008 / C009 report it
        span = document.values[path]
        first_span = document.values[first_path]
        message = (
            f'{describe_path(path)} "{url}" is {describe_path(first_path)} '
            f"(line {first_span.line}) apart from tracking parameters; list the page once"
        )
        yield TRACKING_DUPLICATE.at(document.path, span.line, span.column, message)
