"""Rule metadata: a rule's stable code, name, severity and documentation."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from seedlint.diagnostics import Diagnostic, Fix, Severity


@dataclass(frozen=True)
class Rule:
    """A rule's identity and documentation."""

    code: str
    name: str
    summary: str
    """One line: what the rule reports."""
    explanation: str
    """Why it matters, an example and what to write instead (Markdown)."""
    severity: Severity = Severity.ERROR
    fixable: bool = False
    online: bool = False

    def at(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        end: tuple[int, int] | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A finding of this rule at ``path:line:column``."""
        return Diagnostic(
            path=path,
            line=line,
            column=column,
            code=self.code,
            message=message,
            severity=severity or self.severity,
            end_line=end[0] if end else None,
            end_column=end[1] if end else None,
            fix=fix,
        )

    @property
    def flags(self) -> str:
        """``error``, ``warning, fixable``, ``error, online`` ..."""
        return ", ".join(
            [
                self.severity.value,
                *(["fixable"] if self.fixable else []),
                *(["online"] if self.online else []),
            ]
        )

    @property
    def documentation(self) -> str:
        """The full text shown by ``seedlint rule CODE``."""
        body = textwrap.dedent(self.explanation).strip()
        return f"{self.code} {self.name} ({self.flags})\n\n{self.summary}\n\n{body}\n"
