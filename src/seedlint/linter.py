"""The offline pipeline: files → documents → rules → suppressions → sorted findings."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seedlint import cross_file, result_cache
from seedlint.catalogue.files import OUTSIDE_PROJECT, UNKNOWN_SUPPRESSION
from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.discovery import Found, display_path, escapes_root, inside_root, stream
from seedlint.document import ReadResult, SeedDocument, parse_seed, read_seed_file
from seedlint.project_index import FileStamp
from seedlint.registry import RuleSelection
from seedlint.result_cache import Entry, ResultStore, UnchangedFiles, proven_clean
from seedlint.rules import consistency, dates, editorial, structure, urls, vocabulary
from seedlint.rules import schema as schema_rules
from seedlint.rules.consistency import WebUrlEntry
from seedlint.rules.context import CheckContext
from seedlint.suppressions import Suppressions, may_suppress, per_file_codes, suppressions_of

if TYPE_CHECKING:
    from seedlint.online import UrlUse
    from seedlint.probe import ProgressSnapshot

LOOKUP_SIZE = 1024
"""Files whose stored results are looked up in one query."""
CHUNK_SIZE = 64
"""Files per worker task; a pool starts only once this many files wait to be linted (fewer
cost less to lint here than a pool costs to start)."""
FEW_FILES = 8
"""Runs on fewer named files than this (pre-commit on a commit) skip the result cache: opening
and fingerprinting it costs more than linting them (the project index still serves C010)."""


DocumentCheck = Callable[[SeedDocument, CheckContext], Iterable[Diagnostic]]


def _check_against_schema(document: SeedDocument, context: CheckContext) -> Iterable[Diagnostic]:
    return schema_rules.check_schema(document, context.validator)


def document_checks() -> tuple[DocumentCheck, ...]:
    """Every offline check run on a parsed document, in a fixed order."""
    return (
        _check_against_schema,
        dates.check_date_times,
        dates.check_date_ranges,
        urls.check_url_formats,
        urls.check_urls,
        consistency.check_values,
        structure.check_ambiguous_scalars,
        editorial.check_editorial,
        vocabulary.check_vocabulary,
    )


@dataclass
class LintResult:
    """The findings of one run, sorted by path, line, column and code."""

    diagnostics: list[Diagnostic]
    files_checked: int
    files_with_findings: int = field(default=0)
    probe_summary: str | None = None
    """One line about the probe run (URLs, requests, cache hits), when there was one."""
    index_stats: dict[str, int] = field(default_factory=dict)
    """Project index lookups of the cross-file pass: ``hits`` and ``misses`` (files read)."""
    checked_paths: list[str] = field(default_factory=list)
    """Display path of every checked file, clean or not (kept only for the junit report)."""
    notices: list[str] = field(default_factory=list)
    """Things the user should know that are not findings (a corrupt cache was rebuilt ...)."""
    interrupted: bool = False
    """The probe run was stopped by Ctrl-C: its unfinished URLs are reported not checked."""
    text_digests: dict[str, str] = field(default_factory=dict)
    """Display path → digest of the text read, for files with online findings (their fixes)."""


@dataclass(frozen=True)
class FileReport:
    """What the per-file pass hands back: findings, and the small facts later passes need."""

    path: str
    diagnostics: list[Diagnostic]
    web_url: WebUrlEntry | None = None
    """For the cross-file duplicate check (C010)."""
    stamp: FileStamp | None = None
    """The file's stamp taken before reading it, for the project index; None outside the root."""
    url_uses: tuple[UrlUse, ...] = ()
    """For the online pass, only when probing."""
    suppressions: Suppressions | None = None
    text_digest: str | None = None
    """Of the text read, when probing: online fixes are written only over this text."""
    keywords: vocabulary.KeywordFacts | None = None
    """For the cross-file vocabulary checks (C016, C017)."""
    unchanged: bool = False
    """A result-cache hit trusted by its stamp: ``web_url`` and ``keywords`` are not
    decoded; the cross-file pass takes them from the project index (see ``record``)."""

    def record(self, duplicates: cross_file.CrossFilePass) -> None:
        """Hand this file's facts to the cross-file pass."""
        if self.unchanged:
            duplicates.add_unchanged(self.path, self.stamp)
        else:
            duplicates.add(self.path, self.stamp, self.web_url, self.keywords)


