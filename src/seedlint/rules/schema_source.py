"""The compiled validity check written out as one Python function (draft 2020-12).

:mod:`~seedlint.rules.schema_compiled` builds the check as a tree of closures: one
call per keyword and per value, about 250 calls for a seed. Here the keywords a
seed schema is made of (types, properties, required keys, lists, lengths, patterns,
formats, bounds) become plain statements of one generated function, which returns
False at the first failure; every other keyword is the closure
:mod:`~seedlint.rules.schema_compiled` builds for it, called from that function. The
verdict is the closures' by construction, and jsonschema's (the differential tests
hold all three in agreement). Writing the function costs about a millisecond, so a
run generates it only once it has many documents to check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from seedlint.rules.schema_compiled import (
    _NOT_MIRRORED,
    DRAFT_2020_12,
    KEYWORDS_2020_12,
    Check,
    FormatCheck,
    Unsupported,
    _Compiler,
    _is_integer,
    _is_number,
)

_TYPE_TESTS = {
    "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)",
    "integer": "_is_integer({v})",
    "null": "{v} is None",
    "number": "_is_number({v})",
    "object": "isinstance({v}, dict)",
    "string": "isinstance({v}, str)",
}
_PYTHON_TYPES = {"array": "list", "object": "dict", "string": "str"}
_BOUNDS = {
    "minimum": "<",
    "maximum": ">",
    "exclusiveMinimum": "<=",
    "exclusiveMaximum": ">=",
}


def generate_check(schema: Any, formats: Mapping[str, FormatCheck]) -> Check | None:
    """The validity check of ``schema`` as one generated function; None when
    :func:`~seedlint.rules.schema_compiled.compile_schema` would not compile it either,
    or the function cannot be written (a schema nested too deeply for Python's parser)."""
    if isinstance(schema, dict) and schema.get("$schema", DRAFT_2020_12).rstrip("#") != (
        DRAFT_2020_12
    ):
        return None
    writer = _Writer(_Compiler(formats))
    try:
        writer.node(schema, "v0", 1)
        source = "def check(v0):\n" + "\n".join(writer.lines) + "\n    return True\n"
        namespace = dict(writer.names)
        # Our own source: the schema reaches it only as repr() of strings and as constants.
        exec(compile(source, "<seedlint schema check>", "exec"), namespace)
    except (Unsupported, re.error, TypeError, ValueError, SyntaxError, RecursionError, MemoryError):
        return None
    check: Check = namespace["check"]
    return check


class _Writer:
    """Writes the statements of the check, one schema node at a time."""

    def __init__(self, compiler: _Compiler) -> None:
        self.compiler = compiler
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"_is_integer": _is_integer, "_is_number": _is_number}
        self.variables = 0

    def constant(self, value: Any) -> str:
        """A global name of the generated function bound to ``value``."""
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def variable(self) -> str:
        self.variables += 1
        return f"v{self.variables}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def node(self, schema: Any, var: str, indent: int) -> None:
        """Statements that return False when the value in ``var`` fails ``schema``.

        The keywords are taken in :meth:`_Compiler.compile`'s order, so a check that
        raises (the run then asks jsonschema) is reached exactly when it is there.
        """
        if schema is True:
            return
        if schema is False:
            self.emit(indent, "return False")
            return
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        used = KEYWORDS_2020_12.intersection(schema)
        if used & _NOT_MIRRORED:
            raise Unsupported(", ".join(sorted(used & _NOT_MIRRORED)))
        known = None
        if "type" in schema:
            known = self._type(schema["type"], var, indent)
        for keyword in sorted(used - {"type"}):
            write = getattr(self, "_" + keyword, None)
            if write is not None and write(schema[keyword], schema, var, indent, known):
                continue
            check = getattr(self.compiler, "_" + keyword)(schema[keyword], schema)
            if check is not None:
                self.emit(indent, f"if not {self.constant(check)}({var}): return False")

    def block(self, schema: Any, var: str, indent: int) -> None:
        """:meth:`node` where a statement must follow (``pass`` when it writes nothing)."""
        count = len(self.lines)
        self.node(schema, var, indent)
        if len(self.lines) == count:
            self.emit(indent, "pass")

    def guard(self, kind: str, var: str, indent: int, known: str | None) -> int:
        """Open ``if isinstance(var, kind):`` unless the type is already checked."""
        if known == kind:
            return indent
        self.emit(indent, f"if isinstance({var}, {kind}):")
        return indent + 1

    # -- keywords written out (each returns False to leave the keyword to its closure) -------

    def _type(self, wanted: Any, var: str, indent: int) -> str | None:
        names = wanted if isinstance(wanted, list) else [wanted]
        if not names or not all(isinstance(name, str) and name in _TYPE_TESTS for name in names):
            raise Unsupported(f"type {wanted!r}")
        tests = " or ".join(_TYPE_TESTS[name].format(v=var) for name in names)
        self.emit(indent, f"if not ({tests}): return False")
        return _PYTHON_TYPES.get(names[0]) if len(names) == 1 else None

    def _allOf(self, schemas: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        if not isinstance(schemas, list):
            return False
        for each in schemas:
            self.node(each, var, indent)
        return True

    def _format(self, name: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        check = self.compiler.formats.get(name) if isinstance(name, str) else None
        if check is not None:
            self.emit(indent, f"if not {self.constant(check)}({var}): return False")
        return True

    def _bound(self, keyword: str, limit: Any, var: str, indent: int) -> bool:
        test = f"_is_number({var}) and {var} {_BOUNDS[keyword]} {self.constant(limit)}"
        self.emit(indent, f"if {test}: return False")
        return True

    def _minimum(self, limit: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        return self._bound("minimum", limit, var, indent)

    def _maximum(self, limit: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        return self._bound("maximum", limit, var, indent)

    def _exclusiveMinimum(
        self, limit: Any, _: Any, var: str, indent: int, known: str | None
    ) -> bool:
        return self._bound("exclusiveMinimum", limit, var, indent)

    def _exclusiveMaximum(
        self, limit: Any, _: Any, var: str, indent: int, known: str | None
    ) -> bool:
        return self._bound("exclusiveMaximum", limit, var, indent)

    def _length(
        self, kind: str, sign: str, limit: Any, var: str, indent: int, *, known: str | None
    ) -> bool:
        inner = self.guard(kind, var, indent, known)
        self.emit(inner, f"if len({var}) {sign} {self.constant(limit)}: return False")
        return True

    def _minLength(self, limit: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        return self._length("str", "<", limit, var, indent, known=known)

    def _maxLength(self, limit: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        return self._length("str", ">", limit, var, indent, known=known)

    def _minItems(self, limit: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        return self._length("list", "<", limit, var, indent, known=known)

    def _maxItems(self, limit: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        return self._length("list", ">", limit, var, indent, known=known)

    def _pattern(self, pattern: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        search = self.constant(re.compile(pattern).search)
        inner = self.guard("str", var, indent, known)
        self.emit(inner, f"if {search}({var}) is None: return False")
        return True

    def _required(self, names: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        wanted = list(names)
        if not all(type(name) is str for name in wanted):
            return False
        if wanted:
            inner = self.guard("dict", var, indent, known)
            missing = " or ".join(f"{name!r} not in {var}" for name in wanted)
            self.emit(inner, f"if {missing}: return False")
        return True

    def _properties(self, schemas: Any, _: Any, var: str, indent: int, known: str | None) -> bool:
        if not isinstance(schemas, dict) or not all(type(name) is str for name in schemas):
            return False
        present = [(name, each) for name, each in schemas.items() if each is not True]
        if not present:
            return True
        inner = self.guard("dict", var, indent, known)
        for name, each in present:
            item = self.variable()
            self.emit(inner, f"if {name!r} in {var}:")
            self.emit(inner + 1, f"{item} = {var}[{name!r}]")
            self.block(each, item, inner + 1)
        return True

    def _additionalProperties(
        self, schema: Any, parent: dict[str, Any], var: str, indent: int, known: str | None
    ) -> bool:
        if schema is True:
            return True
        properties = parent.get("properties", {})
        if schema is not False or "patternProperties" in parent or not isinstance(properties, dict):
            return False
        inner = self.guard("dict", var, indent, known)
        allowed = self.constant(frozenset(properties))
        self.emit(inner, f"if not {allowed}.issuperset({var}): return False")
        return True

    def _items(
        self, schema: Any, parent: dict[str, Any], var: str, indent: int, known: str | None
    ) -> bool:
        if "prefixItems" in parent:
            return False
        if schema is True:
            return True
        inner = self.guard("list", var, indent, known)
        item = self.variable()
        self.emit(inner, f"for {item} in {var}:")
        self.block(schema, item, inner + 1)
        return True
