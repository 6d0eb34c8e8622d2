"""Rule metadata: a rule's stable code, name, severity and documentation."""

from __future__ import annotations

from typing import NamedTuple

from seedlint.diagnostics import Diagnostic, Fix, Severity


class Rule(NamedTuple):
    """A rule's identity and documentation.

    A NamedTuple rather than a dataclass: every run imports every rule module, and a
    frozen dataclass costs its module most of a millisecond to build.
    """

    code: str
    name: str
    summary: str
    """One line: what the rule reports."""
    explanation: str
    """Why it is bad, and how it is reported (Markdown)."""
    severity: Severity = Severity.ERROR
    fixable: bool = False
    online: bool = False
    example: str = ""
    """A seed that breaks the rule: the whole file, ``---`` lines included."""
    use_instead: str = ""
    """The same seed, fixed."""

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
    def why(self) -> str:
        """The explanation without the source's indentation."""
        import textwrap  # only documentation needs it, never a lint run

        return textwrap.dedent(self.explanation).strip()

    @property
    def example_seed(self) -> str:
        """:attr:`example` without the source's indentation, ending in one line break."""
        return _seed_text(self.example)

    @property
    def fixed_seed(self) -> str:
        """:attr:`use_instead` without the source's indentation, ending in one line break."""
        return _seed_text(self.use_instead)

    @property
    def documentation(self) -> str:
        """The full text shown by ``seedlint rule CODE``, in ruff's sections."""
        import textwrap

        sections = [
            f"{self.code} {self.name} ({self.flags})",
            f"What it does\n{self.summary}",
            f"Why is this bad?\n{self.why}",
        ]
        for title, seed in (("Example", self.example_seed), ("Use instead", self.fixed_seed)):
            if seed:
                sections.append(f"{title}\n{textwrap.indent(seed, '    ')}".rstrip("\n"))
        return "\n\n".join(sections) + "\n"

    @property
    def markdown(self) -> str:
        """The same sections in Markdown (the rules reference, SARIF help)."""
        sections = [f"#### What it does\n\n{self.summary}", f"#### Why is this bad?\n\n{self.why}"]
        for title, seed in (("Example", self.example_seed), ("Use instead", self.fixed_seed)):
            if seed:
                sections.append(f"#### {title}\n\n```yaml\n{seed}```")
        return "\n\n".join(sections) + "\n"


def _seed_text(text: str) -> str:
    import textwrap

    seed = textwrap.dedent(text).strip("\n")
    return seed + "\n" if seed else ""