def lint_text(
    text: str | bytes,
    path: str = "<text>",
    config: Config | None = None,
    *,
    now: datetime | None = None,
) -> list[Diagnostic]:
    """Lint one seed given as text or bytes (offline rules only); return its findings sorted."""
    config = config or Config()
    raw = text.encode("utf-8") if isinstance(text, str) else text
    context = _context(config, now)
    return _finish(parse_seed(raw, path), path, context).diagnostics


def lint_paths(
    paths: Sequence[str | Path] = (),
    config: Config | None = None,
    *,
    now: datetime | None = None,
    progress: Callable[[ProgressSnapshot], None] | None = None,
) -> LintResult:
    """Lint files and folders (default: the configured ``paths``) and return every finding.

    With ``config.probe_links`` / ``config.probe_images`` the URLs of every file
    are collected, probed once each, and the online findings added.
    """
    config = config or Config()
    targets = [Path(p) for p in paths] or [config.root / p for p in config.paths]
    probing = config.probe_links or config.probe_images
    # Findings are sorted at the end; only the probe asks hosts in discovery order.
    covered: list[str] = []  # folders walked whole: the project walk takes their files
    files = _Counted(stream(targets, config, ordered=probing, covered=covered))
    diagnostics: list[Diagnostic] = []
    kept: list[FileReport] = []
    # The cross-file pass takes each file's webUrl as results stream in, so no
    # per-file facts pile up here; it never re-reads a linted file.
    duplicates = cross_file.CrossFilePass(config, targets, covered)
    checked: list[str] = []
    notices: list[str] = []
    done = 0
    interrupted = False
    few = len(targets) < FEW_FILES and not any(target.is_dir() for target in targets)
    reports = _lint_files(
        files, config, now, collect_urls=probing, notices=notices, use_cache=not few
    )
    try:
        for report in reports:
            if isinstance(report, UnchangedFiles):
                done += len(report.rows)
                report.record(duplicates)
                if config.output_format == "junit":
                    checked.extend(row[0] for row in report.rows)
                continue
            done += 1
            diagnostics.extend(report.diagnostics)
            report.record(duplicates)
            if report.url_uses:
                kept.append(report)
            if config.output_format == "junit":  # the one report that lists clean files too
                checked.append(report.path)
    except KeyboardInterrupt:
        # Ctrl-C: what finished is reported, and the rest named as not checked.
        interrupted = True
        covered.clear()  # files of theirs may have been lost in flight
        reports.close()
        total = files.total()
        notices.append(f"interrupted: {done} of {total} files checked, {total - done} not checked")
    finally:
        reports.close()  # closes the result cache and any worker pool now
    stats: dict[str, int] = {}
    diagnostics.extend(
        duplicates.finish(
            lambda code, shown: (
                code in _enabled_codes(config, per_file_codes(shown, config.per_file_ignores))
            ),
            stats,
            notices,
        )
    )
    summary = None
    if probing and not interrupted:
        from seedlint.online import run_online_checks

        online, summary, interrupted = run_online_checks(
            [r.url_uses for r in kept], config, progress
        )
        for report, found in zip(kept, online, strict=True):
            diagnostics.extend(_filter(found, report.path, config, report.suppressions))
    diagnostics.sort()
    files_with_findings = len({d.path for d in diagnostics})
    digests = {r.path: r.text_digest for r in kept if r.text_digest is not None}
    return LintResult(
        diagnostics,
        done,
        files_with_findings,
        summary,
        stats,
        checked,
        notices,
        interrupted,
        digests,
    )


class _Counted:
    """The files discovery streams, counted as they are taken."""

    def __init__(self, files: Iterator[Found]) -> None:
        self._files = files
        self.taken = 0

    def __iter__(self) -> Iterator[Found]:
        for found in self._files:
            self.taken += 1
            yield found

    def total(self) -> int:
        """How many files there are: those taken so far and the rest (walked to count them)."""
        return self.taken + sum(1 for _ in self._files)


