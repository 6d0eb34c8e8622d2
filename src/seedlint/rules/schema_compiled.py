"""A yes/no validity check compiled once from a JSON Schema (draft 2020-12).

``jsonschema`` stays the reference for what a schema means and is what reports
errors; this module only answers "is the document valid?" for the common case
of a clean seed, without importing ``jsonschema`` (about 70 ms of start-up) and
about ten times faster than its ``iter_errors``. Each keyword is mirrored from
``jsonschema``'s own implementation, including its Python quirks (``True`` is
not ``1``, ``1.0`` is an integer, ``uniqueItems``' sorted comparison). A schema
using anything not mirrored here is not compiled (:func:`compile_schema`
returns None) and ``jsonschema`` does all the work; so does a document on which
the compiled check raises. A differential test holds the two in agreement.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from numbers import Number
from typing import Any

Check = Callable[[Any], bool]
FormatCheck = Callable[[object], bool]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

KEYWORDS_2020_12 = frozenset(
    {
        "$dynamicRef",
        "$ref",
        "additionalProperties",
        "allOf",
        "anyOf",
        "const",
        "contains",
        "dependentRequired",
        "dependentSchemas",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "if",
        "items",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "not",
        "oneOf",
        "pattern",
        "patternProperties",
        "prefixItems",
        "properties",
        "propertyNames",
        "required",
        "type",
        "unevaluatedItems",
        "unevaluatedProperties",
        "uniqueItems",
    }
)
"""The keywords ``jsonschema``'s draft 2020-12 validator acts on; it ignores any other key."""

_NOT_MIRRORED = frozenset(
    {
        "$dynamicRef",
        "$ref",  # compile the output of inline_local_refs: what is left is remote or recursive
        "contains",
        "dependentSchemas",
        "multipleOf",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)


class Unsupported(Exception):
    """The schema uses something this compiler does not mirror."""


def compile_schema(schema: Any, formats: Mapping[str, FormatCheck]) -> Check | None:
    """The validity check of a draft 2020-12 ``schema``, or None when it cannot be compiled.

    ``formats`` are the format checks registered with ``jsonschema``'s
    FormatChecker; other formats pass, as they do there.
    """
    if isinstance(schema, dict) and schema.get("$schema", DRAFT_2020_12).rstrip("#") != (
        DRAFT_2020_12
    ):
        return None
    try:
        return _Compiler(formats).compile(schema)
    except (Unsupported, re.error, TypeError, ValueError):
        return None


# -- jsonschema's comparison semantics (jsonschema._utils), mirrored ---------------------------

_TRUE, _FALSE = object(), object()


def _unbool(element: Any) -> Any:
    if element is True:
        return _TRUE
    if element is False:
        return _FALSE
    return element


def equal(one: Any, two: Any) -> bool:
    """JSON equality as ``jsonschema`` has it: ``True`` is not ``1``, containers compared deeply."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two, strict=False))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and equal(value, two[key]) for key, value in one.items()
        )
    return bool(_unbool(one) == _unbool(two))


def unique(container: Sequence[Any]) -> bool:
    """``jsonschema``'s ``uniq``: sort when the items allow it, else compare every pair."""
    try:
        ordered = sorted(_unbool(item) for item in container)
        for i, j in zip(ordered, itertools.islice(ordered, 1, None), strict=False):
            if equal(i, j):
                return False
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for item in container:
            element = _unbool(item)
            if any(equal(other, element) for other in seen):
                return False
            seen.append(element)
    return True


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, Number)


_TYPES: dict[str, Check] = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}


def _always(_: Any) -> bool:
    return True


def _never(_: Any) -> bool:
    return False


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 - faster than all() over a generator
            if not one(value):
                return False
        return True

    return check


