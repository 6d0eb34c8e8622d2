"""JUnit XML for CI test-report views (GitLab, Jenkins, Azure, GitHub test-report actions).

Layout (see docs/output-formats.md): ``<testsuites>`` holding one
``<testsuite name="seedlint">``, one ``<testcase>`` per checked file
(``name`` = the file's path, ``classname`` = its folder), so clean files are
passing tests. Each finding that fails the run (every error; warnings too
under ``--strict``) is a ``<failure>`` with ``type`` = the rule code,
``message`` = the finding's message and the text ``line:col CODE message``.
Other warnings do not fail the test case: they are listed in the case's
``<system-out>``. Nothing is ``skipped`` or an ``error`` (JUnit keeps errors
for a crashing harness; a broken seed is a failure). The ``failures`` counts
count ``<failure>`` elements, as junitparser does.

Control characters from seeds and file names are first made visible
(:func:`~seedlint.diagnostics.visible`). The XML is written by hand so its
escaping is exact: characters XML 1.0 cannot
carry at all (most C0 controls) become U+FFFD, and CR, LF and TAB in
attributes and CR in text are character references, so a parser returns them
unchanged instead of normalizing them away.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import TextIO

from seedlint.diagnostics import Diagnostic, visible
from seedlint.reporters.base import ReportContext, fails_run

# Characters XML 1.0 cannot hold: the complement of its Char production, spelled
# out, because the negated class over all of Unicode takes 3 ms to compile.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTRIBUTE_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>\r"\n\t]')


def xml_safe(text: str) -> str:
    """Replace the characters XML 1.0 forbids with U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _text(text: str) -> str:
    return _TEXT_SPECIAL.sub(lambda m: _TEXT_ESCAPES[m.group()], xml_safe(text))


def _attribute(text: str) -> str:
    return _ATTRIBUTE_SPECIAL.sub(lambda m: _ATTRIBUTE_ESCAPES[m.group()], xml_safe(text))


def _attributes(**values: str | int) -> str:
    return "".join(f' {key}="{_attribute(str(value))}"' for key, value in values.items())


def _line(diagnostic: Diagnostic) -> str:
    return visible(f"{diagnostic.line}:{diagnostic.column} {diagnostic.code} {diagnostic.message}")


def report_junit(diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO) -> None:
    """Write one JUnit XML document: a test case per checked file, a failure per failing finding."""
    by_path: dict[str, list[Diagnostic]] = {path: [] for path in context.checked_paths}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    paths = sorted(by_path)
    failures = sum(1 for d in diagnostics if fails_run(d, context))
    counts = {"tests": len(paths), "failures": failures, "errors": 0, "skipped": 0}
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(f"<testsuites{_attributes(name='seedlint', **counts)}>\n")
    stream.write(f"  <testsuite{_attributes(name='seedlint', **counts)}>\n")
    for path in paths:
        folder = visible(PurePosixPath(path).parent.as_posix())
        failing = [d for d in by_path[path] if fails_run(d, context)]
        passing = [d for d in by_path[path] if not fails_run(d, context)]
        case = _attributes(classname=folder, name=visible(path))
        if not failing and not passing:
            stream.write(f"    <testcase{case}/>\n")
            continue
        stream.write(f"    <testcase{case}>\n")
        for d in failing:
            failure = _attributes(message=visible(d.message), type=d.code)
            stream.write(f"      <failure{failure}>{_text(_line(d))}</failure>\n")
        if passing:
            listed = "".join(f"{_line(d)} ({d.severity.value})\n" for d in passing)
            stream.write(f"      <system-out>{_text(listed)}</system-out>\n")
        stream.write("    </testcase>\n")
    stream.write("  </testsuite>\n</testsuites>\n")