def _lint_files(
    files: Iterable[Found],
    config: Config,
    now: datetime | None,
    *,
    collect_urls: bool,
    notices: list[str] | None = None,
    use_cache: bool = True,
) -> Generator[FileReport | UnchangedFiles, None, None]:
    """Reports of ``files`` as they come: unchanged files straight from the result cache (those
    proven clean by their clean records in bulk), the others linted here or, once there are
    enough of them, by a pool of workers."""
    context = _context(config, now, collect_urls=collect_urls)  # before any fork
    store = _result_store(config, context) if use_cache else None
    jobs = config.jobs or os.cpu_count() or 1
    pool: Any = None
    in_flight: deque[Any] = deque()  # the workers' pending chunks, in the order sent
    waiting: list[tuple[Found, str | None]] = []  # files to lint, with their stored entry
    instant = context.now.timestamp()
    try:
        for batch in _batches(files, LOOKUP_SIZE if store is not None else CHUNK_SIZE):
            files_ = batch
            if store is not None:
                unchanged, files_ = proven_clean(batch, store, instant)
                if unchanged.rows:
                    yield unchanged
            stored = store.lookup(found.key for found in files_) if store is not None else {}
            for found in files_:
                sealed = stored.get(found.key)
                hit = None if sealed is None else _answered(found, sealed, context)
                if hit is not None:
                    if store is not None and not hit.diagnostics:  # stored before its record
                        store.add_clean(found.key, hit.stamp, hit.path, context.now)
                    yield hit
                else:
                    waiting.append((found, sealed))
            while len(waiting) >= CHUNK_SIZE:
                chunk = _chunk(waiting[:CHUNK_SIZE], store)
                del waiting[:CHUNK_SIZE]
                if jobs == 1:
                    yield from _stored(lint_chunk(chunk, context), store)
                    continue
                if pool is None:
                    pool = _start_pool(jobs, context)
                in_flight.append(pool.apply_async(_lint_chunk, (chunk,)))
                while len(in_flight) > 2 * jobs:  # enough queued to keep every worker busy
                    yield from _stored(in_flight.popleft().get(), store)
        if waiting:
            chunk = _chunk(waiting, store)
            if pool is None:  # fewer files to lint than a pool is worth
                yield from _stored(lint_chunk(chunk, context), store)
            else:
                in_flight.append(pool.apply_async(_lint_chunk, (chunk,)))
        while in_flight:
            yield from _stored(in_flight.popleft().get(), store)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if store is not None:
            store.close()
            if notices is not None:
                notices.extend(store.warnings)


def _batches(files: Iterable[Found], size: int) -> Iterator[list[Found]]:
    iterator = iter(files)
    while batch := list(islice(iterator, size)):
        yield batch


def _chunk(waiting: list[tuple[Found, str | None]], store: ResultStore | None) -> Chunk:
    return [found for found, _ in waiting], (
        None if store is None else [sealed for _, sealed in waiting]
    )


def _start_pool(jobs: int, context: CheckContext) -> Any:
    import multiprocessing

    # fork shares the compiled validator with the workers instead of rebuilding it.
    # Only this process talks to the result cache: it sends each chunk's stored
    # entries along and writes back what the workers sealed.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method).Pool(jobs, _init_worker, (context,))


def _stored(
    linted: tuple[list[FileReport], list[Entry]], store: ResultStore | None
) -> list[FileReport]:
    reports, entries = linted
    if store is not None:
        store.add(entries)
    return reports


Chunk = tuple[list[Found], list[str | None] | None]
"""Files to lint, with the result cache's sealed entry of each (None: no cache this run)."""


def _answered(found: Found, sealed: str, context: CheckContext) -> FileReport | None:
    """The stored report of a file whose stamp proves it unchanged, without reading it;
    None when it must be linted (or its bytes compared)."""
    if found.shown is None:
        return None  # a link, or outside the root: lint_chunk decides what it is
    stamp = FileStamp.of(found.path)
    entry = result_cache.unseal(sealed)
    if entry is None or not result_cache.same_bytes(entry, stamp):
        return None
    hit = result_cache.decode(entry, None, found.shown, context.now, facts=False)
    if hit is None:
        return None
    return FileReport(found.shown, hit.diagnostics, stamp=stamp, unchanged=True)


def _result_store(config: Config, context: CheckContext) -> ResultStore | None:
    """The result cache of this run; None with ``--no-cache`` or when probing (the probe
    keeps its own cache, and a probing run needs every file's URLs)."""
    if not config.cache or context.collect_urls:
        return None
    return ResultStore.for_config(config, config.schema or schema_rules.default_schema_path())


