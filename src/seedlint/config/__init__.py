"""Configuration: the project root, its one configuration file, and the command line.

The project root is the top of the git work tree holding the linted paths
(found by walking up from them, so the working folder does not matter), or the
folder of the file given with ``--config``. Only the configuration at the root
is read: a ``seedlint.toml`` or ``pyproject.toml`` below it may come from a pull
request, so it is ignored (and named in a warning). Outside a git work tree the
outermost configuration above the linted paths is the root's; without one, the
working folder is the root.

Every option, from the file or the command line, goes through one validation
(:func:`validate`), so both accept the same values. Unknown keys and wrong
types are errors (exit 2) with the file, line and column, so a typo never
silently turns a check off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, NamedTuple

from seedlint.config.files import ConfigError, TomlFile, read_toml, shown_path
from seedlint.config.options import (
    OPTION_BY_KEY,
    OPTIONS,
    OUTPUT_FORMATS,
    PATH_FIELDS,
    SELECTOR_KEYS,
    InvalidValue,
    Option,
    validate,
)

__all__ = [
    "CACHE_FILE_NAME",
    "CONFIG_FILE",
    "DEFAULT_MAX_FILE_SIZE",
    "OPTIONS",
    "OUTPUT_FORMATS",
    "PYPROJECT",
    "Config",
    "ConfigError",
    "InvalidValue",
    "Option",
    "Project",
    "config_for_file",
    "default_cache_dir",
    "find_project",
    "load_config",
    "validate",
]

CONFIG_FILE = "seedlint.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_MAX_FILE_SIZE = 1 << 20
CACHE_FILE_NAME = "seedlint.sqlite3"
_TABLE = ("tool", "seedlint")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/seedlint``, else ``~/.cache/seedlint``."""
    base = os.environ.get("XDG_CACHE_HOME")
    # XDG says a relative value must be ignored, not resolved against the cwd.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "seedlint"


@dataclass(frozen=True)
class Config:
    """Everything that shapes a run. Defaults are the documented defaults (see :data:`OPTIONS`)."""

    root: Path = field(default_factory=Path.cwd)
    """The project root; paths are shown relative to it."""
    source: Path | None = None
    """The config file read, if any."""
    schema: Path | None = None
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = ("*.txt", "*.md")
    exclude: tuple[str, ...] = (".*", "node_modules", "__pycache__", "README.md", "readme.md")
    paths: tuple[str, ...] = ("seeds",)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    strict: bool = False
    jobs: int = 0
    probe_links: bool = False
    probe_images: bool = False
    probe_concurrency: int = 32
    probe_per_host: int = 4
    probe_per_host_rate: float | None = None
    probe_timeout: float = 20.0
    probe_budget: float = 600.0
    probe_host_budget: float = 180.0
    probe_allow: tuple[str, ...] = ()
    allow_private: bool = False
    probe_ca_bundle: Path | None = None
    cache_dir: Path | None = None
    cache: bool = True
    refresh: bool = False
    cache_ttl_hours: float = 24.0
    cache_transient_ttl_minutes: float = 5.0
    future_tolerance_days: int = 1
    oldest_year: int = 1990
    vocabulary_type: tuple[str, ...] = ()
    vocabulary_category: tuple[str, ...] = ()
    provider_names: tuple[tuple[str, str], ...] = ()
    project_index: bool = True
    output_format: str = "text"
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """Problems worth telling the user that do not stop the run (printed on stderr)."""

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with the given fields replaced; None values are left alone."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


UnknownRules = Callable[[Iterable[str]], list[str]]
"""The selectors among the given ones that name no rule (``registry.unknown_selectors``).

The rule list sits above the configuration in the layers, so the caller that
knows the rules passes this in; without it, selectors are not checked.
"""


def option_default(option: Option) -> Any:
    """The option's default as a Config holds it (None: computed at run time)."""
    if option.key == "probe":
        return False
    defaults = {f.name: f.default for f in fields(Config)}
    return defaults[option.field_name]


# --- the project root and its configuration file


class Project(NamedTuple):
    """Where a run's root is, which configuration file it reads, and which it ignores."""

    root: Path
    config_file: Path | None
    ignored: tuple[Path, ...] = ()
    """Configuration files between the linted paths and the root: never read."""


