"""Rules about values that parse but are wrong, or disagree with each other.

Text fields are checked for blanks, stray whitespace, invisible characters and
leftovers of HTML or of a broken encoding; lists for repeats; ``secured`` for
the shape of an AES-CBC payload. C010 (the same webUrl in two seeds) compares
seeds with each other: :func:`web_url_entry` takes what it needs from one
document, :func:`check_duplicate_web_urls` compares; the engine
(:mod:`seedlint.cross_file`) gathers the entries of the project.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seedlint.catalogue import structure
from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Edit, Fix, Severity
from seedlint.document import JsonPath
from seedlint.formats import is_valid_url, url_key
from seedlint.rules.fields import (
    articles,
    inner_span,
    is_safe_plain,
    position_in_value,
    text_at,
)
from seedlint.rules.messages import describe_path

if TYPE_CHECKING:
    from seedlint.document import SeedDocument
    from seedlint.rules.context import CheckContext

BAD_SECURED = Rule(
    "C001",
    "invalid-secured-payload",
    "`secured` is not `<base64 ciphertext>;<base64 IV>` with a 16-byte IV and whole 16-byte blocks.",
    """
    `secured` holds an AES-CBC payload: the ciphertext and the initialisation
    vector, each base64-encoded, separated by `;`. The IV is exactly 16 bytes;
    the ciphertext is one or more whole 16-byte blocks. Anything else cannot
    be decrypted: usually a truncated copy, or the two parts swapped.
    (A value that is not two base64 runs at all is reported by E005.)

    The example's ciphertext is 30 bytes, not a whole number of blocks.
    """,
    example="""
    ---
    secured: "UafpsY0g2Qns9kkYjgvVyYKdozWXnDTApplhktgS;QROgCOwtdSfNyRnR3f8TXQ=="
    ---
    """,
    use_instead="""
    ---
    secured: "UafpsY0g2Qns9kkYjgvVyYKdozWXnDTApplhktgSdzU=;QROgCOwtdSfNyRnR3f8TXQ=="
    ---
    """,
)
BLANK_TEXT = Rule(
    "C002",
    "blank-text",
    "A text field (title, excerpt, name, topic ...) holds only whitespace.",
    """
    A value of spaces passes a non-empty check but shows nothing. (An empty
    value is E005.) Write the real text, or remove an optional key.
    """,
    example="""
    ---
    title: "   "
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    ---
    """,
)
SURROUNDING_WHITESPACE = Rule(
    "C003",
    "surrounding-whitespace",
    "A text field starts or ends with whitespace.",
    """
    Leading and trailing spaces (including no-break and other Unicode spaces)
    are invisible in review, break equality (`"AI "` is a different topic from
    `"AI"`) and make layouts jump. Fixable: the whitespace is removed from the
    value as written, when it can be edited without touching escapes or line folding.
    """,
    example="""
    ---
    title: " EU restricts facial recognition exports "
    ---
    """,
    use_instead="""
    ---
    title: "EU restricts facial recognition exports"
    ---
    """,
    fixable=True,
)
CONTROL_IN_TEXT = Rule(
    "C004",
    "control-character-in-text",
    "A text value contains a control character or an invisible bidirectional control.",
    """
    Escapes such as `"\\t"`, `"\\x07"` or `"\\u202e"` in a double-quoted value put
    control characters into the data without showing them in the file (raw
    ones are S010). They corrupt rendering and search, and bidirectional
    overrides can make text read differently than it is stored. A line break
    in an `excerpt` is allowed.
    """,
    example="""
    ---
    title: "EU restricts\\u202e facial recognition exports"
    ---
    """,
    use_instead="""
    ---
    title: "EU restricts facial recognition exports"
    ---
    """,
)
MARKUP_LEFTOVER = Rule(
    "C005",
    "markup-leftover",
    "A text value contains HTML tags or character references (`<b>`, `&amp;`, `&#39;`).",
    """
    Seed text is plain text: consumers escape it for display, so `&amp;`
    shows up literally as `&amp;` and `<b>` as `<b>`. These are leftovers of a
    scraper that copied HTML. A warning, since a title may really be about `<div>`.
    """,
    example="""
    ---
    title: "Q&amp;A: <b>facial recognition</b>"
    ---
    """,
    use_instead="""
    ---
    title: "Q&A: facial recognition"
    ---
    """,
    severity=Severity.WARNING,
)
MOJIBAKE = Rule(
    "C006",
    "mojibake",
    "A text value contains mojibake: UTF-8 decoded as Windows-1252 (`â€™`, `Ã©`).",
    """
    Text that went through a wrong decoding step shows sequences like `â€™`
    for a right single quote or `Ã©` for `é`. Reported when the sequence, encoded back as
    Windows-1252, is valid UTF-8 for the character it names. A warning.
    """,
    example="""
    ---
    title: "Itâ€™s here: EU restricts facial recognition exports"
    ---
    """,
    use_instead="""
    ---
    title: "It\u2019s here: EU restricts facial recognition exports"
    ---
    """,
    severity=Severity.WARNING,
)
DUPLICATE_IMAGE = Rule(
    "C007",
    "duplicate-image",
    "The same image URL is listed twice in one `images` list.",
    """
    Repeated images show the same picture twice in galleries and skew
    image counts. Reported at the repeat, naming the first occurrence.
    """,
    example="""
    ---
    images:
      - url: https://cdn.example.com/crowds.jpg
      - url: https://cdn.example.com/crowds.jpg
    ---
    """,
    use_instead="""
    ---
    images:
      - url: https://cdn.example.com/crowds.jpg
    ---
    """,
)
RELATED_IS_SELF = Rule(
    "C008",
    "related-is-self",
    "A related article has the seed's own `webUrl`.",
    """
    An article is not related to itself: readers would be sent back to the
    page they are reading. URLs are compared with scheme and host
    case-insensitive and without a fragment.
    """,
    example="""
    ---
    webUrl: https://www.example.com/eu-restrictions
    related:
      - webUrl: https://www.example.com/eu-restrictions#comments
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.example.com/eu-restrictions
    related:
      - webUrl: https://www.example.com/eu-export-rules
    ---
    """,
)
RELATED_REPEATED = Rule(
    "C009",
    "related-repeated",
    "Two related articles have the same `webUrl`.",
    """
    The same article listed twice among the related ones. Reported at the
    repeat, naming the first. URLs that differ only in the query are
    different pages and are not reported.
    """,
    example="""
    ---
    related:
      - webUrl: https://www.example.com/eu-export-rules
      - webUrl: https://WWW.EXAMPLE.COM/eu-export-rules
    ---
    """,
    use_instead="""
    ---
    related:
      - webUrl: https://www.example.com/eu-export-rules
    ---
    """,
)
DUPLICATE_WEB_URL = Rule(
    "C010",
    "duplicate-web-url",
    "Two seed files have the same `webUrl`.",
    """
    Each article has one seed; two seeds for one `webUrl` publish it twice
    and their data drift apart. Reported at the `webUrl` of each linted file,
    naming the other file, even when only one of them is linted (as
    pre-commit does): seedlint compares against the seeds of the project,
    that is every file under the project root that include/exclude select
    and that lies in a configured `paths` folder, in a folder named on the
    command line, or in any folder named `seeds` (the pre-commit hook's
    pattern). A file outside the project root
    is compared with nothing. The result depends on those files alone, never
    on the working folder or earlier runs; an index cached on disk
    (`cache-dir`) only spares reading unchanged files again. With
    `project-index = false` only the linted files are compared with each
    other.
    """,
    example="""
    ---
    # seeds/a.txt
    webUrl: https://www.example.com/eu-restrictions
    ---
    ---
    # seeds/b.txt, another file
    webUrl: https://www.example.com/eu-restrictions
    ---
    """,
    use_instead="""
    ---
    # seeds/a.txt, the one seed of this article (seeds/b.txt deleted)
    webUrl: https://www.example.com/eu-restrictions
    ---
    """,
)

RULES = (
    BAD_SECURED,
    BLANK_TEXT,
    SURROUNDING_WHITESPACE,
    CONTROL_IN_TEXT,
    MARKUP_LEFTOVER,
    MOJIBAKE,
    DUPLICATE_IMAGE,
    RELATED_IS_SELF,
    RELATED_REPEATED,
    DUPLICATE_WEB_URL,
)


@dataclass(frozen=True)
class WebUrlEntry:
    """One seed's `webUrl`, as C010 compares it."""

    path: str
    """Display path of the seed."""
    key: str
    """``formats.url_key(url)``: what "the same page" is compared by."""
    url: str
    line: int
    column: int
    silenced: bool = False
    """An inline comment silences C010 at the webUrl (it still counts for the others)."""
    file_id: int | None = None
    """The file's inode: a symlink (or hard link) and its target are one file, not two seeds."""