_WORKER_CONTEXT: CheckContext | None = None


def _init_worker(context: CheckContext) -> None:
    import signal

    global _WORKER_CONTEXT  # noqa: PLW0603 - one context per worker process, set once
    _WORKER_CONTEXT = context
    # Ctrl-C is the parent's to handle (it reports what finished and ends the pool);
    # workers printing their own KeyboardInterrupt tracebacks would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _lint_chunk(chunk: Chunk) -> tuple[list[FileReport], list[Entry]]:
    assert _WORKER_CONTEXT is not None
    return lint_chunk(chunk, _WORKER_CONTEXT)


def lint_chunk(chunk: Chunk, context: CheckContext) -> tuple[list[FileReport], list[Entry]]:
    """Reports of a chunk's files (from the cache where their bytes are known) and the new
    cache entries, sealed (see :func:`result_cache.seal`)."""
    files, stored = chunk
    reports: list[FileReport] = []
    entries: list[Entry] = []
    for index, found in enumerate(files):
        sealed = None if stored is None else stored[index]
        report, entry = _lint_found(found, sealed, context, caching=stored is not None)
        reports.append(report)
        if entry is not None:
            clean = result_cache.clean_record(
                report.stamp, report.path, context.now, report.diagnostics
            )
            entries.append((found.key, entry, clean))
    return reports, entries


def _lint_found(
    found: Found, sealed: str | None, context: CheckContext, *, caching: bool
) -> tuple[FileReport, str | None]:
    """One file's report, and its new sealed cache entry when there is one to store."""
    config = context.config
    if found.shown is not None:  # a plain file under the root (see discovery.Found)
        file: str | Path = found.path
        shown = found.shown
        stamp = FileStamp.of(found.path)  # before reading (see lint_file)
    else:
        file = Path(found.path)
        real = file.resolve()
        if real.is_relative_to(config.root.resolve()):
            # A link is shown by its own name, not its target's (display_path).
            shown = display_path(file, config.root)
            stamp = FileStamp.of(file)
        elif escapes_root(file, config.root):
            return lint_file(file, context), None  # S015, never read nor cached
        else:  # outside the project root: no stamp, so C010 compares it with nothing
            shown, stamp = display_path(file, config.root), None
    entry = None if sealed is None else result_cache.unseal(sealed)
    if entry is not None and result_cache.same_bytes(entry, stamp):
        hit = result_cache.decode(entry, None, shown, context.now, facts=False)
        if hit is not None:
            return FileReport(shown, hit.diagnostics, stamp=stamp, unchanged=True), None
    raw = _read_raw(file, config.max_file_size)
    if raw is None:  # unreadable or too large: reported, never cached
        result = read_seed_file(Path(file), shown, config.max_file_size)
        return _finish(result, shown, context, stamp), None
    key = result_cache.digest(raw) if caching else ""
    hit = None if entry is None else result_cache.decode(entry, key, shown, context.now)
    if hit is not None:
        report = FileReport(shown, hit.diagnostics, hit.web_url, stamp, keywords=hit.keywords)
        restamped = result_cache.restamp(entry, stamp)  # touched, or settled since
        return report, None if restamped is None else result_cache.seal(restamped)
    report = _finish(parse_seed(raw, shown), shown, context, stamp)
    if not caching:
        return report, None
    new = result_cache.encode(
        key,
        shown,
        now=context.now,
        stamp=stamp,
        diagnostics=report.diagnostics,
        web_url=report.web_url,
        keywords=report.keywords,
    )
    return report, result_cache.seal(new)


def _read_raw(file: str | Path, max_size: int) -> bytes | None:
    """The file's bytes as :func:`read_seed_file` would parse them; None when it would report
    a problem instead (it is then asked to, so the finding is its own)."""
    try:
        with open(file, "rb") as stream:  # noqa: PTH123 - a path as text: no Path per file
            raw = stream.read(max_size + 1)
    except OSError:
        return None
    return raw if len(raw) <= max_size else None