def find_project(
    start: Path, config_file: Path | None = None, *, isolated: bool = False
) -> Project:
    """The project a file or folder belongs to (see the module docstring for the rules).

    ``start`` may not exist yet (a name given with ``--stdin-filename``); the
    walk starts at its nearest existing folder. ``isolated`` ignores every
    configuration file: the root is the git work tree's top, else the working folder.
    """
    if config_file is not None:
        return Project(_absolute(config_file).parent, config_file)
    folder = _absolute(start)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    seen: list[Path] = []
    for candidate in (folder, *folder.parents):
        own = None if isolated else _config_in(candidate)
        if (candidate / ".git").exists():
            # git refuses to check out a path named .git, so a pull request
            # cannot plant this marker: the work tree's top is a safe root.
            return Project(candidate, own, tuple(seen))
        if own is not None:
            seen.append(own)
    if seen:
        return Project(seen[-1].parent, seen[-1], tuple(seen[:-1]))
    return Project(Path.cwd(), None)


def _config_in(folder: Path) -> Path | None:
    own = folder / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and _has_our_table(pyproject):
        return pyproject
    return None


def _has_our_table(pyproject: Path) -> bool:
    """A cheap look for ``[tool.seedlint`` without parsing (most pyprojects are not ours)."""
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "tool.seedlint" in text


def load_config(
    config_file: Path | None = None,
    start_paths: Sequence[Path] = (),
    *,
    unknown_rules: UnknownRules | None = None,
    isolated: bool = False,
) -> Config:
    """The Config of the project holding ``start_paths`` (or the working folder).

    ``isolated`` reads no configuration file: defaults and the command line only.
    """
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"config file {config_file} does not exist")
    if config_file is not None and isolated:
        raise ConfigError("--config and --isolated contradict each other; pick one")
    start = _common_folder(start_paths) if start_paths else Path.cwd()
    project = find_project(start, config_file, isolated=isolated)
    warnings = tuple(
        f"{shown_path(path)}: ignored: only the configuration at the project root "
        f"({shown_path(project.root) or '.'}) is read; pass --config to use this one"
        for path in project.ignored
    )
    if project.config_file is None:
        return Config(root=project.root, warnings=warnings)
    config = config_from_file(project.config_file, unknown_rules)
    return replace(config, warnings=(*warnings, *config.warnings))


def config_for_file(path: Path, unknown_rules: UnknownRules | None = None) -> Config:
    """The Config a file is linted with: its project's, with the same trust rules as the CLI.

    For an editor or server that lints one file at a time; ``path`` need not exist.
    """
    return load_config(None, [path], unknown_rules=unknown_rules)


def config_from_file(path: Path, unknown_rules: UnknownRules | None = None) -> Config:
    """Read and validate one configuration file; its folder is the root."""
    toml = read_toml(path)
    table, where = _our_table(toml)
    return config_from_table(table, toml, where, unknown_rules)


def _our_table(toml: TomlFile) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    """The options table: ``[tool.seedlint]`` in pyproject.toml; top level or that table otherwise."""
    data = toml.data
    nested = data.get("tool", {}).get("seedlint") if isinstance(data.get("tool"), dict) else None
    if toml.path.name == PYPROJECT:
        return (nested if nested is not None else {}), _TABLE
    if nested is None:
        return data, ()
    if set(data) != {"tool"} or set(data["tool"]) != {"seedlint"}:
        raise toml.error(
            f"{toml.path.name} has both a [tool.seedlint] table and other settings; "
            "put every option at the top level of this file (without [tool.seedlint]), "
            "or all of them under [tool.seedlint]",
            (),
            next(iter(k for k in data if k != "tool"), "tool"),
        )
    return nested, _TABLE


