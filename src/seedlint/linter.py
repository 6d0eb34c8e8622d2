"""The offline pipeline: files → documents → rules → suppressions → sorted findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import discover, display_path
from seedlint.document import ReadResult, SeedDocument, parse_seed, read_seed_file
from seedlint.registry import RuleSelection
from seedlint.rules import schema as schema_rules
from seedlint.suppressions import parse_suppressions, per_file_codes

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

PARALLEL_THRESHOLD = 64
"""Below this many files a worker pool costs more than it saves (the pre-commit case)."""
CHUNK_SIZE = 64


@dataclass(frozen=True)
class CheckContext:
    """What document rules may consult besides the document. Rules never do I/O."""

    config: Config
    validator: Validator
    now: datetime


DocumentCheck = Callable[[SeedDocument, CheckContext], Iterable[Diagnostic]]


def _check_against_schema(document: SeedDocument, context: CheckContext) -> Iterable[Diagnostic]:
    return schema_rules.check_schema(document, context.validator)


def document_checks() -> tuple[DocumentCheck, ...]:
    """Every offline check run on a parsed document, in a fixed order."""
    return (_check_against_schema,)


@dataclass
class LintResult:
    """The findings of one run, sorted by path, line, column and code."""

    diagnostics: list[Diagnostic]
    files_checked: int
    files_with_findings: int = field(default=0)
    checked_paths: list[str] = field(default_factory=list)
    """Display path of every checked file, clean or not, in the order they were checked."""


def lint_text(
    text: str | bytes,
    path: str = "<text>",
    config: Config | None = None,
    *,
    now: datetime | None = None,
) -> list[Diagnostic]:
    """Lint one seed given as text or bytes; return its findings sorted."""
    config = config or Config()
    raw = text.encode("utf-8") if isinstance(text, str) else text
    context = _context(config, now)
    return sorted(_finish(parse_seed(raw, path), path, context))


def lint_paths(
    paths: Sequence[str | Path] = (),
    config: Config | None = None,
    *,
    now: datetime | None = None,
) -> LintResult:
    """Lint files and folders (default: the configured ``paths``) and return every finding."""
    config = config or Config()
    targets = [Path(p) for p in paths] or [config.root / p for p in config.paths]
    files = discover(targets, config)
    diagnostics: list[Diagnostic] = []
    files_with_findings = 0
    for file_diagnostics in _lint_files(files, config, now):
        if file_diagnostics:
            files_with_findings += 1
            diagnostics.extend(file_diagnostics)
    diagnostics.sort()
    checked = [display_path(file, config.root) for file in files]
    return LintResult(diagnostics, len(files), files_with_findings, checked)


def _lint_files(
    files: list[Path], config: Config, now: datetime | None
) -> Iterator[list[Diagnostic]]:
    context = _context(config, now)  # builds the validator once, before any fork
    jobs = config.jobs or os.cpu_count() or 1
    if jobs == 1 or len(files) < PARALLEL_THRESHOLD:
        for file in files:
            yield lint_file(file, context)
        return
    import multiprocessing

    # fork shares the compiled validator with the workers instead of rebuilding it.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunks = [files[i : i + CHUNK_SIZE] for i in range(0, len(files), CHUNK_SIZE)]
    with multiprocessing.get_context(method).Pool(jobs, _init_worker, (context,)) as pool:
        for chunk_result in pool.imap(_lint_chunk, chunks):
            yield from chunk_result


_WORKER_CONTEXT: CheckContext | None = None


def _init_worker(context: CheckContext) -> None:
    global _WORKER_CONTEXT  # noqa: PLW0603 - one context per worker process, set once
    _WORKER_CONTEXT = context


def _lint_chunk(files: list[Path]) -> list[list[Diagnostic]]:
    assert _WORKER_CONTEXT is not None
    return [lint_file(file, _WORKER_CONTEXT) for file in files]


def lint_file(file: Path, context: CheckContext) -> list[Diagnostic]:
    """Read, parse and check one file; every problem becomes a finding, never an exception."""
    shown = display_path(file, context.config.root)
    return sorted(
        _finish(read_seed_file(file, shown, context.config.max_file_size), shown, context)
    )


def _finish(result: ReadResult, shown: str, context: CheckContext) -> list[Diagnostic]:
    diagnostics = list(result.diagnostics)
    document = result.document
    if document is not None:
        for check in document_checks():
            diagnostics.extend(check(document, context))
    if not diagnostics:
        return diagnostics
    enabled = _enabled_codes(context.config, per_file_codes(shown, context.config.per_file_ignores))
    diagnostics = [d for d in diagnostics if d.code in enabled]
    if document is not None and diagnostics:
        suppressions = parse_suppressions(document.text)
        diagnostics = [d for d in diagnostics if not suppressions.silences(d)]
    return diagnostics


@lru_cache(maxsize=64)
def _enabled_codes(config: Config, per_file_ignored: frozenset[str]) -> frozenset[str]:
    selection = RuleSelection(config.select, (*config.ignore, *sorted(per_file_ignored)))
    return selection.enabled_codes()


def _context(config: Config, now: datetime | None) -> CheckContext:
    schema_path = config.schema or schema_rules.default_schema_path()
    validator = schema_rules.load_validator(schema_path)
    return CheckContext(config=config, validator=validator, now=now or datetime.now(timezone.utc))
