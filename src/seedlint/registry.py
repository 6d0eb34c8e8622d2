"""Rule metadata and rule selection.

Every rule is declared once, in the module that reports it, as a :class:`Rule`
carrying its stable code, kebab-case name, default severity and documentation.
Codes are a group letter and three digits and are never reused.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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
    def documentation(self) -> str:
        """The full text shown by ``seedlint rule CODE``."""
        flags = [self.severity.value]
        if self.fixable:
            flags.append("fixable")
        if self.online:
            flags.append("online (needs --probe)")
        body = textwrap.dedent(self.explanation).strip()
        return f"{self.code} {self.name} ({', '.join(flags)})\n\n{self.summary}\n\n{body}\n"


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in code order. The list of modules is explicit on purpose."""
    from seedlint.rules import consistency, dates, images, links, schema, structure, urls

    modules: Sequence[Any] = (structure, schema, dates, urls, consistency, links, images)
    rules = [rule for module in modules for rule in module.RULES]
    return tuple(sorted(rules, key=lambda rule: rule.code))


def find_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (``S001``) or name (``missing-front-matter``)."""
    wanted = code_or_name.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None


def selector_matches(selector: str, rule: Rule) -> bool:
    """A selector is ``ALL``, a code prefix (``D``, ``D00``, ``D001``) or a rule name."""
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    return rule.code.startswith(selector.upper()) or selector.lower() == rule.name


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors that match no rule at all (a typo in config or on the command line)."""
    rules = all_rules()
    return [s for s in selectors if not any(selector_matches(s, rule) for rule in rules)]


@dataclass(frozen=True)
class RuleSelection:
    """Which rule codes are on: ``select`` minus ``ignore``."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()

    def enabled_codes(self) -> frozenset[str]:
        """The codes of every enabled rule."""
        return frozenset(
            rule.code
            for rule in all_rules()
            if any(selector_matches(s, rule) for s in self.select)
            and not any(selector_matches(s, rule) for s in self.ignore)
        )
