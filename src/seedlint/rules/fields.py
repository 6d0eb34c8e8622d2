"""Where values live in a seed, and how to edit one scalar without touching its neighbours.

Shared by the date, URL and consistency rules: the seed itself and each of its
related articles are "articles" with the same date, URL and text fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from seedlint.document import JsonPath, SeedDocument, Span

URL_KEYS = ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl")
DATE_KEYS = ("publishedDateTime", "updatedDateTime")
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_UNKNOWN: Any = object()


def articles(document: SeedDocument) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    """The seed (path ``()``) and each related article that is a mapping."""
    data = document.data
    if not isinstance(data, dict):
        return
    yield (), data
    related = data.get("related")
    if isinstance(related, list):
        for index, item in enumerate(related):
            if isinstance(item, dict):
                yield ("related", index), item


def date_paths(document: SeedDocument) -> Iterator[JsonPath]:
    """Every date-time field present in the seed and its related articles."""
    for base, article in articles(document):
        for key in DATE_KEYS:
            if key in article:
                yield (*base, key)


def url_paths(document: SeedDocument) -> Iterator[JsonPath]:
    """Every URL field present in the seed and its related articles, image URLs included."""
    for base, article in articles(document):
        for key in URL_KEYS:
            if key in article:
                yield (*base, key)
        images = article.get("images")
        if isinstance(images, list):
            for index, image in enumerate(images):
                if isinstance(image, dict) and "url" in image:
                    yield (*base, "images", index, "url")


def _article_key(path: JsonPath) -> str | None:
    """The key of ``path`` when it names a field of the seed or of a related article."""
    if len(path) == 1 or (len(path) == 3 and path[0] == "related" and isinstance(path[1], int)):
        key = path[-1]
        return key if isinstance(key, str) else None
    return None


def is_date_path(path: JsonPath) -> bool:
    """True for the paths :func:`date_paths` yields (the date rule checks them itself)."""
    return _article_key(path) in DATE_KEYS


def is_url_path(path: JsonPath) -> bool:
    """True for the paths :func:`url_paths` yields (the URL rule checks them itself)."""
    if _article_key(path) in URL_KEYS:
        return True
    return (
        len(path) >= 3
        and path[-1] == "url"
        and isinstance(path[-2], int)
        and path[-3] == "images"
        and (len(path) == 3 or _article_key(path[:-2]) == "images")
    )


def text_at(document: SeedDocument, path: JsonPath) -> str | None:
    """The string at ``path`` if there is one (not ignored, with a recorded span).

    Rules ask for the same few fields many times per seed. The composer records
    every string as it reads it (``document.texts``), so a plain seed is never
    walked; a seed it could not vouch for (duplicate keys, aliases, tags) is walked
    once per path and the answer kept, since nothing changes a composed document.
    """
    texts = document.texts
    text = texts.get(path, _UNKNOWN)
    if text is _UNKNOWN:
        if document.texts_complete:
            return None
        text = texts[path] = _find_text(document, path)
    return text  # type: ignore[no-any-return]  # _UNKNOWN is handled above


def _find_text(document: SeedDocument, path: JsonPath) -> str | None:
    value: Any = document.data
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return None
        elif not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if not isinstance(value, str) or path in document.ignored or path not in document.values:
        return None
    return value


def inner_span(document: SeedDocument, path: JsonPath) -> tuple[int, int] | None:
    """Offsets of a single-line plain or quoted scalar's characters, without its quotes."""
    span = document.values.get(path)
    style = document.styles.get(path)
    if span is None or style is None or style in ("|", ">"):
        return None
    start, end = (span.start, span.end) if style == "" else (span.start + 1, span.end - 1)
    if end < start or "\n" in document.text[start:end] or "\r" in document.text[start:end]:
        return None
    return start, end


def raw_matches_value(document: SeedDocument, path: JsonPath, value: str) -> tuple[int, int] | None:
    """The inner span when the characters written are exactly the value (no escapes, no folding)."""
    inner = inner_span(document, path)
    if inner is None or document.text[inner[0] : inner[1]] != value:
        return None
    return inner


def position_in_value(document: SeedDocument, path: JsonPath, index: int) -> tuple[int, int]:
    """Line and column of character ``index`` of the value, or of the value's start."""
    span = document.values[path]
    value = text_at(document, path)
    inner = raw_matches_value(document, path, value) if value is not None else None
    if inner is None:
        return span.line, span.column
    offset = inner[0] + index
    line_start = document.text.rfind("\n", 0, offset) + 1
    return span.line, offset - line_start + 1


def quote_like(document: SeedDocument, path: JsonPath, value: str) -> str | None:
    """``value`` written as a scalar in the style of the one at ``path``; None if unsafe."""
    style = document.styles.get(path, '"')
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == "" and is_safe_plain(value):
        return value
    if style in ('"', "") and value.isprintable() and "\\" not in value:
        return '"' + value.replace('"', '\\"') + '"'
    return None


def is_safe_plain(value: str) -> bool:
    """True when ``value`` written plain reads back as the same string in any context."""
    if not value or value[0] in _PLAIN_INDICATORS or value[0].isspace() or value[-1].isspace():
        return False
    if ": " in value or " #" in value or value.endswith(":") or any(c in value for c in ",[]{}"):
        return False
    if not value.isprintable():
        return False
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag == "tag:yaml.org,2002:str"


def line_of(document: SeedDocument, span: Span) -> tuple[int, int, str]:
    """Start offset of the value's line, offset just past its end line, and that line's ending."""
    text = document.text
    line_start = text.rfind("\n", 0, span.start) + 1
    newline = text.find("\n", span.end)
    if newline < 0:
        return line_start, len(text), ""
    ending = "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"
    return line_start, newline + 1, ending
