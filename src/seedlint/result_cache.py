"""The result cache: a file whose inputs are unchanged is not linted again (like ruff's).

One entry per linted file, in the SQLite store of :mod:`seedlint.cache`, under a
namespace named by a *fingerprint* of everything else a file's findings depend
on: seedlint's version and its own source files, the versions of PyYAML and
jsonschema, the schema's bytes, and every configuration value that shapes
per-file findings (rule selection, per-file ignores, limits, the project root
that display paths are relative to). The entry is keyed by the file's display
path (by the path as discovered when discovery does not know it: a link, a file
outside the project), so a project linted from another working folder still
hits, and holds a digest of the file's bytes, their stamp and the display path
they were linted under: a hit needs the very same bytes under the same name.

What an entry holds is what the per-file pass returns: the findings after
selection and inline suppressions, and the file's webUrl fact for the
cross-file pass (C010), which is itself computed over the whole project at
every run and never cached here.

Time: D003 ("in the future") is the one per-file rule that depends on the
clock. As time only moves forward, a file without such a finding cannot gain
one later; an entry holding one (or judged at a later instant than the run's
own "now") is a miss, so the file is linted again.

A file whose stamp (size, mtime, ctime, inode) is the one stored, taken when
the file had not changed for a while, is trusted without reading it, as git
trusts its index; any other file is read and its bytes' digest compared. A file
found clean at such a stamp also gets a *clean record*: its stamp, display
path and judging instant (sealed). A warm run looks up the records of a batch
of files first, and a file whose current stamp and display path are those of
its record is clean and unchanged without its entry being opened: most files
of a warm run cost one stat() and one string comparison.

The cache never changes a result; at worst it costs a re-lint. Every entry
is stored with a digest of its own text: a damaged or unreadable entry is a
miss, and the store's own failures turn into misses and skipped writes (see
:mod:`seedlint.cache`).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from seedlint.cache import ResultCache, kept_as_they_are
from seedlint.config import CACHE_FILE_NAME, Config, default_cache_dir
from seedlint.diagnostics import Diagnostic, Edit, Fix, Severity
from seedlint.discovery import Found
from seedlint.project_index import FileStamp
from seedlint.rules.consistency import WebUrlEntry
from seedlint.rules.vocabulary import KeywordFacts, decode_uses, encode_uses
from seedlint.version import __version__

if TYPE_CHECKING:
    from seedlint.cross_file import CrossFilePass, StampRow

try:
    # hashlib's blake2b is this very function; importing hashlib first loads OpenSSL
    # (about 2 ms of every run's start), which nothing else in an offline run needs.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

FORMAT = 3
"""Bump when the entry layout or the fingerprint's recipe changes."""
NAMESPACE = f"results:{FORMAT}:"
CLEAN_NAMESPACE = f"results:{FORMAT}c:"
"""Where a file found clean at a settled stamp also has a *clean record* (see
:func:`clean_record`): a warm run proves such a file unchanged with one stat() and one string
comparison, without opening its entry."""
RETIRED_NAMESPACES = "project-index:"
"""The project index's JSON entries of earlier versions (it has tables of its own now)."""
TTL_SECONDS = 30 * 24 * 3600.0
"""Entries go after a month, used or not (the file is then linted once more), so the
entries of old fingerprints do not pile up."""
TIME_DEPENDENT = frozenset({"D003"})
"""Codes whose findings can change with the clock alone (they only ever disappear)."""

_NOT_PER_FILE = frozenset(
    {
        "source",
        "paths",
        "include",
        "exclude",
        "strict",
        "jobs",
        "output_format",
        "cache",
        "cache_dir",
        "refresh",
        "cache_ttl_hours",
        "project_index",
    }
)
"""Configuration that never changes one file's findings (which files, how shown, exit code).
Every other field, including any added later, is part of the fingerprint."""
_PROBE_PREFIXES = ("probe_", "allow_private")
"""Online settings: a probing run does not use this cache at all."""