class _Compiler:
    def __init__(self, formats: Mapping[str, FormatCheck]) -> None:
        self.formats = formats

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        used = KEYWORDS_2020_12.intersection(schema)
        if used & _NOT_MIRRORED:
            raise Unsupported(", ".join(sorted(used & _NOT_MIRRORED)))
        checks: list[Check] = []
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        for keyword in sorted(used - {"type"}):
            built = getattr(self, "_" + keyword)(schema[keyword], schema)
            if built is not None:
                checks.append(built)
        return _all_of(checks)

    # -- any instance --------------------------------------------------------------------------

    def _type(self, wanted: Any) -> Check:
        names = wanted if isinstance(wanted, list) else [wanted]
        try:
            tests = [_TYPES[name] for name in names]
        except (KeyError, TypeError) as error:
            raise Unsupported(f"type {wanted!r}") from error
        if len(tests) == 1:
            return tests[0]
        return lambda value: any(test(value) for test in tests)

    def _enum(self, options: Any, _: dict[str, Any]) -> Check:
        choices = list(options)
        return lambda value: any(equal(choice, value) for choice in choices)

    def _const(self, expected: Any, _: dict[str, Any]) -> Check:
        return lambda value: equal(value, expected)

    def _format(self, name: Any, _: dict[str, Any]) -> Check | None:
        return self.formats.get(name) if isinstance(name, str) else None

    def _allOf(self, schemas: list[Any], _: dict[str, Any]) -> Check:
        return _all_of([self.compile(each) for each in schemas])

    def _anyOf(self, schemas: list[Any], _: dict[str, Any]) -> Check:
        checks = [self.compile(each) for each in schemas]
        return lambda value: any(check(value) for check in checks)

    def _oneOf(self, schemas: list[Any], _: dict[str, Any]) -> Check:
        checks = [self.compile(each) for each in schemas]
        return lambda value: sum(1 for check in checks if check(value)) == 1

    def _not(self, schema: Any, _: dict[str, Any]) -> Check:
        inner = self.compile(schema)
        return lambda value: not inner(value)

    def _if(self, schema: Any, parent: dict[str, Any]) -> Check:
        condition = self.compile(schema)
        then = self.compile(parent.get("then", True))
        otherwise = self.compile(parent.get("else", True))
        return lambda value: then(value) if condition(value) else otherwise(value)

    # -- numbers -------------------------------------------------------------------------------

    def _minimum(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not _is_number(value) or not value < limit

    def _maximum(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not _is_number(value) or not value > limit

    def _exclusiveMinimum(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not _is_number(value) or not value <= limit

    def _exclusiveMaximum(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not _is_number(value) or not value >= limit

    # -- strings -------------------------------------------------------------------------------

    def _minLength(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not isinstance(value, str) or not len(value) < limit

    def _maxLength(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not isinstance(value, str) or not len(value) > limit

    def _pattern(self, pattern: Any, _: dict[str, Any]) -> Check:
        search = re.compile(pattern).search
        return lambda value: not isinstance(value, str) or search(value) is not None

    # -- arrays --------------------------------------------------------------------------------

    def _minItems(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not isinstance(value, list) or not len(value) < limit

    def _maxItems(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not isinstance(value, list) or not len(value) > limit

    def _uniqueItems(self, wanted: Any, _: dict[str, Any]) -> Check | None:
        if not wanted:
            return None
        return lambda value: not isinstance(value, list) or unique(value)

    def _prefixItems(self, schemas: list[Any], _: dict[str, Any]) -> Check:
        checks = [self.compile(each) for each in schemas]

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            return all(one(item) for one, item in zip(checks, value, strict=False))

        return check

    def _items(self, schema: Any, parent: dict[str, Any]) -> Check:
        prefix = len(parent.get("prefixItems", []))
        item_check = self.compile(schema)

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            for item in value[prefix:] if prefix else value:  # noqa: SIM110 - faster than all() over a generator
                if not item_check(item):
                    return False
            return True

        return check

    # -- objects -------------------------------------------------------------------------------

    def _required(self, names: Any, _: dict[str, Any]) -> Check:
        wanted = list(names)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name in wanted:  # noqa: SIM110 - faster than all() over a generator
                if name not in value:
                    return False
            return True

        return check

    def _minProperties(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not isinstance(value, dict) or not len(value) < limit

    def _maxProperties(self, limit: Any, _: dict[str, Any]) -> Check:
        return lambda value: not isinstance(value, dict) or not len(value) > limit

    def _dependentRequired(self, rules: Any, _: dict[str, Any]) -> Check:
        pairs = [(name, list(needed)) for name, needed in rules.items()]

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, needed in pairs:
                if name in value and any(other not in value for other in needed):
                    return False
            return True

        return check

    def _propertyNames(self, schema: Any, _: dict[str, Any]) -> Check:
        name_check = self.compile(schema)
        return lambda value: not isinstance(value, dict) or all(name_check(k) for k in value)

    def _properties(self, schemas: dict[str, Any], _: dict[str, Any]) -> Check:
        checks = [(name, self.compile(each)) for name, each in schemas.items()]

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, one in checks:  # noqa: SIM110 - faster than all() over a generator
                if name in value and not one(value[name]):
                    return False
            return True

        return check

    def _patternProperties(self, schemas: dict[str, Any], _: dict[str, Any]) -> Check:
        checks = [
            (re.compile(pattern).search, self.compile(each)) for pattern, each in schemas.items()
        ]

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for search, one in checks:
                for key, item in value.items():
                    if search(key) and not one(item):
                        return False
            return True

        return check

    def _additionalProperties(self, schema: Any, parent: dict[str, Any]) -> Check:
        known = parent.get("properties", {})
        patterns = "|".join(parent.get("patternProperties", {}))
        search = re.compile(patterns).search if patterns else None
        extra_check = self.compile(schema)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                if key in known or (search is not None and search(key)):
                    continue
                if not extra_check(item):
                    return False
            return True

        return check
