"""Check a document against the JSON Schema and point each error at its place."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seedlint import formats
from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic
from seedlint.document import JsonPath, SeedDocument
from seedlint.rules import dates, urls
from seedlint.rules.context import SchemaErrors
from seedlint.rules.fields import is_date_path, is_url_path
from seedlint.rules.messages import describe_path, describe_value, quote
from seedlint.rules.schema_compiled import compile_schema

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

MISSING_KEY = Rule(
    "E001",
    "missing-key",
    "A required key is missing.",
    """
    Consumers rely on every required key being there; a seed without one
    cannot be shown or linked. Reported at the mapping that lacks the key:
    the top of the front matter, a `provider`, an image or a related article.
    """,
    example="""
    ---
    title: EU restricts facial recognition exports
    provider:
      name: Biometric Update
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    provider:
      name: Biometric Update
      domain: biometricupdate.com
    ---
    """,
)
UNKNOWN_KEY = Rule(
    "E002",
    "unknown-key",
    "A key is not part of the seed format.",
    """
    Unknown keys are usually typos (`tittle`) that leave the real key missing,
    or fields that no consumer reads. Reported at the key, with the closest
    known key when there is one.
    """,
    example="""
    ---
    tittle: EU restricts facial recognition exports
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    ---
    """,
)
WRONG_TYPE = Rule(
    "E003",
    "wrong-type",
    "A value has the wrong type (text where a number belongs, a list for a mapping ...).",
    """
    Consumers read each value as its type: text where a number belongs fails
    there, or is silently taken for something else.
    YAML 1.1 surprises are named: a plain `no` is a boolean, not text.
    """,
    example="""
    ---
    quality: "33"
    ---
    """,
    use_instead="""
    ---
    quality: 33
    ---
    """,
)
OUT_OF_RANGE = Rule(
    "E004",
    "out-of-range",
    "A number is outside its allowed range.",
    """
    A value out of range is a typo or a placeholder that consumers would
    show as real. `quality` is zero or more, `heat` is -1 or more, image
    `width` and `height` are at least 1.
    """,
    example="""
    ---
    quality: -5
    ---
    """,
    use_instead="""
    ---
    quality: 33
    ---
    """,
)
INVALID_VALUE = Rule(
    "E005",
    "invalid-value",
    "A text value is empty, too long, or not of the expected form.",
    """
    Consumers match, show and compare these values as they are. Examples:
    an empty `title`, a `provider.domain` with a scheme or capitals, a
    `secured` value that is not `<base64>;<base64>`.
    """,
    example="""
    ---
    provider:
      name: Biometric Update
      domain: https://www.biometricupdate.com/
    ---
    """,
    use_instead="""
    ---
    provider:
      name: Biometric Update
      domain: biometricupdate.com
    ---
    """,
)
BAD_LIST = Rule(
    "E006",
    "invalid-list",
    "A list is too short, too long or repeats an item.",
    """
    An empty list leaves the article unfiled; a repeated item is shown
    twice. `topics` needs at least one topic and no repeats. Reported at the
    repeated item, or at the list.
    """,
    example="""
    ---
    topics:
      - AI
      - Computer Vision
      - AI
    ---
    """,
    use_instead="""
    ---
    topics:
      - AI
      - Computer Vision
    ---
    """,
)
SCHEMA_VIOLATION = Rule(
    "E007",
    "schema-violation",
    "The value breaks a schema constraint not covered by a more specific rule.",
    """
    The seed breaks the schema it is checked against. Seen with custom
    schemas that use keywords such as `oneOf` or `not`. The message is the
    schema validator's own.
    """,
    example="""
    ---
    # with a custom schema that says `"title": {"not": {"const": "Untitled"}}`
    title: Untitled
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    ---
    """,
)

RULES = (
    MISSING_KEY,
    UNKNOWN_KEY,
    WRONG_TYPE,
    OUT_OF_RANGE,
    INVALID_VALUE,
    BAD_LIST,
    SCHEMA_VIOLATION,
)

_RULE_BY_KEYWORD = {
    "type": WRONG_TYPE,
    "minimum": OUT_OF_RANGE,
    "maximum": OUT_OF_RANGE,
    "exclusiveMinimum": OUT_OF_RANGE,
    "exclusiveMaximum": OUT_OF_RANGE,
    "multipleOf": OUT_OF_RANGE,
    "enum": INVALID_VALUE,
    "const": INVALID_VALUE,
    "pattern": INVALID_VALUE,
    "minLength": INVALID_VALUE,
    "maxLength": INVALID_VALUE,
    "minItems": BAD_LIST,
    "maxItems": BAD_LIST,
    "uniqueItems": BAD_LIST,
}
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing (null)",
}


class SchemaError(Exception):
    """The schema file cannot be read or is not a valid JSON Schema."""


def default_schema_path() -> Path:
    """The schema shipped inside the package."""
    # Next to this package's own files; importlib.resources would cost more to import
    # than the whole lookup, and seedlint is never run from a zip.
    return Path(__file__).resolve().parents[1] / "schemas" / "seed.schema.json"


GENERATE_AFTER = 32
"""Documents checked by the closures before the check is written out as one function."""


class SchemaValidator:
    """The schema of a run: a compiled validity check, and ``jsonschema`` for the errors.

    A valid document (the usual case) is recognised by the compiled check alone;
    ``jsonschema`` is imported and built only when a document has errors to
    report, or when the schema uses something the compiler does not mirror.
    The check starts as closures and is written out as one function
    (:mod:`~seedlint.rules.schema_source`) once ``generate_after`` documents
    have been checked: worth its millisecond in a big run, not in a one-file one.
    """

    def __init__(
        self, schema: Any, *, compiled: bool = True, generate_after: int = GENERATE_AFTER
    ) -> None:
        self.schema = schema
        self.inlined = inline_local_refs(schema) if isinstance(schema, dict) else schema
        self.is_valid: Callable[[Any], bool] | None = (
            compile_schema(self.inlined, _FORMAT_CHECKS) if compiled else None
        )
        self._reference: Validator | None = None
        self._until_generated = generate_after if self.is_valid is not None else -1
        if self._until_generated == 0:
            self._generate()

    def _generate(self) -> None:
        from seedlint.rules.schema_source import generate_check

        self.is_valid = generate_check(self.inlined, _FORMAT_CHECKS) or self.is_valid

    @property
    def reference(self) -> Validator:
        """The ``jsonschema`` validator (built on first use, once per process)."""
        if self._reference is None:
            import jsonschema

            validator_class = jsonschema.validators.validator_for(
                self.schema, default=jsonschema.Draft202012Validator
            )
            self._reference = validator_class(self.inlined, format_checker=_format_checker())
        return self._reference

    def iter_errors(self, data: Any) -> Iterator[Any]:
        """Every ``jsonschema`` error of ``data``; none without ``jsonschema`` when it is valid."""
        if self.is_valid is not None:
            self._until_generated -= 1
            if self._until_generated == 0:
                self._generate()
            try:
                if self.is_valid(data):
                    return iter(())
            except Exception:
                pass
        return self.reference.iter_errors(data)


@lru_cache(maxsize=4)
def load_validator(schema_path: Path) -> SchemaValidator:
    """Build the validator for ``schema_path`` once per process."""
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SchemaError(f"cannot read schema {schema_path}: {error}") from error
    # The packaged schema is checked by the test suite; a user's schema on every run.
    if schema_path != default_schema_path():
        import jsonschema

        validator_class = jsonschema.validators.validator_for(
            schema, default=jsonschema.Draft202012Validator
        )
        try:
            validator_class.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise SchemaError(
                f"{schema_path} is not a valid JSON Schema: {error.message}"
            ) from error
    return SchemaValidator(schema)


_ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated"})


def inline_local_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace local ``$ref``s by the schemas they point to, when that is exact.

    The validator then walks plain nested dictionaries instead of resolving a
    reference at every step: about twice as fast on a seed. Schemas with
    recursive or remote references are returned unchanged.
    """

    def resolve(pointer: str) -> Any:
        target: Any = schema
        for part in pointer.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#/") or ref in seen:
                raise _CannotInline
            target = walk(resolve(ref), (*seen, ref))
            siblings = {k: walk(v, seen) for k, v in node.items() if k != "$ref"}
            overlap = (set(target) & set(siblings)) - _ANNOTATIONS
            if overlap or not isinstance(target, dict):
                return {"allOf": [target], **siblings}
            return {**target, **siblings}
        return {k: walk(v, seen) for k, v in node.items()}

    try:
        inlined: dict[str, Any] = walk(schema, ())
    except (_CannotInline, KeyError, IndexError, TypeError):
        return schema
    return inlined