def digest(raw: bytes) -> str:
    """What identifies a file's bytes."""
    return blake2b(raw, digest_size=20).hexdigest()


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _package_stamps(folder: Path) -> Iterator[str]:
    """Size and mtime of every module of a package: a changed install changes the stamp."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
            yield from _package_stamps(Path(entry.path))
        elif entry.name.endswith((".py", ".json")):
            yield _stamp(Path(entry.path))


def _library_stamp(name: str, beside: Path) -> str:
    """Identify an installed library without importing it (jsonschema costs 70 ms)."""
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__file__", None):
        return _stamp(Path(str(module.__file__)))
    candidate = beside / name / "__init__.py"
    if candidate.exists():
        return _stamp(candidate)
    import importlib.util  # rare: the library lives elsewhere on sys.path

    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    return _stamp(Path(origin)) if origin else f"{name}:absent"


def fingerprint(config: Config, schema_path: Path) -> str:
    """Everything besides a file's bytes and display path that its findings depend on."""
    import yaml

    here = Path(__file__).resolve().parent
    site = Path(str(yaml.__file__)).resolve().parent.parent
    parts = [
        f"seedlint {__version__}",
        sys.version,
        getattr(yaml, "__version__", "?"),
        _library_stamp("yaml", site),
        _library_stamp("jsonschema", site),
        *_package_stamps(here),
    ]
    try:
        parts.append(digest(schema_path.read_bytes()))
    except OSError:
        parts.append(f"{schema_path}:unreadable")
    for item in fields(config):
        if item.name in _NOT_PER_FILE or item.name.startswith(_PROBE_PREFIXES):
            continue
        value = getattr(config, item.name)
        parts.append(f"{item.name}={value.resolve() if item.name == 'root' else value!r}")
    return digest("\n".join(parts).encode("utf-8", "surrogatepass"))


def clean_record(
    stamp: FileStamp | None, shown: str, now: datetime, diagnostics: list[Diagnostic]
) -> str | None:
    """What stands for a file found clean at ``now`` with ``stamp`` and display path ``shown``:
    ``"<judged> <seal of judged> <size> <mtime> <ctime> <inode> <shown>"``. None when the file
    has findings or its stamp cannot be trusted (taken too soon after a change)."""
    key = _stamp_key(stamp)
    if diagnostics or key is None or not kept_as_they_are([shown]):
        return None  # a name that is not UTF-8 cannot be stored as text: its entry answers
    judged = repr(now.timestamp())
    return f"{judged} {_judged(judged)[1]} {key[0]} {key[1]} {key[2]} {key[3]} {shown}"


def proves_clean(record: str, stamp: tuple[int, int, int, int], shown: str, now: float) -> bool:
    """True when ``record`` (from :func:`clean_record`) vouches that the file, with this
    ``stamp`` (size, mtime, ctime, inode) and display path now, is unchanged and was clean when
    judged no later than ``now``. The rest of the record must match exactly; its instant is
    sealed, so a damaged one proves nothing either."""
    size, mtime_ns, ctime_ns, inode = stamp
    rest = f" {size} {mtime_ns} {ctime_ns} {inode} {shown}"
    return record.endswith(rest) and _judged_by(record[: -len(rest)], now)


@lru_cache(maxsize=64)
def _judged_by(head: str, now: float) -> bool:
    """Whether ``head`` (``"<judged> <seal>"``) is a sealed instant no later than ``now`` (a
    run's records share a few instants, and its ``now`` is one)."""
    judged, _, seal = head.partition(" ")
    instant, expected = _judged(judged)
    return instant <= now and seal == expected  # also false for NaN


@lru_cache(maxsize=64)
def _judged(judged: str) -> tuple[float, str]:
    """The instant written as ``judged`` and its seal (a run's records share a few instants)."""
    try:
        instant = float(judged)
    except ValueError:
        instant = math.inf
    return instant, digest(judged.encode("utf-8", "surrogatepass"))[:16]


@dataclass(frozen=True)
class CachedResult:
    """What the per-file pass needs back from a hit."""

    diagnostics: list[Diagnostic]
    web_url: WebUrlEntry | None
    keywords: KeywordFacts | None = None
    """The file's keyword values for the cross-file pass (C016, C017)."""


def encode(
    raw_digest: str,
    shown: str,
    *,
    now: datetime,
    stamp: FileStamp | None,
    diagnostics: list[Diagnostic],
    web_url: WebUrlEntry | None,
    keywords: KeywordFacts | None = None,
) -> dict[str, Any]:
    """An entry: the bytes' digest and stamp, the display path and instant they were judged
    under, the findings and the webUrl fact."""
    return {
        "digest": raw_digest,
        "stamp": _stamp_key(stamp),
        "shown": shown,
        "now": now.timestamp(),
        "findings": [_encode_finding(d) for d in diagnostics],
        "web_url": None
        if web_url is None
        else [web_url.key, web_url.url, web_url.line, web_url.column, web_url.silenced],
        "keywords": encode_uses(keywords),
    }


def _stamp_key(stamp: FileStamp | None) -> list[int] | None:
    """The stamp an entry can be trusted by without reading the file; None when the file
    had changed too recently when stat()ed (its next change might keep the stamp)."""
    if stamp is None or not stamp.settled:
        return None
    return [stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode]