def web_url_entry(document: SeedDocument | None, path: str) -> WebUrlEntry | None:
    """The seed's webUrl with its position; None without a valid one."""
    if document is None or not isinstance(document.data, dict):
        return None
    url = document.data.get("webUrl")
    span = document.value_span(("webUrl",))
    if not isinstance(url, str) or span is None or not is_valid_url(url):
        return None
    return WebUrlEntry(path, url_key(url), url, span.line, span.column)


def check_duplicate_web_urls(
    linted: Iterable[WebUrlEntry], project: Iterable[WebUrlEntry]
) -> list[Diagnostic]:
    """C010 on each linted seed whose webUrl another seed of ``project`` has.

    A seed is never its own duplicate (entries are told apart by path), and the
    message names every other seed with its position, in path order.
    """
    by_key: dict[str, set[WebUrlEntry]] = {}
    for entry in project:
        by_key.setdefault(entry.key, set()).add(entry)
    found = []
    for seed in linted:
        if seed.silenced:
            continue
        others = sorted(
            (other.path, other.line, other.column)
            for other in by_key.get(seed.key, ())
            if other.path != seed.path and (seed.file_id is None or other.file_id != seed.file_id)
        )
        if not others:
            continue
        named = ", ".join(f"{path}:{line}:{column}" for path, line, column in dict.fromkeys(others))
        message = f'webUrl "{seed.url}" is also the webUrl of {named}'
        found.append(DUPLICATE_WEB_URL.at(seed.path, seed.line, seed.column, message))
    return sorted(set(found))


