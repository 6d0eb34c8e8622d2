"""The YAML 1.1 scalar rules PyYAML applies, and where YAML 1.2 readers disagree.

Seeds are read the way PyYAML reads them (YAML 1.1: ``no`` is false, ``010``
is 8), but a plain scalar that YAML 1.2 or JSON tools read differently is
recorded as an :class:`Ambiguity`, so the rules can warn with advice that fits
the type the schema wants there.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, NamedTuple

import yaml

from seedlint.patterns import lazy_pattern

CORE_TAG = "tag:yaml.org,2002:"
_CANONICAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_CANONICAL_FLOAT = lazy_pattern(
    r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_YAML12_NUMBER = re.compile(
    r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
)
# PyYAML's implicit resolvers, indexed by first character: the same table
# Resolver.resolve() consults, read once instead of per scalar.
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = (
    yaml.resolver.Resolver.yaml_implicit_resolvers
)
RESOLVER_FIRST_CHARACTERS = frozenset(_RESOLVERS)
"""First characters of the plain scalars YAML 1.1 may read as something other than text."""


class Ambiguity(NamedTuple):
    """A plain scalar that YAML 1.1 (PyYAML) and YAML 1.2 readers read differently."""

    written: str
    """The scalar as written."""
    kind: str
    """What YAML 1.1 makes of it: 'boolean', 'integer', 'number' or 'string'."""
    value: Any
    """YAML 1.1's reading (what seedlint checks)."""

    def reading(self) -> str:
        """How YAML 1.1 and YAML 1.2 read it, e.g. ``plain yes is read as the boolean true ...``."""
        if self.kind == "boolean":
            return f"plain {self.written} is read as the boolean {_show(self.value)} by YAML 1.1 (PyYAML) but as text by YAML 1.2"
        if self.kind == "string":
            return f"plain {self.written} is text to YAML 1.1 (PyYAML) but a number to YAML 1.2 readers"
        noun = "integer" if self.kind == "integer" else "number"
        return f"plain {self.written} is read as the {noun} {_show(self.value)} by YAML 1.1 (PyYAML), differently by YAML 1.2"

    def advice(self, expected: Collection[str] = ()) -> str:
        """What to write instead, given the JSON types the schema wants here (empty: unknown)."""
        wants_text = "string" in expected
        wants_number = "number" in expected or "integer" in expected
        if self.kind == "boolean":
            if "boolean" in expected and not wants_text:
                return f"write {_show(self.value)}"
            return "quote it if you mean text"
        if self.kind == "string":
            if wants_number and not wants_text:
                number = _yaml12_number(self.written)
                if "number" not in expected and number.endswith(".0"):
                    number = number[:-2]  # an integral float, where only integers are allowed
                return f"write {number}"
            return "quote it if you mean text"
        if wants_number and not wants_text:
            return f"write {_show(self.value)}"
        if wants_text and not wants_number:
            return "quote it"
        return f"quote it or write {_show(self.value)}"

    def message(self, expected: Collection[str] = ()) -> str:
        """The S013 message: the two readings and the advice that fits ``expected``."""
        return f"{self.reading()}; {self.advice(expected)}"

    def note(self, expected: Collection[str]) -> str:
        """A remark for a type error at this value (E003), with advice that fits ``expected``."""
        if self.kind == "string":
            return f"YAML 1.1 reads the plain {self.written} as text; {self.advice(expected)}"
        if "string" in expected:
            return f"YAML 1.1 reads the plain {self.written} this way; quote it"
        return f"YAML 1.1 reads the plain {self.written} as {_show(self.value)}"


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _yaml12_number(text: str) -> str:
    """The number a YAML 1.2 reader makes of ``text``, written canonically."""
    lowered = text.lower()
    if lowered.lstrip("+-").startswith(("0x", "0o")):
        sign = -1 if text.startswith("-") else 1
        body = lowered.lstrip("+-")
        return str(sign * int(body[2:], 16 if body.startswith("0x") else 8))
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return str(int(text))
    return str(float(text))


def resolve_plain(value: str) -> str:
    """The YAML 1.1 tag name (``bool``, ``int``, ``str`` ...) PyYAML gives a plain scalar."""
    name = _RESOLVED.get(value)
    if name is None:
        name = "str"
        for tag, pattern in _RESOLVERS.get(value[:1], ()):
            if pattern.match(value):
                name = tag[len(CORE_TAG) :]
                break
        if len(_RESOLVED) >= _RESOLVED_LIMIT:
            _RESOLVED.clear()
        _RESOLVED[value] = name
    return name


_RESOLVED: dict[str, str] = {}
"""Recent answers of :func:`resolve_plain`: seeds repeat the same words and numbers."""
_RESOLVED_LIMIT = 4096


def construct(name: str, value: str, *, explicit: bool) -> tuple[Any, Ambiguity | None]:
    """The data for scalar ``value`` with tag ``name``, and its ambiguity if it is plain."""
    if name == "null":
        return None, None
    if name == "bool":
        meaning = value.lower() in ("yes", "true", "on")
        if value.lower() in ("true", "false"):
            return meaning, None
        return meaning, Ambiguity(value, "boolean", meaning)
    if name == "int":
        if _CANONICAL_INT.fullmatch(value):
            return int(value), None
        try:
            number = read_int(value)
        except ValueError:
            return value, None
        return number, None if explicit else Ambiguity(value, "integer", number)
    if name == "float":
        try:
            real = read_float(value)
        except ValueError:
            return value, None
        if explicit or _CANONICAL_FLOAT().fullmatch(value):
            return real, None
        return real, Ambiguity(value, "number", real)
    if name == "str" and not explicit and _YAML12_NUMBER.fullmatch(value):
        return value, Ambiguity(value, "string", value)
    # Timestamps deliberately stay text: the schema and date rules judge what was written.
    return value, None


def read_int(text: str) -> int:
    """Read an integer the way YAML 1.1 (and so PyYAML) does."""
    value = text.replace("_", "")
    sign = -1 if value.startswith("-") else 1
    value = value.lstrip("+-")
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if ":" in value:
        number = 0
        for part in value.split(":"):
            number = number * 60 + int(part)
        return sign * number
    if value != "0" and value.startswith("0"):
        return sign * int(value, 8)
    return sign * int(value)


def read_float(text: str) -> float:
    """Read a float the way YAML 1.1 (and so PyYAML) does."""
    value = text.replace("_", "").lower()
    sign = -1.0 if value.startswith("-") else 1.0
    value = value.lstrip("+-")
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    if ":" in value:
        number = 0.0
        for part in value.split(":"):
            number = number * 60 + float(part)
        return sign * number
    return sign * float(value)
