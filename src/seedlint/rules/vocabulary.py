"""Vocabularies of keyword fields: `type`, `category`, and `provider.name` per domain.

The schema lets any keyword through, so `type: artical` passes. With a
vocabulary in the root configuration, C015 reports values outside it, with a
"did you mean". Without one, the project's own usage is the vocabulary: C016
(type, category) and C017 (provider names) report a value that a seed or two
use next to a near-identical (for names: any other) value that many seeds
use. Those compare seeds with each other: :func:`keyword_uses` takes what they
need from one document, :func:`check_keyword_variants` compares; the engine
(:mod:`seedlint.cross_file`) gathers the uses of the project, as for C010.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Severity
from seedlint.rules.fields import articles, text_at

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.document import JsonPath, SeedDocument
    from seedlint.rules.context import CheckContext

OUTSIDE_VOCABULARY = Rule(
    "C015",
    "outside-vocabulary",
    "A `type`, `category` or `provider.name` is not in the vocabulary of the root configuration.",
    """
    With `vocabulary-type`, `vocabulary-category` or `provider-names` set in
    the root configuration, each value of that field (in the seed and its
    related articles) must be one of the listed ones, and a provider's name
    the one configured for its `provider.domain`. The message names the
    closest allowed value. Set no vocabulary to let seedlint learn it from
    the project instead (C016, C017). The example assumes
    `vocabulary-type = ["article", "video"]`.
    """,
    example="""
    ---
    type: artical
    ---
    """,
    use_instead="""
    ---
    type: article
    ---
    """,
)
RARE_KEYWORD_VARIANT = Rule(
    "C016",
    "rare-keyword-variant",
    "A `type` or `category` used by one or two seeds looks like a typo of a value many seeds use.",
    """
    Without a configured vocabulary the project is the vocabulary: a value
    that at most two seeds use, next to a near-identical one (same letters
    apart from case and separators, or one or two typing errors) that at
    least five seeds and five times as many use, is most likely a typo:
    `artical` where the project says `article`. The message names the
    common value and how many seeds use each. Compared over every seed of
    the project, like C010. Add the value to a vocabulary (C015) if it is
    real. A warning.
    """,
    example="""
    ---
    type: artical
    ---
    """,
    use_instead="""
    ---
    type: article
    ---
    """,
    severity=Severity.WARNING,
)
PROVIDER_NAME_VARIANT = Rule(
    "C017",
    "provider-name-variant",
    "A `provider.name` differs from the name most seeds give the same `provider.domain`.",
    """
    One publisher should carry one name: a name that at most two seeds give
    a `provider.domain` for which at least five seeds, and five times as
    many, use another name (`NY Times` beside `New York Times` for
    nytimes.com) splits the publisher in facets and listings. Compared
    over every seed of the project, like C010; `provider-names` in the
    root configuration fixes the names instead (C015). A warning.
    """,
    example="""
    ---
    provider:
      name: NY Times
      domain: nytimes.com
    ---
    """,
    use_instead="""
    ---
    provider:
      name: New York Times
      domain: nytimes.com
    ---
    """,
    severity=Severity.WARNING,
)
RULES = (OUTSIDE_VOCABULARY, RARE_KEYWORD_VARIANT, PROVIDER_NAME_VARIANT)

RARE_SEEDS = 2
"""A value used by at most this many seeds may be a variant."""
COMMON_SEEDS = 5
"""... of one used by at least this many seeds,"""
COMMON_RATIO = 5
"""... and this many times as many."""
_SEPARATORS = re.compile(r"[\s_\-./]+")


@dataclass(frozen=True)
class KeywordUse:
    """One keyword value in a seed, as C016/C017 compare it."""

    field: str
    """``type``, ``category`` or ``provider.name``."""
    scope: str
    """For ``provider.name``: the domain it names (lower case, no ``www.``); else empty."""
    value: str
    line: int
    column: int
    silenced: bool = False
    """An inline comment silences the finding here (the value still counts for the others)."""


@dataclass(frozen=True)
class KeywordFacts:
    """Every keyword use of one seed."""

    path: str
    uses: tuple[KeywordUse, ...]


def _domain(value: str) -> str:
    domain = value.strip().casefold().rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain


def _keyword_paths(document: SeedDocument) -> Iterator[tuple[str, str, JsonPath]]:
    """(field, scope, path) of every keyword value of the seed and its related articles."""
    for base, article in articles(document):
        if not base:
            yield "category", "", ("category",)
        yield "type", "", (*base, "type")
        provider = article.get("provider")
        if isinstance(provider, dict) and isinstance(provider.get("domain"), str):
            yield "provider.name", _domain(provider["domain"]), (*base, "provider", "name")


def keyword_uses(document: SeedDocument | None, path: str) -> KeywordFacts | None:
    """The seed's keyword values with their positions; None when it has none."""
    if document is None or not isinstance(document.data, dict):
        return None
    uses = []
    for field, scope, where in _keyword_paths(document):
        value = text_at(document, where)
        span = document.value_span(where) if value is not None and value.strip() else None
        if value is not None and span is not None:
            uses.append(KeywordUse(field, scope, value, span.line, span.column))
    return KeywordFacts(path, tuple(uses)) if uses else None


def rule_for(use: KeywordUse) -> Rule:
    """The learned-vocabulary rule that reports on ``use``."""
    return PROVIDER_NAME_VARIANT if use.field == "provider.name" else RARE_KEYWORD_VARIANT


# --- configured vocabularies (C015): per file


