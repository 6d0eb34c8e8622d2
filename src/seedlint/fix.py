"""Apply fixes: exact character-span edits, written atomically.

A fix replaces the characters of one value (or inserts one line); every other
byte of the file stays as it was: line endings, comments, quoting, key order
and the byte-order mark. Fixes whose edits overlap an already accepted one are
skipped and picked up by the next pass; passes repeat until nothing changes,
so running ``--fix`` twice changes nothing the second time.

A file is written only if its bytes are still the ones the fixes were computed
from (compare-and-swap, :func:`seedlint.atomic.write_atomically`); a file that
changed meanwhile, a read-only file or an unwritable folder is left alone and
reported (S016), and the run goes on. A symbolic link is fixed by writing the
file it names inside the project, never replaced by a regular file; one
leading outside the project is never written (S015).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from seedlint.atomic import FileChanged, ReadOnly, remove_leftovers, write_atomically
from seedlint.catalogue.files import FIX_NOT_WRITTEN
from seedlint.config import Config
from seedlint.diagnostics import Diagnostic, Edit, Fix, visible
from seedlint.discovery import display_path, escapes_root
from seedlint.document import parse_seed
from seedlint.linter import lint_parsed, make_context, text_digest
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
    not_written: str | None = None
    """Why the fixed text was not written (the file is left as it was), or None."""

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
    cleaned: set[Path] = set()
    for file in files:
        if escapes_root(file, config.root):
            continue  # never read nor written; the lint reports S015
        target = file.resolve() if file.is_symlink() else file
        if write and target.parent not in cleaned:
            remove_leftovers(target.parent)  # of killed runs, even where nothing changes now
            cleaned.add(target.parent)
        try:
            raw = target.read_bytes()
        except OSError:
            continue  # the lint that follows reports it
        if len(raw) > config.max_file_size:
            continue
        fixed = fix_text(raw, display_path(file, config.root), context, unsafe=unsafe)
        outcome = FixOutcome(file, fixed.before, fixed.after, fixed.fixes_applied)
        if write and outcome.changed:
            data = ((_BOM if fixed.has_bom else "") + fixed.after).encode("utf-8")
            outcome = _write(outcome, target, data, raw)
        outcomes.append(outcome)
    return outcomes


def _write(outcome: FixOutcome, target: Path, data: bytes, linted: bytes) -> FixOutcome:
    """Write ``data`` over ``target`` if it still holds ``linted``; say why not otherwise."""
    try:
        write_atomically(target, data, expected=linted)
    except FileChanged:
        reason = "changed while seedlint ran; not fixed"
    except ReadOnly:
        reason = "is read-only; not fixed"
    except OSError as error:
        reason = f"cannot be written ({error.strerror or error}); not fixed"
    else:
        return outcome
    return FixOutcome(outcome.path, outcome.before, outcome.before, 0, reason)


def not_written_findings(outcomes: Iterable[FixOutcome], root: Path) -> list[Diagnostic]:
    """One S016 finding per file whose fixes could not be written."""
    return [
        FIX_NOT_WRITTEN.at(display_path(o.path, root), 1, 1, o.not_written)
        for o in outcomes
        if o.not_written is not None
    ]


def unified_diff(outcome: FixOutcome, shown: str) -> str:
    """The change as a unified diff (``--diff``), for a person to read.

    Line breaks (LF, CRLF) are kept as they are; every other control character
    of the seed or its name is shown escaped (:func:`~seedlint.diagnostics.visible`),
    so a diff line can neither restyle the terminal nor start a line of its own.
    """
    import difflib

    lines = difflib.unified_diff(
        outcome.before.splitlines(keepends=True),
        outcome.after.splitlines(keepends=True),
        fromfile=f"a/{shown}",
        tofile=f"b/{shown}",
    )
    return "".join(_visible_line(line) for line in lines)


def _visible_line(line: str) -> str:
    for ending in ("\r\n", "\n"):
        if line.endswith(ending):
            return visible(line[: -len(ending)]) + ending
    return visible(line) + "\n"


def fix_reported(
    diagnostics: Sequence[Diagnostic],
    config: Config,
    linted: Mapping[str, str],
    *,
    unsafe: bool = False,
) -> tuple[list[FixOutcome], set[Diagnostic]]:
    """Apply the fixes carried by findings of a finished run (the online ones: image sizes).

    Their edits were computed from the text this run read, before probing:
    ``linted`` maps each display path to the ``text_digest`` of that text.
    A file whose text is no longer the same, or changes before the write, is
    left alone (its outcome says why). Returns the outcomes and the findings
    whose fix was written.
    """
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        # Only files read for the probe: the offline pass already tried the others.
        fixable = diagnostic.fix is not None and (diagnostic.fix.safe or unsafe)
        if fixable and diagnostic.path in linted:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    outcomes: list[FixOutcome] = []
    fixed: set[Diagnostic] = set()
    for shown, found in sorted(by_path.items()):
        file = Path(shown) if Path(shown).is_absolute() else config.root / shown
        if escapes_root(file, config.root):
            continue
        target = file.resolve() if file.is_symlink() else file
        try:
            raw = target.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            outcomes.append(FixOutcome(file, "", "", 0, "changed while seedlint ran; not fixed"))
            continue
        has_bom = text.startswith(_BOM)
        body = text[1:] if has_bom else text
        if linted.get(shown) != text_digest(body):
            outcomes.append(
                FixOutcome(file, body, body, 0, "changed while seedlint ran; not fixed")
            )
            continue
        after, count = apply_fixes(body, applicable(found, unsafe=unsafe))
        if count != len(found):
            continue  # overlapping edits: leave the file for the next --fix run
        outcome = FixOutcome(file, body, after, count)
        if after != body:
            remove_leftovers(target.parent)
            outcome = _write(outcome, target, ((_BOM if has_bom else "") + after).encode(), raw)
        outcomes.append(outcome)
        if outcome.not_written is None:
            fixed.update(found)
    return outcomes, fixed
