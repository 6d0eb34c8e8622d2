"""Where a seed uses URLs: what the online rules need to place their findings.

The per-file pass records each URL a document uses (with its position, and
for images the declared size and where it stands); the probe engine sees
only the distinct URLs, and the online rules (``links``, ``images``) map each
probe result back to every use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seedlint.document import JsonPath, SeedDocument, Span
from seedlint.formats import is_valid_url
from seedlint.rules.fields import URL_KEYS, articles


@dataclass(frozen=True)
class UrlUse:
    """One place in one file where a URL is used."""

    path: str
    json_path: JsonPath
    url: str
    line: int
    column: int
    image: bool = False
    declared: tuple[int, int] | None = None
    """For images: the declared (width, height), when both are integers."""
    size_spans: tuple[tuple[int, int], tuple[int, int]] | None = None
    """For images: text offsets of the width and height values, for --fix."""


def collect_url_uses(document: SeedDocument) -> list[UrlUse]:
    """Every well-formed URL of the seed and its related items (malformed ones are findings already)."""
    uses: list[UrlUse] = []
    for base, article in articles(document):
        for field in URL_KEYS:
            use = _use(document, (*base, field), article.get(field))
            if use is not None:
                uses.append(use)
        images = article.get("images")
        for index, image in enumerate(images if isinstance(images, list) else []):
            if isinstance(image, dict):
                use = _image_use(document, (*base, "images", index), image)
                if use is not None:
                    uses.append(use)
    return uses


def _use(document: SeedDocument, json_path: JsonPath, url: Any) -> UrlUse | None:
    if not isinstance(url, str) or not is_valid_url(url):
        return None
    span = document.position(json_path)
    return UrlUse(document.path, json_path, url, span.line, span.column)


def _image_use(document: SeedDocument, base: JsonPath, image: dict[str, Any]) -> UrlUse | None:
    use = _use(document, (*base, "url"), image.get("url"))
    if use is None:
        return None
    width, height = image.get("width"), image.get("height")
    # bool is an int subclass, and `width: true` is no size.
    if type(width) is not int or type(height) is not int:
        return UrlUse(use.path, use.json_path, use.url, use.line, use.column, image=True)
    width_path, height_path = (*base, "width"), (*base, "height")
    width_span: Span = document.values[width_path]
    height_span: Span = document.values[height_path]
    spans = ((width_span.start, width_span.end), (height_span.start, height_span.end))
    plain = document.styles.get(width_path) == "" and document.styles.get(height_path) == ""
    return UrlUse(
        use.path,
        use.json_path,
        use.url,
        use.line,
        use.column,
        image=True,
        declared=(width, height),
        size_spans=spans if plain else None,
    )


def quoted(url: str) -> str:
    """A URL as messages quote it (long ones shortened)."""
    return f'"{url}"' if len(url) <= 100 else f'"{url[:97]}..."'