_BASE64_PAIR = re.compile(r"[A-Za-z0-9+/]+={0,2};[A-Za-z0-9+/]+={0,2}")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A lead character of a 2-4 byte UTF-8 sequence read as Windows-1252/Latin-1,
# followed by characters that continuation bytes turn into.
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")
_CONTROL_OR_BIDI = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_values(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """C001-C009: payload shape, text hygiene, repeated images and related articles."""
    yield from _check_secured(document)
    for path, multiline in _text_paths(document):
        text = text_at(document, path)
        if text is not None and not _nothing_to_find(text):
            yield from _check_text(document, path, text, multiline=multiline)
    yield from _check_images(document)
    yield from _check_related(document)


def _text_paths(document: SeedDocument) -> Iterator[tuple[JsonPath, bool]]:
    data = document.data
    if not isinstance(data, dict):
        return
    if "category" in data:
        yield ("category",), False
    for base, article in articles(document):
        for key in ("title", "excerpt"):
            if key in article:
                yield (*base, key), key == "excerpt"
        if isinstance(article.get("provider"), dict) and "name" in article["provider"]:
            yield (*base, "provider", "name"), False
    topics = data.get("topics")
    if isinstance(topics, list):
        for index in range(len(topics)):
            yield ("topics", index), False


def _check_secured(document: SeedDocument) -> Iterator[Diagnostic]:
    path: JsonPath = ("secured",)
    value = text_at(document, path)
    if value is None or not _BASE64_PAIR.fullmatch(value):
        return  # missing, not text, or not two base64 runs: the schema reports it
    cipher_text, iv_text = value.split(";")
    problems = []
    try:
        cipher = base64.b64decode(cipher_text, validate=True)
        iv = base64.b64decode(iv_text, validate=True)
    except binascii.Error as error:
        problems.append(f"not valid base64 ({error})")
    else:
        if len(iv) != 16:
            problems.append(f"the IV (after ';') is {len(iv)} bytes, expected 16")
        if not cipher or len(cipher) % 16:
            problems.append(
                f"the ciphertext (before ';') is {len(cipher)} bytes, expected a positive multiple of 16"
            )
    if problems:
        span = document.values[path]
        message = f"secured: {'; '.join(problems)}"
        yield BAD_SECURED.at(document.path, span.line, span.column, message)


def _nothing_to_find(text: str) -> bool:
    """The common case: no surrounding whitespace, control character, markup or mojibake
    can be in ``text`` (tested before :func:`_check_text`'s generator is even made)."""
    return (
        text.isascii()
        and text.isprintable()
        and text.strip() == text
        and "<" not in text
        and "&" not in text
    )


def _check_text(
    document: SeedDocument, path: JsonPath, text: str, *, multiline: bool
) -> Iterator[Diagnostic]:
    if _nothing_to_find(text):
        return
    stripped = text.strip()
    span = document.value_span(path)
    if span is None:  # text_at found the value, so it has a span
        return
    where = describe_path(path)
    if text and not stripped:
        yield BLANK_TEXT.at(document.path, span.line, span.column, f"{where} holds only whitespace")
        return
    if stripped != text:
        fix = _strip_fix(document, path, text)
        message = f"{where} {_show(text)} has leading or trailing whitespace"
        yield SURROUNDING_WHITESPACE.at(document.path, span.line, span.column, message, fix=fix)
    raw = document.text[span.start : span.end]
    # One regex scan instead of a per-character category lookup: Unicode's Cc
    # category is exactly U+0000-001F and U+007F-009F.
    for match in _CONTROL_OR_BIDI.finditer(text):
        index, char = match.start(), match.group()
        if multiline and char == "\n":
            continue
        if structure.RAW_CONTROL_CHARACTERS.fullmatch(char) and char in raw:
            continue  # written raw in the file: S010 already reports it
        line, column = position_in_value(document, path, index)
        message = f"{where} contains the control character U+{ord(char):04X}"
        yield CONTROL_IN_TEXT.at(document.path, line, column, message)
        break
    markup = _markup(text)
    if markup is not None:
        line, column = position_in_value(document, path, markup.start())
        message = f"{where} contains markup {markup.group()!r}; seed text is plain text"
        yield MARKUP_LEFTOVER.at(document.path, line, column, message)
    mojibake = _mojibake(text)
    if mojibake is not None:
        index, found, meant = mojibake
        line, column = position_in_value(document, path, index)
        message = f"{where} contains {found!r}, mojibake for {meant!r}"
        yield MOJIBAKE.at(document.path, line, column, message)


def _show(text: str) -> str:
    shown = repr(text)[1:-1]
    return f'"{shown}"' if len(shown) <= 60 else f'"{shown[:57]}…"'


def _strip_fix(document: SeedDocument, path: JsonPath, text: str) -> Fix | None:
    """Remove the surrounding whitespace where it is written literally; None if unsafe."""
    inner = inner_span(document, path)
    if inner is None:
        return None
    start, end = inner
    raw = document.text[start:end]
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    style = document.styles.get(path)
    kept = text.strip()
    if style == "" and (raw != text or not is_safe_plain(kept)):
        return None
    if raw[:lead] != text[:lead] or raw[len(raw) - trail :] != text[len(text) - trail :]:
        return None  # the whitespace is written as escapes: leave it to a person
    if style == '"' and "\\" in raw[: lead + 1] + raw[len(raw) - trail - 1 :]:
        return None  # an escape touches the edited region
    edits = []
    if lead:
        edits.append(Edit(start, start + lead, ""))
    if trail:
        edits.append(Edit(end - trail, end, ""))
    return Fix(tuple(edits))


def _html5_entities() -> Mapping[str, str]:
    """HTML5's named character references (imported only when a text holds one: 1 ms)."""
    import html.entities

    return html.entities.html5


def _markup(text: str) -> re.Match[str] | None:
    tag = _TAG.search(text)
    for ref in _CHAR_REF.finditer(text):
        name = ref.group()[1:]
        if name.startswith("#") or name in _html5_entities():
            return ref if tag is None or ref.start() < tag.start() else tag
    return tag


def _mojibake(text: str) -> tuple[int, str, str] | None:
    for match in _MOJIBAKE.finditer(text):
        found = match.group()
        try:
            raw = bytes(_cp1252_byte(char) for char in found)
            meant = raw.decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        return match.start(), found, meant
    return None


def _cp1252_byte(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        if ord(char) < 256:  # C1 controls have no cp1252 mapping; Latin-1 maps them
            return ord(char)
        raise ValueError(char) from None


def _check_images(document: SeedDocument) -> Iterator[Diagnostic]:
    for base, article in articles(document):
        images = article.get("images")
        if not isinstance(images, list) or len(images) < 2:
            continue  # a lone image repeats nothing
        seen: dict[str, int] = {}
        for index, image in enumerate(images):
            path = (*base, "images", index, "url")
            url = text_at(document, path) if isinstance(image, dict) else None
            if url is None or not is_valid_url(url):
                continue
            key = url_key(url)
            if key in seen:
                span = document.values[path]
                first = describe_path((*base, "images", seen[key]))
                message = f'{describe_path(path)} "{url}" repeats {first}'
                yield DUPLICATE_IMAGE.at(document.path, span.line, span.column, message)
            else:
                seen[key] = index


def _check_related(document: SeedDocument) -> Iterator[Diagnostic]:
    own = text_at(document, ("webUrl",))
    own_key = url_key(own) if own is not None and is_valid_url(own) else None
    seen: dict[str, Any] = {}
    for base, _ in articles(document):
        if not base:
            continue
        path = (*base, "webUrl")
        url = text_at(document, path)
        if url is None or not is_valid_url(url):
            continue
        key = url_key(url)
        if key == own_key:
            span = document.values[path]
            message = f'{describe_path(path)} "{url}" is the seed\'s own webUrl'
            yield RELATED_IS_SELF.at(document.path, span.line, span.column, message)
        elif key in seen:
            span = document.values[path]
            message = f'{describe_path(path)} "{url}" repeats {describe_path(seen[key])}'
            yield RELATED_REPEATED.at(document.path, span.line, span.column, message)
        else:
            seen[key] = base
