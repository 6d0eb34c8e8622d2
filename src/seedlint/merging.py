"""Shard files: written by each ``--shard K/N`` run, combined by ``seedlint merge``.

A shard file is one JSON document, stamped with the seedlint version, a
digest of the configuration and ``K/N``. It holds the shard's offline
findings (selection and suppressions already applied), the URL uses of its
files with what silences findings there, and the probe results of its hosts.
Merging checks that every shard 1..N is there exactly once and that all come
from the same version and configuration, then maps every probe result back to
every file that uses the URL through the same rule functions a single run uses
(:func:`seedlint.online.online_diagnostics`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from seedlint.atomic import ReadOnly, write_atomically
from seedlint.config import Config, ConfigError
from seedlint.diagnostics import Diagnostic
from seedlint.linter import LintResult, _enabled_codes
from seedlint.outcomes import ImageResult, LinkResult
from seedlint.result_cache import _decode_finding, _encode_finding
from seedlint.rules.url_uses import UrlUse
from seedlint.sharding import ShardRun
from seedlint.suppressions import Suppressions, per_file_codes
from seedlint.version import __version__

FORMAT = "seedlint-shard/1"

_NOT_IN_DIGEST = frozenset(
    {"root", "source", "jobs", "cache_dir", "cache", "refresh", "warnings", "output_format"}
)
"""Where and how a runner works, not what a finding is: may differ between shards."""


class MergeError(ConfigError):
    """Shard files that cannot be merged (a usage error); the message says which and why."""


def config_digest(config: Config) -> str:
    """A digest of every setting that changes findings (files by content, not by path)."""
    parts: dict[str, str] = {}
    for item in fields(config):
        if item.name in _NOT_IN_DIGEST:
            continue
        value = getattr(config, item.name)
        if isinstance(value, Path):
            path = value if value.is_absolute() else config.root / value
            try:
                value = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                value = f"unreadable:{value}"
        parts[item.name] = repr(value)
    blob = json.dumps(parts, sort_keys=True).encode("utf-8", "surrogatepass")
    return hashlib.sha256(blob).hexdigest()[:32]


def write_shard_file(path: Path, run: ShardRun, config: Config) -> None:
    """Write what ``run`` found to ``path`` at once (never half a file)."""
    filters: dict[frozenset[str], int] = {}
    files = []
    for report in run.reports:
        enabled = _enabled_codes(config, per_file_codes(report.path, config.per_file_ignores))
        supp = report.suppressions
        files.append(
            {
                "path": report.path,
                "filter": filters.setdefault(enabled, len(filters)),
                "lines": None
                if supp is None
                else {str(k): sorted(v) for k, v in sorted(supp.by_line.items())},
                "whole": None if supp is None else sorted(supp.whole_file),
                "uses": [_encode_use(use) for use in report.url_uses],
            }
        )
    probe = run.probe
    root_uri = config.root.resolve().as_uri()
    data = {
        "format": FORMAT,
        "seedlint": __version__,
        "config": config_digest(config),
        "shard": [run.shard.index, run.shard.count],
        "strict": config.strict,
        "output_format": config.output_format,
        "root_uri": root_uri if root_uri.endswith("/") else root_uri + "/",
        "files_checked": run.files_checked,
        "checked_paths": run.checked_paths,
        "findings": [_encode_finding(d) for d in run.diagnostics],
        "filters": [sorted(codes) for codes in filters],
        "files": files,
        "links": {}
        if probe is None
        else {u: [r.to_json(), r.from_cache] for u, r in probe.links.items()},
        "images": {}
        if probe is None
        else {u: [r.to_json(), r.from_cache] for u, r in probe.images.items()},
        "interrupted": run.interrupted,
        "notices": run.notices,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        write_atomically(path, text.encode("utf-8", "surrogatepass"))
    except (OSError, ReadOnly) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise MergeError(f"--shard-output {path}: {reason}") from error


def _encode_use(use: UrlUse) -> list[Any]:
    return [
        list(use.json_path),
        use.url,
        use.line,
        use.column,
        use.image,
        None if use.declared is None else list(use.declared),
        None if use.size_spans is None else [list(span) for span in use.size_spans],
    ]


def _decode_use(path: str, item: list[Any]) -> UrlUse:
    json_path, url, line, column, image, declared, spans = item
    return UrlUse(
        path,
        tuple(json_path),
        str(url),
        int(line),
        int(column),
        bool(image),
        None if declared is None else (int(declared[0]), int(declared[1])),
        None
        if spans is None
        else ((int(spans[0][0]), int(spans[0][1])), (int(spans[1][0]), int(spans[1][1]))),
    )


@dataclass
class Merged:
    """The combined result, and what reporting it needs from the shards' configuration."""

    result: LintResult
    strict: bool
    output_format: str
    root_uri: str