class _CannotInline(Exception):
    """A reference that must stay a reference (remote or recursive)."""


def _passes(check: Callable[[str], formats.FormatProblem | None]) -> Callable[[object], bool]:
    def passes(value: object) -> bool:
        return not isinstance(value, str) or check(value) is None

    return passes


_FORMAT_CHECKS: dict[str, Callable[[object], bool]] = {
    name: _passes(check) for name, check in formats.FORMAT_CHECKS.items()
}
"""Our own format checks (``formats.FORMAT_CHECKS`` as yes/no), so results never depend
on optional jsonschema extras; the compiled check and the FormatChecker share them."""


def _format_checker() -> Any:
    """A ``jsonschema`` FormatChecker with exactly :data:`_FORMAT_CHECKS`."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, check in _FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


def check_schema(document: SeedDocument, validator: SchemaErrors) -> Iterator[Diagnostic]:
    """Every schema error in ``document``, at the value, key or mapping it concerns."""
    errors = list(validator.iter_errors(document.data))
    if not errors:
        return
    by_path: dict[JsonPath, set[str]] = {}
    for error in errors:
        by_path.setdefault(tuple(error.absolute_path), set()).add(str(error.validator))
    reported: set[tuple[JsonPath, str]] = set()
    for error in errors:
        path: JsonPath = tuple(error.absolute_path)
        if path in document.ignored:
            continue  # an alias or tagged value, already reported where it stands
        keywords = by_path[path]
        keyword = str(error.validator)
        # One clear message per value: a wrong type makes the other complaints noise,
        # and a format error explains a URL better than its pattern does.
        if (
            keyword != "type"
            and "type" in keywords
            and keyword not in ("required", "additionalProperties")
        ):
            continue
        if keyword == "pattern" and "format" in keywords:
            continue
        yield from _diagnose(document, error, path, reported)


def _diagnose(
    document: SeedDocument,
    error: Any,
    path: JsonPath,
    reported: set[tuple[JsonPath, str]],
) -> Iterator[Diagnostic]:
    keyword = str(error.validator)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = describe_path(path)
    if keyword == "required":
        for key in error.validator_value:
            if isinstance(instance, dict) and key not in instance and (path, key) not in reported:
                reported.add((path, key))
                span = document.position(path)
                yield MISSING_KEY.at(
                    document.path, span.line, span.column, f'{where}: missing required key "{key}"'
                )
        return
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        for key in instance:
            if key in known or (path, key) in reported:
                continue
            reported.add((path, key))
            span = document.key_position((*path, key))
            yield UNKNOWN_KEY.at(
                document.path, span.line, span.column, _unknown_key_message(key, where, known)
            )
        return
    if keyword == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for index, item in enumerate(instance):
            if item in seen:
                span = document.position((*path, index))
                message = f"{where}: {quote(item)} is listed more than once; expected unique items"
                yield BAD_LIST.at(document.path, span.line, span.column, message)
            else:
                seen.append(item)
        return
    span = document.position(path)
    if keyword == "format":
        finding = _format_diagnostic(document, error, path)
        if finding is not None:
            yield finding
        return
    rule = _RULE_BY_KEYWORD.get(keyword, SCHEMA_VIOLATION)
    message = _message(
        keyword, error, schema, where, document.yaml_note(path, error.validator_value)
    )
    end = (span.end_line, span.end_column)
    yield rule.at(document.path, span.line, span.column, message, end=end)


def _format_diagnostic(document: SeedDocument, error: Any, path: JsonPath) -> Diagnostic | None:
    """The finding for a failed ``format``; None when the date or URL rule reports it.

    The date and URL rules check the seed's own date and URL fields whatever the
    schema says (so a custom schema cannot make D001 disappear); here they are
    skipped when that rule already flags the value, and any other field marked
    ``date-time``, ``iri`` or ``uri`` becomes the same rule's finding. The rule
    is chosen by the check's typed fault, in the rule's own module.
    """
    value = error.instance
    fmt = str(error.validator_value)
    check = formats.FORMAT_CHECKS.get(fmt)
    problem = check(value) if check is not None and isinstance(value, str) else None
    if problem is not None and isinstance(value, str):
        if fmt == "date-time":
            if is_date_path(path):
                return None
            return dates.date_time_finding(document, path, value, problem)
        if fmt in ("iri", "uri"):
            if is_url_path(path) and not formats.is_valid_url(value):
                return None
            return urls.url_finding(document, path, value, problem)
    span = document.position(path)
    reason = problem.reason if problem is not None else error.message
    message = f"{describe_path(path)} {quote(value)} is not a valid {fmt}: {reason}"
    return SCHEMA_VIOLATION.at(
        document.path, span.line, span.column, message, end=(span.end_line, span.end_column)
    )


def _message(keyword: str, error: Any, schema: dict[str, Any], where: str, note: str | None) -> str:
    value = error.instance
    expected_text = schema.get("x-expected")
    if keyword == "type":
        wanted = error.validator_value
        names = [
            _TYPE_NAMES.get(str(t), str(t))
            for t in (wanted if isinstance(wanted, list) else [wanted])
        ]
        message = f"{where}: expected {' or '.join(names)}, got {describe_value(value)}"
        return f"{message} ({note})" if note else message
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[
            keyword
        ]
        return f"{where}: expected a number {sign} {error.validator_value}, got {value}"
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        listed = ", ".join(quote(option) for option in options)
        return f"{where}: expected one of {listed}, got {quote(value)}"
    if keyword == "minLength" and error.validator_value == 1:
        return f"{where}: must not be empty"
    if keyword == "minLength":
        return f"{where}: expected at least {error.validator_value} characters, got {len(value)}"
    if keyword == "maxLength":
        return f"{where}: expected at most {error.validator_value} characters, got {len(value)}"
    if keyword == "pattern":
        expected = expected_text or f"text matching {error.validator_value}"
        return f"{where}: {quote(value)} is not {expected}"
    if keyword == "minItems":
        count = error.validator_value
        return (
            f"{where}: expected at least {count} item{'s' if count != 1 else ''}, got {len(value)}"
        )
    if keyword == "maxItems":
        return f"{where}: expected at most {error.validator_value} items, got {len(value)}"
    return f"{where}: {error.message}"


def _unknown_key_message(key: str, where: str, known: list[str]) -> str:
    place = "the front matter" if where == "front matter" else where
    import difflib  # only when a key is unknown

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    if close:
        return f'unknown key "{key}" in {place}; did you mean "{close[0]}"?'
    return f'unknown key "{key}" in {place}; not part of the seed format'
