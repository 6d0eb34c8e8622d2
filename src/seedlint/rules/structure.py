"""S013 with advice that fits the schema: the reading of plain scalars YAML 1.1 and 1.2 disagree on.

The other structural rules (S001-S014, metadata in :mod:`seedlint.catalogue.structure`)
are reported while the document is read; this one needs the schema, so it runs
with the document rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from seedlint.catalogue.structure import AMBIGUOUS_SCALAR
from seedlint.diagnostics import Diagnostic
from seedlint.document import MAX_FINDINGS_PER_KIND

if TYPE_CHECKING:
    from seedlint.document import JsonPath, SeedDocument
    from seedlint.rules.context import CheckContext


def check_ambiguous_scalars(document: SeedDocument, context: CheckContext) -> Iterator[Diagnostic]:
    """S013: each plain scalar YAML 1.1 and 1.2 read differently, advised by the schema's type."""
    schema = context.validator.schema
    if not isinstance(schema, Mapping):
        schema = {}  # a boolean schema says nothing about types
    for count, (path, ambiguity) in enumerate(document.ambiguities.items()):
        if count == MAX_FINDINGS_PER_KIND:
            return
        span = document.values[path]
        message = ambiguity.message(expected_types(schema, path))
        yield AMBIGUOUS_SCALAR.at(document.path, span.line, span.column, message)


def expected_types(schema: Mapping[str, Any], path: JsonPath) -> frozenset[str]:
    """The JSON types the schema allows at ``path`` (empty when it does not say)."""
    nodes = [schema]
    for part in path:
        nodes = [child for node in nodes for child in _children(schema, node, part)]
    found: set[str] = set()
    for node in nodes:
        for branch in _branches(schema, node):
            kind = branch.get("type")
            if isinstance(kind, str):
                found.add(kind)
            elif isinstance(kind, list):
                found.update(str(k) for k in kind)
            elif "const" in branch or "enum" in branch:
                options = [branch["const"]] if "const" in branch else branch["enum"]
                found.update(_json_type(option) for option in options)
    return frozenset(found)


def _branches(root: Mapping[str, Any], node: Any, depth: int = 0) -> list[Mapping[str, Any]]:
    """``node`` with its local ``$ref`` followed and its ``allOf``/``anyOf``/``oneOf`` spread."""
    if not isinstance(node, Mapping) or depth > 16:
        return []
    found = [node]
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~"))
                if isinstance(target, Mapping)
                else None
            )
        found.extend(_branches(root, target, depth + 1))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(keyword) or ():
            found.extend(_branches(root, sub, depth + 1))
    return found


def _children(root: Mapping[str, Any], node: Any, part: str | int) -> list[Any]:
    children = []
    for branch in _branches(root, node):
        if isinstance(part, str):
            properties = branch.get("properties")
            if isinstance(properties, Mapping) and part in properties:
                children.append(properties[part])
            elif isinstance(branch.get("additionalProperties"), Mapping):
                children.append(branch["additionalProperties"])
        else:
            prefix = branch.get("prefixItems")
            if isinstance(prefix, list) and part < len(prefix):
                children.append(prefix[part])
            elif isinstance(branch.get("items"), Mapping):
                children.append(branch["items"])
    return children


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null" if value is None else "object" if isinstance(value, dict) else "array"
