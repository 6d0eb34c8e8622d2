"""Apply fixes: exact character-span edits, written atomically.

A fix replaces the characters of one value (or inserts one line); every other
byte of the file stays as it was: line endings, comments, quoting, key order
and the byte-order mark. Fixes whose edits overlap an already accepted one are
skipped and picked up by the next pass; passes repeat until nothing changes,
so running ``--fix`` twice changes nothing the second time.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from seedlint.config import Config
from seedlint.diagnostics import Diagnostic, Edit, Fix
from seedlint.discovery import display_path
from seedlint.document import parse_seed
from seedlint.linter import lint_parsed, make_context
from seedlint.rules.context import CheckContext

MAX_PASSES = 10
"""A fix can enable another (http→https changes the expected cdnAmpWebUrl); stop eventually."""
_BOM = "\ufeff"


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one file did (or would do)."""

    path: Path
    before: str
    after: str
    fixes_applied: int

    @property
    def changed(self) -> bool:
        """True when the text differs."""
        return self.before != self.after


def applicable(diagnostics: Iterable[Diagnostic], *, unsafe: bool) -> list[Fix]:
    """The fixes to try, in file order: safe ones, and unsafe ones only when asked."""
    fixes = [d.fix for d in diagnostics if d.fix is not None and (d.fix.safe or unsafe)]
    return sorted(fixes, key=lambda fix: min((e.start, e.end) for e in fix.edits))


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, int]:
    """Apply every fix that does not overlap an earlier one; return the text and the count."""
    taken: list[Edit] = []
    accepted = 0
    for fix in fixes:
        if not fix.edits or any(_conflict(edit, other) for edit in fix.edits for other in taken):
            continue
        taken.extend(fix.edits)
        accepted += 1
    pieces: list[str] = []
    position = 0
    for edit in sorted(taken, key=lambda e: (e.start, e.end)):
        pieces.append(text[position : edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), accepted


def _conflict(a: Edit, b: Edit) -> bool:
    if a.start == b.start:
        return True  # two insertions (or an insertion and a replacement) at one point
    return a.start < b.end and b.start < a.end


def fix_text(raw: bytes, path: str, context: CheckContext, *, unsafe: bool) -> FixedText:
    """Fix the decoded text of ``raw`` until no fix applies (texts exclude the BOM)."""
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        before = raw[3 if has_bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return FixedText("", "", 0, has_bom)  # not text: nothing a fix may touch
    text, total = before, 0
    for _ in range(MAX_PASSES):
        result = parse_seed((_BOM if has_bom else "").encode() + text.encode("utf-8"), path)
        if result.document is None:
            break
        fixes = applicable(lint_parsed(result, path, context), unsafe=unsafe)
        text, count = apply_fixes(text, fixes)
        total += count
        if count == 0:
            break
    return FixedText(before, text, total, has_bom)


@dataclass(frozen=True)
class FixedText:
    """The text of one file before and after fixing, without its BOM."""

    before: str
    after: str
    fixes_applied: int
    has_bom: bool


def fix_paths(
    files: Sequence[Path],
    config: Config,
    *,
    unsafe: bool = False,
    write: bool = True,
    now: datetime | None = None,
) -> list[FixOutcome]:
    """Fix each file in place (or only compute the result when ``write`` is False)."""
    context = make_context(config, now)
    outcomes = []
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError:
            continue  # the lint that follows reports it
        if len(raw) > config.max_file_size:
            continue
        fixed = fix_text(raw, display_path(file, config.root), context, unsafe=unsafe)
        outcome = FixOutcome(file, fixed.before, fixed.after, fixed.fixes_applied)
        if write and outcome.changed:
            write_atomically(file, ((_BOM if fixed.has_bom else "") + fixed.after).encode("utf-8"))
        outcomes.append(outcome)
    return outcomes


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` via a temporary file in the same folder, keeping its mode."""
    mode = stat.S_IMODE(path.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def unified_diff(outcome: FixOutcome, shown: str) -> str:
    """The change as a unified diff (``--diff``), line endings kept as they are."""
    import difflib

    lines = difflib.unified_diff(
        outcome.before.splitlines(keepends=True),
        outcome.after.splitlines(keepends=True),
        fromfile=f"a/{shown}",
        tofile=f"b/{shown}",
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


def fix_reported(
    diagnostics: Sequence[Diagnostic], config: Config, *, unsafe: bool = False
) -> tuple[list[FixOutcome], set[Diagnostic]]:
    """Apply the fixes carried by findings of a finished run (the online ones: image sizes).

    Their edits were computed from the text this run read; a file whose text
    no longer decodes the same way is left alone. Returns the outcomes and the
    findings whose fix was written.
    """
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.fix is not None and (diagnostic.fix.safe or unsafe):
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    outcomes: list[FixOutcome] = []
    fixed: set[Diagnostic] = set()
    for shown, found in by_path.items():
        file = Path(shown) if Path(shown).is_absolute() else config.root / shown
        try:
            raw = file.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        has_bom = text.startswith(_BOM)
        body = text[1:] if has_bom else text
        after, count = apply_fixes(body, applicable(found, unsafe=unsafe))
        if count != len(found):
            continue  # overlapping edits mean the file is not what was linted: leave it
        write_atomically(file, ((_BOM if has_bom else "") + after).encode("utf-8"))
        outcomes.append(FixOutcome(file, body, after, count))
        fixed.update(found)
    return outcomes, fixed
