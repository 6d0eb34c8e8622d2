"""Shared material for the reporter tests: fixed findings, parsers of the formats, the schema.

The parsers here are the tests' own, written from each format's specification,
so a reporter cannot pass by agreeing with itself.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from seedlint.diagnostics import Diagnostic, Edit, Fix, Severity
from seedlint.registry import all_rules
from seedlint.reporters import REPORTERS, ReportContext

TESTS = Path(__file__).parent
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"

NASTY_MESSAGE = "per%cent\r\nCR-LF, comma: colon <lt> &amp; \"dq\" 'sq' é 😀 \x01 ctrl %0A"
NASTY_PATH = "seeds/we%ird, na:me <&>\"'é😀\r\n.txt"
"""Every character some format must escape: % CR LF : , < > & " ' non-ASCII and a C0 control."""

FINDINGS = (
    Diagnostic(
        "seeds/a.txt",
        5,
        20,
        "D001",
        'publishedDateTime "2020-13-19T00:00:00Z" is not an RFC 3339 date-time: month 13 does not exist',
        end_line=5,
        end_column=42,
    ),
    Diagnostic(
        "seeds/a.txt",
        9,
        10,
        "E003",
        'quality: expected an integer, got the string "33"',
        end_line=9,
        end_column=14,
        fix=Fix((Edit(120, 124, "33"),)),
    ),
    Diagnostic(
        "seeds/a.txt",
        12,
        11,
        "S013",
        "plain no is read as the boolean false by YAML 1.1 (PyYAML) but as text by YAML 1.2; quote it if you mean text",
        severity=Severity.WARNING,
    ),
    Diagnostic("seeds/sub/b.md", 20, 12, "E004", "images[0].width: expected a number ≥ 1, got -5"),
    Diagnostic("seeds/sub/b.md", 3, 1, "X999", "a finding of a rule this version does not know"),
)
CHECKED = ("seeds/a.txt", "seeds/clean.txt", "seeds/sub/b.md")


def sorted_findings() -> list[Diagnostic]:
    return sorted(FINDINGS)


def context(
    *, checked: Sequence[str] = CHECKED, strict: bool = False, full_catalogue: bool = False
) -> ReportContext:
    """A context with fixed version and root, so the output is the same on every machine."""
    codes = {d.code for d in FINDINGS}
    rules = all_rules() if full_catalogue else tuple(r for r in all_rules() if r.code in codes)
    return ReportContext(
        files_checked=len(checked),
        checked_paths=tuple(checked),
        rules=rules,
        strict=strict,
        tool_version="9.8.7",
        root_uri="file:///project/",
    )


def render(fmt: str, diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    stream = io.StringIO()
    REPORTERS[fmt](diagnostics, ctx, stream)
    return stream.getvalue()


def nasty_finding(severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(
        NASTY_PATH, 3, 7, "E005", NASTY_MESSAGE, severity=severity, end_line=4, end_column=2
    )


# --- SARIF ---------------------------------------------------------------------------------


def _refuse_remote(uri: str) -> Any:
    raise AssertionError(f"the SARIF schema must not resolve remote references, asked for {uri}")


def sarif_validator() -> Any:
    """A Draft 7 validator (the schema's ``$schema``) that never touches the network.

    The vendored copy keeps the root log definition under ``definitions.Root``
    and has no constraints at its top level, so validating against the file as
    is would accept anything; the root definition is lifted to the top, which
    is what the official schema's root says.
    """
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    if "properties" not in schema and "Root" in schema.get("definitions", {}):
        schema = {**schema, **schema["definitions"]["Root"]}
    Draft7Validator.check_schema(schema)
    resource = Resource.from_contents(schema)
    registry: Registry[Any] = Registry(retrieve=_refuse_remote).with_resource(
        schema["$id"], resource
    )
    return Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


# --- GitHub workflow commands ------------------------------------------------------------

_COMMAND = re.compile(r"^::(?P<command>[a-z]+)(?: (?P<properties>[^:]*))?::(?P<data>.*)$")


_DATA_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n"}
_PROPERTY_ESCAPES = {**_DATA_ESCAPES, "%3A": ":", "%2C": ","}


def _unescape(text: str, escapes: dict[str, str]) -> str:
    """Decode in one pass, as a reader of the format must (no double decoding)."""
    pattern = "|".join(re.escape(escape) for escape in escapes)
    return re.sub(pattern, lambda m: escapes[m.group()], text)


def _unescape_data(text: str) -> str:
    return _unescape(text, _DATA_ESCAPES)


def _unescape_property(text: str) -> str:
    return _unescape(text, _PROPERTY_ESCAPES)


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """``(command, properties, message)`` of one ``::command k=v,k=v::message`` line."""
    match = _COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    properties: dict[str, str] = {}
    for pair in (match["properties"] or "").split(","):
        key, sep, value = pair.partition("=")
        assert sep, f"property without '=': {pair!r} in {line!r}"
        assert key not in properties, f"repeated property {key!r}"
        properties[key] = _unescape_property(value)
    return match["command"], properties, _unescape_data(match["data"])


def diagnostic_from_command(line: str) -> Diagnostic:
    command, props, message = parse_workflow_command(line)
    return Diagnostic(
        path=props["file"],
        line=int(props["line"]),
        column=int(props["col"]),
        code=props["title"],
        message=message,
        severity=Severity.ERROR if command == "error" else Severity.WARNING,
        end_line=int(props["endLine"]) if "endLine" in props else None,
        end_column=int(props["endColumn"]) if "endColumn" in props else None,
    )


def sarif_path(artifact_location: dict[str, str]) -> str:
    assert artifact_location["uriBaseId"] == "%SRCROOT%"
    return unquote(artifact_location["uri"])
