"""GitHub Actions workflow commands, so findings show up as annotations on the diff.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message``
per finding (``::warning`` for warnings). GitHub's escaping: in the message
``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; property values also escape
``:`` and ``,`` (``%3A``, ``%2C``), which would otherwise end the value.
Before that, every control character of a seed (ESC included, which GitHub's
escaping lets through, and CR/LF, which would become line breaks in the
annotation) is made visible by :func:`~seedlint.diagnostics.visible`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from seedlint.diagnostics import Diagnostic, Severity, visible
from seedlint.reporters.base import ReportContext

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (control characters made visible)."""
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=`` ...) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(diagnostic: Diagnostic) -> str:
    """The one-line annotation command for a finding (without the newline)."""
    properties = [
        ("file", diagnostic.path),
        ("line", str(diagnostic.line)),
        ("col", str(diagnostic.column)),
    ]
    if diagnostic.end_line is not None:
        properties.append(("endLine", str(diagnostic.end_line)))
    if diagnostic.end_column is not None:
        properties.append(("endColumn", str(diagnostic.end_column)))
    properties.append(("title", diagnostic.code))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMANDS[diagnostic.severity]} {joined}::{escape_data(diagnostic.message)}"


def report_github(
    diagnostics: Sequence[Diagnostic], context: ReportContext, stream: TextIO
) -> None:
    """One workflow command per finding, nothing else (an empty run prints nothing)."""
    for diagnostic in diagnostics:
        stream.write(workflow_command(diagnostic) + "\n")