def lint_file(file: Path, context: CheckContext) -> FileReport:
    """Read, parse and check one file; every problem becomes a finding, never an exception."""
    shown = display_path(file, context.config.root)
    if escapes_root(file, context.config.root):
        return FileReport(
            shown, _filter([_outside_project(file, shown)], shown, context.config, None)
        )
    # The stamp before reading: a later change shows as a new stamp. A file
    # outside the project root has none, so C010 compares it with nothing.
    stamp = FileStamp.of(file) if inside_root(file, context.config.root) else None
    result = read_seed_file(file, shown, context.config.max_file_size)
    return _finish(result, shown, context, stamp)


def _outside_project(file: Path, shown: str) -> Diagnostic:
    """S015 for a path leading out of the project root; the file is not read."""
    try:
        how = f"a symbolic link to {file.readlink()}" if file.is_symlink() else "its real path"
    except OSError:
        how = "its real path"
    message = f"leads outside the project root ({how}); not read"
    return OUTSIDE_PROJECT.at(shown, 1, 1, message)


def unknown_suppressions(suppressions: Suppressions, shown: str) -> list[Diagnostic]:
    """S017 for each code or name in an inline comment that matches no rule."""
    return [
        UNKNOWN_SUPPRESSION.at(
            shown, u.line, u.column, f"{u.text!r} in a seedlint: ignore comment names no rule"
        )
        for u in suppressions.unknown
    ]


def _finish(
    result: ReadResult, shown: str, context: CheckContext, stamp: FileStamp | None = None
) -> FileReport:
    diagnostics = list(result.diagnostics)
    document = result.document
    if document is not None:
        for check in document_checks():
            diagnostics.extend(check(document, context))
    suppressions = None
    if document is not None and (
        diagnostics or context.collect_urls or may_suppress(document.text)
    ):
        suppressions = suppressions_of(document)
        diagnostics.extend(unknown_suppressions(suppressions, shown))
    uses: tuple[UrlUse, ...] = ()
    if context.collect_urls and document is not None:
        from seedlint.online import collect_url_uses

        uses = tuple(collect_url_uses(document))
    diagnostics = _filter(diagnostics, shown, context.config, suppressions)
    fact = cross_file.web_url_fact(document, shown)
    return FileReport(
        path=shown,
        diagnostics=diagnostics,
        web_url=fact,
        keywords=cross_file.keyword_fact(document, shown),
        stamp=stamp,
        url_uses=uses,
        suppressions=suppressions if uses else None,
        text_digest=text_digest(document.text) if uses and document is not None else None,
    )


def text_digest(text: str) -> str:
    """A digest of decoded text: --fix compares it to know a file still holds what was linted."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _filter(
    diagnostics: list[Diagnostic], shown: str, config: Config, suppressions: Suppressions | None
) -> list[Diagnostic]:
    """Drop findings of rules turned off for this file, or silenced by a comment."""
    if not diagnostics:
        return diagnostics
    enabled = _enabled_codes(config, per_file_codes(shown, config.per_file_ignores))
    kept = [d for d in diagnostics if d.code in enabled]
    if suppressions is not None:
        kept = [d for d in kept if not suppressions.silences(d)]
    return sorted(kept)


def lint_parsed(result: ReadResult, shown: str, context: CheckContext) -> list[Diagnostic]:
    """Findings of an already parsed file, after selection and suppressions (used by --fix)."""
    return _finish(result, shown, context).diagnostics


def is_enabled(config: Config, shown: str, code: str) -> bool:
    """Whether ``code`` is reported for the file at ``shown`` (select, ignore, per-file)."""
    return code in _enabled_codes(config, per_file_codes(shown, config.per_file_ignores))


def make_context(config: Config, now: datetime | None = None) -> CheckContext:
    """The context document checks run with (validator built once per process)."""
    return _context(config, now)


@lru_cache(maxsize=64)
def _enabled_codes(config: Config, per_file_ignored: frozenset[str]) -> frozenset[str]:
    selection = RuleSelection(config.select, (*config.ignore, *sorted(per_file_ignored)))
    return selection.enabled_codes()


def _context(config: Config, now: datetime | None, *, collect_urls: bool = False) -> CheckContext:
    schema_path = config.schema or schema_rules.default_schema_path()
    validator = schema_rules.load_validator(schema_path)
    return CheckContext(
        config=config,
        validator=validator,
        now=now or datetime.now(timezone.utc),
        collect_urls=collect_urls,
    )