def config_from_table(
    table: Mapping[str, Any],
    toml: TomlFile,
    where: tuple[str, ...] = (),
    unknown_rules: UnknownRules | None = None,
) -> Config:
    """Validate one options table and turn it into a Config rooted at the file's folder."""
    if not isinstance(table, Mapping):
        raise toml.error("[tool.seedlint] must be a table", where)
    root = _absolute(toml.path).parent
    values: dict[str, Any] = {}
    for key, raw in table.items():
        option = OPTION_BY_KEY.get(key)
        if option is None:
            raise toml.error(_unknown_option(key, where), where, key)
        try:
            values[option.field_name] = option.parse(raw)
            if key in SELECTOR_KEYS and unknown_rules is not None:
                _check_selectors(values[option.field_name], unknown_rules)
        except InvalidValue as error:
            if error.subkey is not None:
                raise toml.error(f"{key}: {error}", (*where, key), error.subkey) from None
            raise toml.error(f"{key}: {error}", where, key) from None
    if "probe" in values:  # shorthand for both kinds of probing
        both = values.pop("probe")
        values.setdefault("probe_links", both)
        values.setdefault("probe_images", both)
    for name in PATH_FIELDS:
        path = values.get(name)
        if isinstance(path, Path) and not path.is_absolute():
            values[name] = root / path
    warnings: tuple[str, ...] = ()
    if unknown_rules is not None:
        entries = values.get("per_file_ignores", ())
        warnings = tuple(_per_file_warnings(entries, toml, where, unknown_rules))
    return Config(root=root, source=toml.path, warnings=warnings, **values)


def _unknown_option(key: str, where: tuple[str, ...]) -> str:
    if key == "tool" and not where:
        return (
            "unknown option 'tool': this file holds the options at the top level; "
            "write them without the [tool.seedlint] header (or put only [tool.seedlint] here)"
        )
    import difflib  # only for the error message

    close = difflib.get_close_matches(key, list(OPTION_BY_KEY), n=1, cutoff=0.6)
    hint = (
        f'; did you mean "{close[0]}"?'
        if close
        else "; `seedlint check --help` and the README list them"
    )
    return f"unknown option {key!r}{hint}"


def _check_selectors(selectors: Iterable[str], unknown_rules: UnknownRules) -> None:
    unknown = unknown_rules(selectors)
    if unknown:
        raise InvalidValue(
            f"unknown rule code or name: {', '.join(unknown)}; `seedlint rules` lists them"
        )


def _per_file_warnings(
    entries: Iterable[tuple[str, tuple[str, ...]]],
    toml: TomlFile,
    where: tuple[str, ...],
    unknown_rules: UnknownRules,
) -> Iterable[str]:
    """A warning per code in ``per-file-ignores`` that names no rule (it would silence nothing)."""
    for glob, codes in entries:
        for code in unknown_rules(codes):
            line, column, _ = toml.position((*where, "per-file-ignores"), glob)
            yield (
                f"{toml.shown}:{line}:{column}: per-file-ignores {glob!r}: "
                f"unknown rule code or name {code!r}; it silences nothing"
            )


def with_command_line(
    config: Config, options: Mapping[str, Any], unknown_rules: UnknownRules | None = None
) -> Config:
    """``config`` with command-line values (option key → raw value; None = not given).

    Each value goes through :func:`validate`, the same as in a file; ``ignore``
    and ``probe-allow`` add to the file's lists, everything else replaces.
    """
    values: dict[str, Any] = {}
    for key, raw in options.items():
        if raw is None:
            continue
        option = OPTION_BY_KEY[key]
        try:
            values[option.field_name] = option.parse(raw)
            if key in SELECTOR_KEYS and unknown_rules is not None:
                _check_selectors(values[option.field_name], unknown_rules)
        except InvalidValue as error:
            raise ConfigError(f"{option.flag or key}: {error}") from None
    if values.pop("probe", False):
        values["probe_links"] = values["probe_images"] = True
    if "ignore" in values:
        values["ignore"] = (*config.ignore, *values["ignore"])
    if "probe_allow" in values:
        values["probe_allow"] = (*config.probe_allow, *values["probe_allow"])
    return config.with_overrides(**values)


def _common_folder(paths: Iterable[Path]) -> Path:
    resolved = [_absolute(p) for p in paths]
    common = resolved[0]
    for path in resolved[1:]:
        while common != path and common not in path.parents:
            common = common.parent
    return common


def _absolute(path: Path) -> Path:
    """``path`` made absolute without following symlinks.

    The root is found from a path as given: a seed that is a symlink to a file
    outside the project still belongs to the project holding the link.
    """
    return Path(os.path.abspath(path))  # noqa: PTH100 - resolve() would follow symlinks
