"""Quick fixes, "fix all" and hover, computed from a buffer's findings.

Quick fixes carry exactly the span edits ``--fix`` would apply for a finding
(:class:`seedlint.diagnostics.Fix`); "fix all" runs the same passes as
``seedlint check --fix`` on the buffer (:func:`seedlint.fix.fix_text`).
"""

from __future__ import annotations

import re

from lsprotocol import types

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Edit
from seedlint.fix import fix_text
from seedlint.linter import make_context
from seedlint.registry import find_rule
from seedlint.server.convert import LineIndex, rule_markdown, to_lsp
from seedlint.server.linting import BufferLint

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.seedlint"
_CODE = re.compile(r"\b[A-Z]\d{3}\b")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def _overlaps(a: types.Range, b: types.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a


def code_actions(
    lint: BufferLint,
    uri: str,
    lines: LineIndex,
    wanted: types.Range,
    *,
    only: list[str] | None,
    docs: str | None,
) -> list[types.CodeAction]:
    """A quick fix for every fixable finding touching ``wanted``, and "fix all" when useful."""
    actions: list[types.CodeAction] = []
    if _wants(only, types.CodeActionKind.QuickFix.value):
        for diagnostic in lint.diagnostics:
            fix = diagnostic.fix
            shown = to_lsp(diagnostic, lines, docs)
            if fix is None or not fix.edits or not _overlaps(shown.range, wanted):
                continue
            actions.append(_quick_fix(diagnostic, shown, uri, lines))
    if _wants(only, FIX_ALL_KIND) and any(
        d.fix is not None and d.fix.safe for d in lint.diagnostics
    ):
        edit = fix_all_edit(lint, lines)
        if edit is not None:
            actions.append(
                types.CodeAction(
                    title="seedlint: fix all safely fixable findings",
                    kind=FIX_ALL_KIND,
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
    return actions


def _wants(only: list[str] | None, kind: str) -> bool:
    """The client's ``only`` filter: a kind matches itself and its sub-kinds."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _quick_fix(
    diagnostic: Diagnostic, shown: types.Diagnostic, uri: str, lines: LineIndex
) -> types.CodeAction:
    assert diagnostic.fix is not None
    rule = find_rule(diagnostic.code)
    name = f"{diagnostic.code} {rule.name}" if rule is not None else diagnostic.code
    safe = diagnostic.fix.safe
    title = f"seedlint: fix {name}" + ("" if safe else " (unsafe: may change meaning)")
    edits = [lines.text_edit(edit) for edit in sorted(diagnostic.fix.edits, key=_order)]
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[shown],
        is_preferred=safe,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def _order(edit: Edit) -> tuple[int, int]:
    return edit.start, edit.end


def fix_all_edit(lint: BufferLint, lines: LineIndex) -> types.TextEdit | None:
    """One edit turning the buffer into what ``seedlint check --fix`` would write."""
    raw = lint.text.encode("utf-8")
    fixed = fix_text(raw, lint.shown, make_context(lint.config), unsafe=False)
    if fixed.fixes_applied == 0 or fixed.before == fixed.after:
        return None
    before, after = fixed.before, fixed.after
    # Replace only the part that changed, so the editor keeps cursor and folds elsewhere.
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]
    ):
        suffix += 1
    edit = Edit(prefix, len(before) - suffix, after[prefix : len(after) - suffix])
    return lines.text_edit(edit)


def hover(lint: BufferLint | None, lines: LineIndex, position: types.Position) -> list[Rule]:
    """The rules to explain at ``position``: a code or name under the cursor, else its findings."""
    offset = lines.offset_at(position)
    start = lines.starts[position.line] if position.line < len(lines.starts) else len(lines.text)
    line_end = lines.text.find("\n", start)
    line_text = lines.text[start : len(lines.text) if line_end < 0 else line_end]
    column = offset - start
    for pattern in (_CODE, _NAME):
        for match in pattern.finditer(line_text):
            if match.start() <= column <= match.end():
                rule = find_rule(match.group())
                if rule is not None:
                    return [rule]
    if lint is None:
        return []
    rules: dict[str, Rule] = {}
    for diagnostic in lint.diagnostics:
        found = lines.range_of(diagnostic)
        if _overlaps(found, types.Range(position, position)):
            rule = find_rule(diagnostic.code)
            if rule is not None:
                rules.setdefault(rule.code, rule)
    return list(rules.values())


def hover_markdown(rules: list[Rule], docs: str | None) -> str:
    """The documentation of ``rules``, one after the other."""
    return "\n---\n\n".join(rule_markdown(rule, docs) for rule in rules)