def same_bytes(entry: Any, stamp: FileStamp | None) -> bool:
    """True when ``stamp`` proves the file unchanged since ``entry`` was stored (as git
    trusts its index): same size, mtime, ctime and inode, and settled when stored."""
    return stamp is not None and entry.get("stamp") == [
        stamp.size,
        stamp.mtime_ns,
        stamp.ctime_ns,
        stamp.inode,
    ]


def restamp(entry: Any, stamp: FileStamp | None) -> dict[str, Any] | None:
    """``entry`` with a new stamp, when the file's bytes matched but its stamp changed."""
    key = _stamp_key(stamp)
    return None if key is None or entry.get("stamp") == key else {**entry, "stamp": key}


def _encode_finding(finding: Diagnostic) -> list[Any]:
    fix = finding.fix
    encoded_fix = (
        None
        if fix is None
        else [fix.safe, [[edit.start, edit.end, edit.text] for edit in fix.edits]]
    )
    return [
        finding.path,
        finding.line,
        finding.column,
        finding.code,
        finding.message,
        finding.severity.value,
        finding.end_line,
        finding.end_column,
        encoded_fix,
    ]


def decode(
    entry: Any, raw_digest: str | None, shown: str, now: datetime, *, facts: bool = True
) -> CachedResult | None:
    """The result stored in ``entry``, if it holds for these bytes (``raw_digest``, or None
    when :func:`same_bytes` vouched for them) at ``now``; else None. ``facts=False`` leaves
    the webUrl and keyword facts out (the cross-file pass has its own)."""
    try:
        if raw_digest is not None and entry["digest"] != raw_digest:
            return None
        if entry["shown"] != shown or float(entry["now"]) > now.timestamp():
            return None
        diagnostics = [_decode_finding(item) for item in entry["findings"]]
        if not facts:
            return _checked(CachedResult(diagnostics, None), shown)
        fact = None
        if entry["web_url"] is not None:
            key, url, line, column, silenced = entry["web_url"]
            fact = WebUrlEntry(shown, str(key), str(url), int(line), int(column), bool(silenced))
        keywords = decode_uses(shown, entry["keywords"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None  # damaged: linted again, and overwritten
    return _checked(CachedResult(diagnostics, fact, keywords), shown)


def _checked(result: CachedResult, shown: str) -> CachedResult | None:
    """``result``, unless a finding may have changed with time or names another file."""
    if any(d.code in TIME_DEPENDENT or d.path != shown for d in result.diagnostics):
        return None
    return result


def _decode_finding(item: list[Any]) -> Diagnostic:
    path, line, column, code, message, severity, end_line, end_column, encoded_fix = item
    fix = None
    if encoded_fix is not None:
        safe, edits = encoded_fix
        fix = Fix(tuple(Edit(int(s), int(e), str(t)) for s, e, t in edits), bool(safe))
    return Diagnostic(
        str(path),
        int(line),
        int(column),
        str(code),
        str(message),
        Severity(severity),
        None if end_line is None else int(end_line),
        None if end_column is None else int(end_column),
        fix,
    )


_CHECK = 2 * 20
"""Hex digits of :func:`digest`."""


def seal(entry: Any) -> str:
    """The stored form of an entry: ``["<digest of the body>",<body>]``, itself JSON.

    The digest is of the body's exact text, which sits at a fixed offset: checking it
    costs one hash, and only a body that passes is parsed.
    """
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"))
    return f'["{digest(body.encode("utf-8", "surrogatepass"))}",{body}]'


def unseal(value: object) -> Any:
    """The entry stored as ``value``; None when it is damaged (its digest does not fit)."""
    if not isinstance(value, str) or value[:2] != '["' or value[-1:] != "]":
        return None
    check, body = value[2 : 2 + _CHECK], value[_CHECK + 4 : -1]
    if value[2 + _CHECK : _CHECK + 4] != '",':
        return None
    if digest(body.encode("utf-8", "surrogatepass")) != check:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


class UnchangedFiles(NamedTuple):
    """Files of one batch proven clean and unchanged by their clean records: no findings, and
    no facts (the cross-file pass takes them from the project index at these stamps)."""

    rows: list[StampRow]

    def record(self, duplicates: CrossFilePass) -> None:
        """Hand these files to the cross-file pass."""
        duplicates.add_unchanged_many(self.rows)


def proven_clean(
    files: list[Found], store: ResultStore, now: float
) -> tuple[UnchangedFiles, list[Found]]:
    """The files whose clean record their current stamp proves (see
    :func:`proves_clean`), as rows for the cross-file pass; and the others."""
    records = store.clean_records(found.shown for found in files if found.shown is not None)
    if not records:
        return UnchangedFiles([]), files
    seen = time.time_ns()  # before any stat(): a stamp taken later is only safer
    rows: list[StampRow] = []
    others: list[Found] = []
    for found in files:
        shown = found.shown
        record = None if shown is None else records.get(shown)
        if record is not None and shown is not None:
            try:
                stat = os.stat(found.path)  # noqa: PTH116 - a path as text: no Path per file
            except OSError:
                pass
            else:
                stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
                if proves_clean(record, stamp, shown, now):
                    rows.append((shown, *stamp, seen))
                    continue
        others.append(found)
    return UnchangedFiles(rows), others


Entry = tuple[str, str, str | None]
"""A new result to store: its key (:attr:`seedlint.discovery.Found.key`), its sealed entry and
its clean record."""


class ResultStore:
    """One run's view of the result cache: look up a chunk of files, store new results."""

    def __init__(self, location: Path, fingerprint: str) -> None:
        self.location = location
        self.namespace = NAMESPACE + fingerprint
        self._cache: ResultCache | None = None
        self.clean_namespace = CLEAN_NAMESPACE + fingerprint
        self._pending: list[tuple[str, str]] = []
        self._clean: list[tuple[str, str]] = []
        self._unclean: list[str] = []
        self._holds: dict[str, bool] = {}
        """Whether each namespace held entries when first looked up (what this run adds to
        it is never looked up again: discovery yields each file once)."""
        self._wrote = False
        self.warnings: list[str] = []
        """What the store had to say (a corrupt file set aside ...), once closed."""

    @classmethod
    def for_config(cls, config: Config, schema_path: Path) -> ResultStore:
        """The store of ``config``'s cache folder, under the fingerprint of this run."""
        location = (config.cache_dir or default_cache_dir()) / CACHE_FILE_NAME
        return cls(location, fingerprint(config, schema_path))

    @property
    def cache(self) -> ResultCache:
        """The SQLite store, opened on first use (in the process that uses it: never forked)."""
        if self._cache is None:
            self._cache = ResultCache(self.location, verify=False)  # entries check themselves
        return self._cache

    def lookup(self, paths: Iterable[str]) -> dict[str, str]:
        """The stored entries of these paths, sealed (:func:`unseal` checks and opens one)."""
        return self._select(self.namespace, paths)

    def clean_records(self, paths: Iterable[str]) -> dict[str, str]:
        """The clean records of these paths (:func:`proves_clean` checks one)."""
        return self._select(self.clean_namespace, paths)

    def _select(self, namespace: str, paths: Iterable[str]) -> dict[str, str]:
        held = self._holds.get(namespace)
        if held is None:  # asked once per run: a cold run then makes no lookup at all
            held = self._holds[namespace] = self.cache.holds(namespace)
        return self.cache.values_of(namespace, list(paths)) if held else {}

    def add(self, entries: Iterable[Entry]) -> None:
        """Remember new results: each path with its entry sealed by :func:`seal` and its clean
        record (:func:`clean_record`, or None); written in batches."""
        for path, sealed, clean in entries:
            self._pending.append((path, sealed))
            if clean is None:
                self._unclean.append(path)
            else:
                self._clean.append((path, clean))
        if len(self._pending) >= 500:
            self.flush()

    def add_clean(self, path: str, stamp: FileStamp | None, shown: str, now: datetime) -> None:
        """Give a file found clean and unchanged by its stored entry its clean record."""
        record = clean_record(stamp, shown, now, [])
        if record is not None:
            self._clean.append((path, record))

    def flush(self) -> None:
        """Write what is pending (each kind in one transaction)."""
        if self._pending:
            self.cache.put_many(self.namespace, self._pending, ttl=TTL_SECONDS, encoded=True)
            self._pending = []
            self._wrote = True
        if self._clean:
            self.cache.put_many(self.clean_namespace, self._clean, ttl=TTL_SECONDS, encoded=True)
            self._clean = []
        if self._unclean:  # an earlier clean record of the file must not outlive its entry
            self.cache.delete_many(self.clean_namespace, self._unclean)
            self._unclean = []

    def close(self) -> None:
        """Write what is pending and close the store; its warnings stay in ``warnings``."""
        self.flush()
        if self._cache is not None:
            if self._wrote:  # a run that linted something also sweeps old entries away
                self._cache.purge_expired(NAMESPACE.split(":", 1)[0] + ":")
                self._cache.drop_namespaces(RETIRED_NAMESPACES)
            self.warnings.extend(self._cache.warnings)
            self._cache.close()
            self._cache = None
