"""The packaged schema itself: valid, documented, shipped, and agreeing with the examples."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from seedlint.rules.schema import default_schema_path, inline_local_refs
from tests.conftest import PROJECT


def _schema() -> dict[str, Any]:
    return json.loads((PROJECT / "schemas" / "seed.schema.json").read_text(encoding="utf-8"))


def test_packaged_schema_is_a_valid_2020_12_schema() -> None:
    # seedlint skips this check at run time for the packaged schema; this test is why it may.
    jsonschema.Draft202012Validator.check_schema(_schema())


def test_package_ships_the_same_schema() -> None:
    assert json.loads(default_schema_path().read_text(encoding="utf-8")) == _schema()


def test_every_property_is_documented() -> None:
    schema = _schema()
    flat = inline_local_refs(schema)

    def walk(node: dict[str, Any], where: str) -> None:
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}.{name} has no description"
            if sub.get("type") == "object":
                walk(sub, f"{where}.{name}")
            items = sub.get("items")
            if isinstance(items, dict) and items.get("type") == "object":
                walk(items, f"{where}.{name}[]")

    walk(flat, "seed")


def test_examples_in_the_schema_are_valid_for_their_property() -> None:
    flat = inline_local_refs(_schema())
    checked = 0

    def walk(node: Any) -> None:
        nonlocal checked
        if isinstance(node, dict):
            for example in node.get("examples", []):
                if "..." not in json.dumps(example):  # abbreviated examples are prose
                    subschema = {k: v for k, v in node.items() if k not in ("examples", "format")}
                    jsonschema.validate(example, subschema)
                    checked += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(flat)
    assert checked >= 10


def test_inlining_references_keeps_the_meaning() -> None:
    schema = _schema()
    flat = inline_local_refs(schema)
    assert "$ref" not in json.dumps(flat["properties"])
    recursive = {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
    assert inline_local_refs(recursive) is recursive