def check_vocabulary(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """C015: values outside the vocabularies of the root configuration."""
    config = context.config
    if not (config.vocabulary_type or config.vocabulary_category or config.provider_names):
        return
    names = dict(config.provider_names)
    domains = {_domain(domain): name for domain, name in names.items()}
    for field, scope, where in _keyword_paths(document):
        value = text_at(document, where)
        if value is None:
            continue
        span = document.values[where]
        if field == "provider.name":
            expected = domains.get(scope)
            if expected is not None and value != expected:
                message = f'provider.name "{value}" is not the configured name of {scope}; expected "{expected}"'
                yield OUTSIDE_VOCABULARY.at(document.path, span.line, span.column, message)
            continue
        allowed = _configured(config, field)
        if allowed and value not in allowed:
            hint = _closest(value, allowed)
            advice = f'did you mean "{hint}"?' if hint else f"expected one of {', '.join(allowed)}"
            message = f'{field} "{value}" is not in the configured vocabulary; {advice}'
            yield OUTSIDE_VOCABULARY.at(document.path, span.line, span.column, message)


def _configured(config: Config, field: str) -> tuple[str, ...]:
    return config.vocabulary_type if field == "type" else config.vocabulary_category


def _closest(value: str, allowed: Iterable[str]) -> str | None:
    best = min(allowed, key=lambda word: (_distance(_fold(value), _fold(word)), word))
    return best if _near(value, best) else None


# --- learned vocabularies (C016, C017): across the project


def check_keyword_variants(
    linted: Iterable[KeywordFacts],
    project: Iterable[KeywordFacts],
    configured: Config | None = None,
) -> list[Diagnostic]:
    """C016/C017 on each linted seed's rare value beside a common one of ``project``.

    Values are counted by seed (a seed with ten related articles of one
    provider counts once). Fields and domains with a configured vocabulary
    are left to C015.
    """
    return check_against_counts(linted, keyword_counts(project), configured)


KeywordCounts = dict[tuple[str, str], Counter[str]]
"""Seeds using each value, by (field, scope)."""


def keyword_counts(project: Iterable[KeywordFacts]) -> KeywordCounts:
    """How many seeds of ``project`` use each keyword value (a seed counts once per value)."""
    return count_values(
        {(use.field, use.scope, use.value) for use in facts.uses} for facts in project
    )


def count_values(seeds: Iterable[Iterable[tuple[str, str, str]]]) -> KeywordCounts:
    """:func:`keyword_counts` of each seed's distinct (field, scope, value) triples."""
    counts: KeywordCounts = {}
    for values in seeds:
        for field, scope, value in values:
            counts.setdefault((field, scope), Counter())[value] += 1
    return counts


def check_against_counts(
    linted: Iterable[KeywordFacts], counts: KeywordCounts, configured: Config | None = None
) -> list[Diagnostic]:
    """:func:`check_keyword_variants` with the project already counted (the language server
    counts the project once and adds the buffer being typed)."""
    found = []
    for facts in linted:
        for use in facts.uses:
            if use.silenced or _is_configured(use, configured):
                continue
            usage = counts.get((use.field, use.scope), Counter())
            common = _common_variant(use, usage)
            if common is None:
                continue
            rare, many = usage[use.value], usage[common]
            what = f"provider.name for {use.scope}" if use.field == "provider.name" else use.field
            message = (
                f'{what} "{use.value}" is used by {_seeds(rare)}, "{common}" by {_seeds(many)}'
                f' of the project; did you mean "{common}"?'
            )
            found.append(rule_for(use).at(facts.path, use.line, use.column, message))
    return sorted(set(found))


def _seeds(count: int) -> str:
    return f"{count} seed{'s' if count != 1 else ''}"


def _is_configured(use: KeywordUse, config: Config | None) -> bool:
    if config is None:
        return False
    if use.field == "provider.name":
        return any(_domain(domain) == use.scope for domain, _ in config.provider_names)
    return bool(_configured(config, use.field))


def _common_variant(use: KeywordUse, usage: Counter[str]) -> str | None:
    """The common value ``use.value`` is a rare variant of, if any (the most used one)."""
    rare = usage[use.value]
    if rare > RARE_SEEDS:
        return None
    candidates = [
        (-count, value)
        for value, count in usage.items()
        if value != use.value
        and count >= COMMON_SEEDS
        and count >= COMMON_RATIO * rare
        and (use.field == "provider.name" or _near(use.value, value))
    ]
    return min(candidates)[1] if candidates else None


def _fold(value: str) -> str:
    return _SEPARATORS.sub("", value.casefold())


def _near(value: str, other: str) -> bool:
    """Near-identical keywords: equal apart from case and separators, or 1-2 typing errors."""
    a, b = _fold(value), _fold(other)
    if a == b:
        return True
    shortest = min(len(a), len(b))
    allowed = 0 if shortest < 4 else 1 if shortest < 6 else 2
    return _distance(a, b) <= allowed


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (optimal string alignment)."""
    if abs(len(a) - len(b)) > 2:
        return 3 + abs(len(a) - len(b))
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def encode_uses(facts: KeywordFacts | None) -> list[list[object]] | None:
    """``facts`` as JSON-ready rows, for the result cache and the project index."""
    if facts is None:
        return None
    return [[u.field, u.scope, u.value, u.line, u.column, u.silenced] for u in facts.uses]


def decode_uses(path: str, rows: object) -> KeywordFacts | None:
    """The inverse of :func:`encode_uses`; raises ValueError/TypeError on a damaged row."""
    if rows is None:
        return None
    if not isinstance(rows, list):
        raise TypeError("keyword rows must be a list")
    uses = []
    for field, scope, value, line, column, silenced in rows:
        use = KeywordUse(str(field), str(scope), str(value), int(line), int(column), bool(silenced))
        if use.line < 1 or use.column < 1:
            raise ValueError("keyword position out of range")
        uses.append(use)
    return KeywordFacts(path, tuple(uses))
