"""The compiled validity check agrees with jsonschema, the reference, finding for finding."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from seedlint import Config, lint_text
from seedlint.document import parse_seed
from seedlint.rules import schema as schema_rules
from seedlint.rules.schema_compiled import KEYWORDS_2020_12, compile_schema
from seedlint.rules.schema_source import generate_check
from tests.conftest import CASES, FIXED_NOW, PROJECT

SCHEMA = json.loads((PROJECT / "schemas" / "seed.schema.json").read_text(encoding="utf-8"))


def _pair(schema: Any) -> tuple[schema_rules.SchemaValidator, schema_rules.SchemaValidator]:
    return schema_rules.SchemaValidator(schema), schema_rules.SchemaValidator(
        schema, compiled=False
    )


FAST, REFERENCE = _pair(SCHEMA)
GENERATED = schema_rules.SchemaValidator(SCHEMA, generate_after=0)
"""The check written out as one function (rules.schema_source) from the start."""


META = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)


def _errors(validator: schema_rules.SchemaValidator, data: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(map(str, e.absolute_path)), str(e.validator), e.message)
        for e in validator.iter_errors(data)
    )


def _agree(
    data: Any,
    fast: schema_rules.SchemaValidator = FAST,
    generated: schema_rules.SchemaValidator = GENERATED,
) -> bool:
    """Assert the verdicts of the closures and of the generated function are jsonschema's;
    return the verdict."""
    assert fast.is_valid is not None and generated.is_valid is not None
    reference_valid = not list(fast.reference.iter_errors(data))
    assert fast.is_valid(data) is reference_valid, data
    assert generated.is_valid(data) is reference_valid, data
    return reference_valid


def _is_generated(check: Any) -> bool:
    return bool(check.__code__.co_filename == "<seedlint schema check>")


def test_the_packaged_schema_is_written_out_after_some_documents() -> None:
    assert _is_generated(GENERATED.is_valid)
    validator = schema_rules.SchemaValidator(SCHEMA, generate_after=3)
    for _ in range(2):
        assert not list(validator.iter_errors(BASE.data))
        assert not _is_generated(validator.is_valid)
    assert not list(validator.iter_errors(BASE.data))
    assert _is_generated(validator.is_valid)
    assert list(validator.iter_errors({}))  # and still finds errors


def test_the_packaged_schema_compiles() -> None:
    assert FAST.is_valid is not None
    assert REFERENCE.is_valid is None


def test_the_keyword_list_is_jsonschemas() -> None:
    assert set(jsonschema.Draft202012Validator.VALIDATORS) == KEYWORDS_2020_12


def _documents() -> list[Any]:
    files = sorted(CASES.rglob("*.txt")) + sorted((PROJECT / "seeds").glob("*.txt"))
    documents = [parse_seed(path.read_bytes(), path.name).document for path in files]
    return [document for document in documents if document is not None]


@pytest.mark.parametrize("document", _documents(), ids=lambda d: d.path)
def test_every_case_file_gets_the_same_findings(document: Any) -> None:
    _agree(document.data)
    fast = list(schema_rules.check_schema(document, FAST))
    reference = list(schema_rules.check_schema(document, REFERENCE))
    assert fast == reference
    assert list(schema_rules.check_schema(document, GENERATED)) == reference
    assert [d.message for d in fast] == [d.message for d in reference]


# -- generated seeds: a valid seed with some fields replaced by arbitrary values ---------------

BASE_FILE = sorted((PROJECT / "seeds").glob("*.txt"))[0]
BASE = parse_seed(BASE_FILE.read_bytes(), "base").document
assert BASE is not None

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([0.0, 1.0, -1.0, 1.5, math.inf, -math.inf, math.nan, 10**20]),
    st.sampled_from(
        [
            "",
            " ",
            "article",
            "Article",
            "example.com",
            "https://www.example.com/a",
            "http://x",
            "https://exa mple.com/",
            "https://例え.jp/パス",
            "2020-10-19T00:00:00Z",
            "2020-02-30T10:00:00Z",
            "2020-10-19 00:00:00Z",
            "QUJD;QUJD",
            "AI",
            "true",
        ]
    ),
    st.text(max_size=5),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["url", "width", "height", "title", "webUrl", "name", "domain", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=8,
)
KEYS = [*SCHEMA["properties"], "tittle", "extra"]


@st.composite
def seeds(draw: st.DrawFn) -> Any:
    data = json.loads(json.dumps(BASE.data))
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=4)):
        action = draw(st.sampled_from(["replace", "delete", "nest"]))
        if action == "delete":
            data.pop(key, None)
        elif action == "nest" and isinstance(data.get(key), list) and data[key]:
            data[key][draw(st.integers(0, len(data[key]) - 1))] = draw(values)
        elif action == "nest" and isinstance(data.get(key), dict) and data[key]:
            inner = draw(st.sampled_from(sorted(data[key])))
            data[key][inner] = draw(values)
        else:
            data[key] = draw(values)
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds())
def test_generated_seeds_get_the_same_verdict(data: Any) -> None:
    _agree(data)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 3))
def test_valid_generated_seeds_are_valid(index: int) -> None:
    data = json.loads(json.dumps(BASE.data))
    data["topics"] = data["topics"][: index + 1] or ["AI"]
    assert _agree(data)


# -- generated schemas: every mirrored keyword against arbitrary instances ----------------------

leaf_schemas = st.one_of(
    st.booleans(),
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(
                ["string", "integer", "number", "boolean", "null", "array", "object"]
            )
            | st.lists(st.sampled_from(["string", "integer", "null"]), min_size=1, max_size=2),
            "enum": st.lists(scalars, min_size=1, max_size=3),
            "const": scalars,
            "minimum": st.integers(-2, 2),
            "maximum": st.integers(-2, 2),
            "exclusiveMinimum": st.integers(-2, 2),
            "exclusiveMaximum": st.sampled_from([-1, 0, 1.5]),
            "minLength": st.integers(0, 2),
            "maxLength": st.integers(0, 2),
            "pattern": st.sampled_from(["^a", "e$", "[0-9]"]),
            "format": st.sampled_from(["date-time", "iri", "uri", "email"]),
            "minItems": st.integers(0, 2),
            "maxItems": st.integers(0, 2),
            "uniqueItems": st.booleans(),
            "minProperties": st.integers(0, 2),
            "maxProperties": st.integers(0, 2),
            "required": st.lists(st.sampled_from(["url", "x", "name"]), max_size=2, unique=True),
            "dependentRequired": st.just({"url": ["width"]}),
            "x-expected": st.just("ignored"),
        },
    ),
)


def _extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {},
        optional={
            "properties": st.dictionaries(
                st.sampled_from(["url", "x", "width"]), inner, max_size=2
            ),
            "patternProperties": st.dictionaries(st.sampled_from(["^w", "l$"]), inner, max_size=1),
            "additionalProperties": inner,
            "propertyNames": inner,
            "items": inner,
            "prefixItems": st.lists(inner, max_size=2),
            "allOf": st.lists(inner, min_size=1, max_size=2),
            "anyOf": st.lists(inner, min_size=1, max_size=2),
            "oneOf": st.lists(inner, min_size=1, max_size=2),
            "not": inner,
            "if": inner,
            "then": inner,
            "else": inner,
        },
    )


schemas = st.recursive(leaf_schemas, _extend, max_leaves=6)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas, values)
def test_generated_schemas_get_the_same_verdict(schema: Any, instance: Any) -> None:
    assume(META.is_valid(schema))  # only schemas a user could configure
    fast = schema_rules.SchemaValidator(schema)
    generated = schema_rules.SchemaValidator(schema, generate_after=0)
    _agree(instance, fast, generated)
    if generate_check(fast.inlined, schema_rules._FORMAT_CHECKS) is not None:  # it is used
        assert _is_generated(generated.is_valid)


# -- a user's own schema keeps working ----------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"quality": {"multipleOf": 3}}},
        {"$defs": {"n": {"items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"},
        {"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"q": {}}},
        {"properties": {"topics": {"contains": {"const": "AI"}}}},
    ],
)
def test_schemas_the_compiler_does_not_mirror_fall_back_to_jsonschema(schema: Any) -> None:
    assert compile_schema(schema, {}) is None
    validator = schema_rules.SchemaValidator(schema)
    assert validator.is_valid is None
    instance = {"quality": 4, "topics": ["x"], "q": 1}
    assert _errors(validator, instance) == _errors(
        schema_rules.SchemaValidator(schema, compiled=False), instance
    )


def test_a_user_schema_the_compiler_does_not_mirror_reports_findings(tmp_path: Path) -> None:
    path = tmp_path / "mine.schema.json"
    path.write_text(json.dumps({"type": "object", "properties": {"quality": {"multipleOf": 2}}}))
    raw = BASE_FILE.read_text(encoding="utf-8")
    odd = re.sub(r"^quality: .*$", "quality: 3", raw, count=1, flags=re.MULTILINE)
    config = Config(schema=path)
    assert [d.code for d in lint_text(odd, config=config, now=FIXED_NOW) if d.code[0] == "E"] == [
        "E004"
    ]
    even = re.sub(r"^quality: .*$", "quality: 4", raw, count=1, flags=re.MULTILINE)
    assert [d.code for d in lint_text(even, config=config, now=FIXED_NOW) if d.code[0] == "E"] == []


def test_a_clean_run_never_imports_jsonschema(tmp_path: Path) -> None:
    seed = tmp_path / "one.txt"
    seed.write_bytes(BASE_FILE.read_bytes())
    program = (
        "import sys\nfrom seedlint.cli import main\n"
        f"code = main(['check', '--no-cache', {str(seed)!r}])\n"
        "sys.exit(10 + code if 'jsonschema' in sys.modules else code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("keyword", ["items", "properties"])
def test_a_schema_too_deep_to_write_out_keeps_its_closures(keyword: str) -> None:
    schema: Any = {"type": "string"}
    for _ in range(200):
        schema = {"items": schema} if keyword == "items" else {"properties": {"a": schema}}
    assert generate_check(schema, {}) is None
    validator = schema_rules.SchemaValidator(schema, generate_after=0)
    assert validator.is_valid is not None and not _is_generated(validator.is_valid)
    deep: Any = 1
    for _ in range(200):
        deep = [deep] if keyword == "items" else {"a": deep}
    _agree(deep, schema_rules.SchemaValidator(schema), validator)