def load_shards(paths: list[Path]) -> list[dict[str, Any]]:
    """Read shard files; raise :class:`MergeError` unless they are exactly shards 1..N of one
    run (same seedlint version, same configuration)."""
    if not paths:
        raise MergeError("no shard files given")
    shards = [(path, _read(path)) for path in paths]
    first_path, first = shards[0]
    for path, data in shards[1:]:
        if data["seedlint"] != first["seedlint"]:
            raise MergeError(
                f"{path} was written by seedlint {data['seedlint']} but {first_path} by "
                f"seedlint {first['seedlint']}: run every shard with the same version"
            )
        if data["config"] != first["config"]:
            raise MergeError(
                f"{path} and {first_path} were run with different configurations "
                "(settings, schema or command-line options): run every shard alike"
            )
    count = first["shard"][1]
    seen: dict[int, Path] = {}
    for path, data in shards:
        index, total = data["shard"]
        if total != count:
            raise MergeError(f"{path} is shard {index}/{total} but {first_path} is one of {count}")
        if index in seen:
            raise MergeError(f"shard {index}/{count} given twice: {seen[index]} and {path}")
        seen[index] = path
    missing = [str(k) for k in range(1, count + 1) if k not in seen]
    if missing:
        raise MergeError(
            f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} of {count} missing: "
            "nothing merged (give every shard's file)"
        )
    return [data for _, data in sorted(shards, key=lambda item: item[1]["shard"][0])]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MergeError(f"cannot read {path}: {error.strerror or error}") from error
    except ValueError as error:
        raise MergeError(f"{path} is not a seedlint shard file (not JSON: {error})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MergeError(f"{path} is not a seedlint shard file (format {FORMAT} expected)")
    shard = data.get("shard")
    if (
        not isinstance(shard, list)
        or len(shard) != 2
        or not all(type(n) is int for n in shard)
        or not 1 <= shard[0] <= shard[1]
    ):
        raise MergeError(f"{path} names no valid shard K/N")
    return data


def merge(paths: list[Path]) -> Merged:
    """Combine shard files into one result, equal to an unsharded run's."""
    shards = load_shards(paths)
    try:
        return _combine(shards)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise MergeError(f"a shard file is damaged ({type(error).__name__}: {error})") from error


def _combine(shards: list[dict[str, Any]]) -> Merged:
    from seedlint.online import online_diagnostics
    from seedlint.probe import ProbeReport

    report = ProbeReport()
    for data in shards:
        for url, (value, cached) in data["links"].items():
            report.links[url] = replace(LinkResult.from_json(url, value), from_cache=bool(cached))
        for url, (value, cached) in data["images"].items():
            report.images[url] = replace(ImageResult.from_json(url, value), from_cache=bool(cached))
    found: list[Diagnostic] = []
    checked: list[str] = []
    notices: list[str] = []
    for data in shards:
        found.extend(_decode_finding(item) for item in data["findings"])
        checked.extend(str(path) for path in data["checked_paths"])
        notices.extend(str(line) for line in data["notices"])
        filters = [frozenset(str(code) for code in codes) for codes in data["filters"]]
        for entry in data["files"]:
            shown = str(entry["path"])
            uses = [_decode_use(shown, item) for item in entry["uses"]]
            enabled = filters[entry["filter"]]
            silenced = _suppressions(entry)
            for diagnostic in online_diagnostics(uses, report):
                if diagnostic.code in enabled and not (
                    silenced is not None and silenced.silences(diagnostic)
                ):
                    found.append(diagnostic)
    diagnostics = sorted(found)
    first = shards[0]
    result = LintResult(
        diagnostics,
        sum(int(data["files_checked"]) for data in shards),
        len({d.path for d in diagnostics}),
        checked_paths=sorted(checked),
        notices=notices,
        interrupted=any(bool(data["interrupted"]) for data in shards),
    )
    return Merged(result, bool(first["strict"]), str(first["output_format"]), first["root_uri"])


def _suppressions(entry: dict[str, Any]) -> Suppressions | None:
    if entry["lines"] is None:
        return None
    by_line = {int(k): frozenset(str(c) for c in v) for k, v in entry["lines"].items()}
    return Suppressions(by_line, frozenset(str(c) for c in entry["whole"]))
