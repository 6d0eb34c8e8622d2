"""Configuration: ``[tool.seedlint]`` in pyproject.toml or a ``seedlint.toml``, then the CLI.

The file is found by walking up from the linted paths, as black and ruff do;
relative paths in it are relative to the file. Unknown keys and wrong types
are errors (exit 2), so a typo never silently turns a check off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # only on 3.10

CONFIG_FILE = "seedlint.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_MAX_FILE_SIZE = 1 << 20
CACHE_FILE_NAME = "seedlint.sqlite3"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/seedlint``, else ``~/.cache/seedlint``."""
    base = os.environ.get("XDG_CACHE_HOME")
    # XDG says a relative value must be ignored, not resolved against the cwd.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "seedlint"


OUTPUT_FORMATS = ("text", "json", "sarif", "github", "junit")
"""The ``output-format`` values; ``seedlint.reporters.REPORTERS`` has one reporter for each."""


class ConfigError(Exception):
    """A configuration problem the user must fix; reported with exit code 2."""


@dataclass(frozen=True)
class Config:
    """Everything that shapes a run. Defaults are the documented defaults."""

    root: Path = field(default_factory=Path.cwd)
    """Folder the config file lives in (or the working folder); paths are shown relative to it."""
    source: Path | None = None
    """The config file read, if any."""
    schema: Path | None = None
    """A schema to use instead of the packaged one."""
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = ("*.txt", "*.md")
    exclude: tuple[str, ...] = (".*", "node_modules", "__pycache__")
    paths: tuple[str, ...] = ("seeds",)
    """What to lint when no path is given on the command line."""
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    strict: bool = False
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    probe_links: bool = False
    """Check that every URL still answers (online rules L001-L012)."""
    probe_images: bool = False
    """Measure every image's real pixel size (online rules I001-I002)."""
    probe_concurrency: int = 32
    probe_per_host: int = 4
    probe_per_host_rate: float | None = None
    """Requests per second to one host; None for no limit beyond probe-per-host."""
    probe_timeout: float = 20.0
    """Seconds one URL may take in all, redirects and retries included."""
    probe_allow: tuple[str, ...] = ()
    """Hosts (``name``, ``name:port``, ``ip:port``) or CIDR networks the address guard lets through."""
    allow_private: bool = False
    """Turn the address guard off entirely (for probing your own test servers)."""
    probe_ca_bundle: Path | None = None
    """A PEM file of extra trusted certificate authorities, instead of the system's."""
    cache_dir: Path | None = None
    """Where the probe cache and project index live; default ``$XDG_CACHE_HOME/seedlint``."""
    cache: bool = True
    refresh: bool = False
    """Ignore cached probe results (fresh ones are still stored)."""
    cache_ttl_hours: float = 24.0
    future_tolerance_days: int = 1
    """D003: how far past "now" a date may lie (clock skew, time zones)."""
    oldest_year: int = 1990
    """D004: dates before January 1 of this year are reported as absurdly old."""
    project_index: bool = True
    """C010: compare webUrls against every seed under the root, using the on-disk index."""
    output_format: str = "text"
    """One of :data:`OUTPUT_FORMATS`."""

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with the given fields replaced; None values are left alone."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: expected a non-empty string, got {value!r}")
    return value


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key}: expected a whole number ≥ 0, got {value!r}")
    return value


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    return value


def _positive_number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{key}: expected a number > 0, got {value!r}")
    return float(value)


def _path(key: str, value: Any) -> Path:
    return Path(_string(key, value))


def _output_format(key: str, value: Any) -> str:
    if value not in OUTPUT_FORMATS:
        raise ConfigError(f"{key}: expected one of {', '.join(OUTPUT_FORMATS)}, got {value!r}")
    return str(value)


def _per_file_ignores(key: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{key}: expected a table of glob = ["CODE", ...], got {value!r}')
    return tuple((glob, _string_list(f"{key}.{glob}", codes)) for glob, codes in value.items())


_Parser = Callable[[str, Any], Any]
_PARSERS: dict[str, _Parser] = {
    "schema": _path,
    "select": _string_list,
    "ignore": _string_list,
    "per-file-ignores": _per_file_ignores,
    "include": _string_list,
    "exclude": _string_list,
    "paths": _string_list,
    "max-file-size": _positive_int,
    "strict": _boolean,
    "jobs": _positive_int,
    "probe": _boolean,
    "probe-links": _boolean,
    "probe-images": _boolean,
    "probe-concurrency": _positive_int,
    "probe-per-host": _positive_int,
    "probe-per-host-rate": _positive_number,
    "probe-timeout": _positive_number,
    "probe-allow": _string_list,
    "allow-private": _boolean,
    "probe-ca-bundle": _path,
    "cache-dir": lambda key, value: Path(_string(key, value)).expanduser(),
    "cache": _boolean,
    "cache-ttl-hours": _positive_number,
    "future-tolerance-days": _positive_int,
    "oldest-year": _positive_int,
    "project-index": _boolean,
    "output-format": _output_format,
}
_PATH_OPTIONS = ("schema", "probe_ca_bundle", "cache_dir")


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """Walk up from ``start`` to the first seedlint.toml or pyproject.toml with [tool.seedlint]."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own, _read_toml(own)
        pyproject = candidate / PYPROJECT
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("seedlint")
            if table is not None:
                return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            data: dict[str, Any] = tomllib.load(stream)
            return data
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from error


def load_config(config_file: Path | None = None, start_paths: Sequence[Path] = ()) -> Config:
    """Build the Config from an explicit file, or from one found above the linted paths."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist")
        data = _read_toml(config_file)
        if config_file.name == PYPROJECT:
            data = data.get("tool", {}).get("seedlint", {})
        found: tuple[Path, dict[str, Any]] | None = (config_file, data)
    else:
        start = _common_folder(start_paths) if start_paths else Path.cwd()
        found = find_config_file(start)
    if found is None:
        return Config()
    path, table = found
    return config_from_table(table, path)


def config_from_table(table: Mapping[str, Any], source: Path) -> Config:
    """Validate one config table and turn it into a Config."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: [tool.seedlint] must be a table")
    root = source.resolve().parent
    known = {f.name for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        parser = _PARSERS.get(key)
        name = key.replace("-", "_")
        if parser is None or (name not in known and key != "probe"):
            options = ", ".join(sorted(_PARSERS))
            raise ConfigError(f"{source}: unknown option {key!r}; known options: {options}")
        try:
            values[name] = parser(key, raw)
        except ConfigError as error:
            raise ConfigError(f"{source}: {error}") from None
    if "probe" in values:  # shorthand for both kinds of probing
        both = values.pop("probe")
        values.setdefault("probe_links", both)
        values.setdefault("probe_images", both)
    for name in _PATH_OPTIONS:
        path = values.get(name)
        if isinstance(path, Path) and not path.is_absolute():
            values[name] = root / path
    return Config(root=root, source=source, **values)


def _common_folder(paths: Iterable[Path]) -> Path:
    resolved = [p.resolve() for p in paths]
    common = resolved[0]
    for path in resolved[1:]:
        while common != path and common not in path.parents:
            common = common.parent
    return common
