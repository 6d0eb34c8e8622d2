"""Every configuration option: its key, one validation, documentation and flag.

The file and the command line both validate through :func:`validate`, so they
accept the same values with the same limits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

OUTPUT_FORMATS = ("text", "json", "sarif", "github", "junit")
"""The ``output-format`` values; ``seedlint.reporters.REPORTERS`` has one reporter for each."""


class InvalidValue(ValueError):
    """A value an option does not accept; the message says what was expected.

    ``subkey`` names the entry of a table option at fault, for the error's position.
    """

    def __init__(self, message: str, subkey: str | None = None) -> None:
        super().__init__(message)
        self.subkey = subkey


# --- value validators: one per kind of option, shared by the file and the command line


def _string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InvalidValue(f"expected a list of strings, got {value!r}")
    return tuple(value)


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidValue(f"expected a non-empty string, got {value!r}")
    return value


class _Whole:
    """A whole number of at least ``minimum``."""

    __slots__ = ("minimum",)

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def __call__(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            raise InvalidValue(f"expected a whole number ≥ {self.minimum}, got {value!r}")
        return value

    @property
    def kind(self) -> str:
        """How the reference names the type."""
        return f"integer ≥ {self.minimum}"


_whole = _Whole


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected true or false, got {value!r}")
    return value


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise InvalidValue(f"expected a number > 0, got {value!r}")
    if value == float("inf"):
        raise InvalidValue(f"expected a finite number > 0, got {value!r}")
    return float(value)


def _path(value: Any) -> Path:
    return Path(_string(value)).expanduser()


def _output_format(value: Any) -> str:
    if value not in OUTPUT_FORMATS:
        raise InvalidValue(f"expected one of {', '.join(OUTPUT_FORMATS)}, got {value!r}")
    return str(value)


def _per_file_ignores(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f'expected a table of glob = ["CODE", ...], got {value!r}')
    parsed = []
    for glob, codes in value.items():
        try:
            parsed.append((glob, _string_list(codes)))
        except InvalidValue as error:
            raise InvalidValue(f"{glob}: {error}", subkey=glob) from None
    return tuple(parsed)


def _vocabulary(value: Any) -> tuple[str, ...]:
    words = _string_list(value)
    for word in words:
        if not word.strip():
            raise InvalidValue(f"expected non-empty words, got {word!r}")
    return tuple(dict.fromkeys(words))


def _name_table(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f'expected a table of domain = "name", got {value!r}')
    parsed = []
    for domain, name in value.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidValue(f"{domain}: expected a non-empty name, got {name!r}", subkey=domain)
        parsed.append((domain, name))
    return tuple(parsed)


def _allow_entries(value: Any) -> tuple[str, ...]:
    entries = _string_list(value)
    for entry in entries:
        problem = _allow_entry_problem(entry.strip())
        if problem:
            raise InvalidValue(f"{entry!r} {problem}")
    return tuple(entry.strip() for entry in entries)


def _allow_entry_problem(entry: str) -> str | None:
    """Why ``entry`` is not ``name``, ``name:port``, ``ip:port``, ``[v6]:port`` or a CIDR network."""
    if not entry:
        return "is empty; expected a host, host:port or CIDR network"
    if "/" in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            return f"is not a CIDR network ({error})"
        return None
    if entry.startswith("["):
        host, closed, rest = entry[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            return "is not [IPv6] or [IPv6]:port"
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"has no valid IPv6 address between the brackets ({host!r})"
        return _port_problem(rest[1:]) if rest else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return "has no host before the port" if not host else _port_problem(port)
    if ":" in entry:
        try:
            ipaddress.IPv6Address(entry)
        except ValueError:
            return "is neither host:port nor an IPv6 address (write [IPv6]:port)"
    return None


def _port_problem(port: str) -> str | None:
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        return f"has port {port!r}; expected a number from 1 to 65535"
    return None


# --- the options


class Option(NamedTuple):
    """One configuration option: its key, validation, documentation and command-line flag."""

    key: str
    parse: Callable[[Any], Any]
    doc: str
    example: str
    """A TOML value for the reference."""
    flag: str | None = None
    """The command-line flag that sets it, if any."""
    widens_reach: bool = False
    """Widens where seedlint connects, reads or writes (documented as such)."""

    @property
    def field_name(self) -> str:
        """The :class:`Config` field it sets."""
        return self.key.replace("-", "_")

    @property
    def kind(self) -> str:
        """The type of value it takes, as the reference names it."""
        return self.parse.kind if isinstance(self.parse, _Whole) else _KINDS[self.parse]


_KINDS: dict[Callable[[Any], Any], str] = {
    _string_list: "list of strings",
    _boolean: "true or false",
    _positive_number: "number > 0",
    _path: "path",
    _output_format: "string",
    _per_file_ignores: "table",
    _allow_entries: "list of strings",
    _vocabulary: "list of strings",
    _name_table: "table",
}

OPTIONS: tuple[Option, ...] = (
    Option("paths", _string_list, "what to lint when no path is given", '["seeds"]'),
    Option("include", _string_list, "file names linted inside folders", '["*.txt", "*.md"]'),
    Option(
        "exclude",
        _string_list,
        "names (or, with a `/`, root-relative paths) skipped inside folders",
        '[".*", "node_modules", "__pycache__", "README.md", "readme.md", "drafts/*"]',
    ),
    Option("select", _string_list, 'codes, prefixes ("D") or rule names', '["ALL"]', "--select"),
    Option("ignore", _string_list, "codes, prefixes or names to skip", '["S013"]', "--ignore"),
    Option(
        "per-file-ignores",
        _per_file_ignores,
        "a table: root-relative glob = codes or names",
        '{ "seeds/legacy/*" = ["E002"] }',
    ),
    Option(
        "max-file-size",
        _whole(1),
        "bytes; larger files are reported (S006), not read",
        "1048576",
        "--max-file-size",
    ),
    Option("strict", _boolean, "warnings fail the run too", "false", "--strict"),
    Option("jobs", _whole(0), "worker processes; 0 = one per core", "0", "--jobs"),
    Option(
        "schema",
        _path,
        "a JSON Schema instead of the packaged one (relative to the root)",
        '"schemas/seed.schema.json"',
        widens_reach=True,
    ),
    Option(
        "output-format",
        _output_format,
        " | ".join(OUTPUT_FORMATS),
        '"text"',
        "--output-format",
    ),
    Option("future-tolerance-days", _whole(0), "D003: how far past now a date may lie", "1"),
    Option("oldest-year", _whole(0), "D004: dates before January 1 of it are absurd", "1990"),
    Option(
        "vocabulary-type",
        _vocabulary,
        "C015: the allowed `type` values; empty = learned from the project (C016)",
        '["article", "video", "opinion"]',
    ),
    Option(
        "vocabulary-category",
        _vocabulary,
        "C015: the allowed `category` values; empty = learned from the project (C016)",
        '["news", "sport", "business"]',
    ),
    Option(
        "provider-names",
        _name_table,
        "C015: a table: provider.domain = its one provider.name (other domains: C017)",
        '{ "nytimes.com" = "New York Times" }',
    ),
    Option(
        "project-index",
        _boolean,
        "C010 compares webUrls across the whole project (on-disk index)",
        "true",
    ),
    Option("probe", _boolean, "shorthand for probe-links and probe-images", "false", "--probe"),
    Option("probe-links", _boolean, "check that every link answers", "false", "--probe-links"),
    Option("probe-images", _boolean, "measure every image's real size", "false", "--probe-images"),
    Option(
        "probe-concurrency", _whole(1), "requests in flight at once", "32", "--probe-concurrency"
    ),
    Option("probe-per-host", _whole(1), "requests in flight per host", "4", "--probe-per-host"),
    Option(
        "probe-per-host-rate",
        _positive_number,
        "requests per second to one host; default: no limit",
        "5.0",
    ),
    Option(
        "probe-timeout",
        _positive_number,
        "seconds one URL may take, redirects and retries included",
        "20.0",
        "--probe-timeout",
    ),
    Option(
        "probe-budget",
        _positive_number,
        "seconds the whole probe run may take; URLs left then are reported not checked (L014)",
        "600.0",
    ),
    Option(
        "probe-host-budget",
        _positive_number,
        "seconds one host may take, waiting for its slots included; its other URLs: L014",
        "180.0",
    ),
    Option(
        "probe-allow",
        _allow_entries,
        "hosts (name, name:port, ip:port) or CIDR networks the address guard lets through",
        '["staging.example.com", "10.20.0.0/16"]',
        "--allow",
        widens_reach=True,
    ),
    Option(
        "allow-private",
        _boolean,
        "turn the address guard off (private, loopback, any port)",
        "false",
        "--allow-private",
        widens_reach=True,
    ),
    Option(
        "probe-ca-bundle",
        _path,
        "PEM file of trusted certificate authorities instead of the system's",
        '"certs/ca.pem"',
        "--ca-bundle",
        widens_reach=True,
    ),
    Option(
        "cache",
        _boolean,
        "read and write cached lint and probe results",
        "true",
        "--no-cache",
    ),
    Option(
        "cache-dir",
        _path,
        "where the result and probe caches and the project index live",
        '".seedlint-cache"',
        "--cache-dir",
        widens_reach=True,
    ),
    Option("cache-ttl-hours", _positive_number, "how long a probe result is reused", "24.0"),
    Option(
        "cache-transient-ttl-minutes",
        _positive_number,
        "how long timeouts, 5xx, 429 and other passing failures are remembered",
        "5.0",
    ),
)
OPTION_BY_KEY = {option.key: option for option in OPTIONS}
PATH_FIELDS = ("schema", "probe_ca_bundle", "cache_dir")
SELECTOR_KEYS = ("select", "ignore")


def shard_spec(value: Any) -> tuple[int, int]:
    """``K/N`` (shard K of N, 1 ≤ K ≤ N) as given to ``--shard``; the command line only."""
    text = value.strip() if isinstance(value, str) else ""
    index, slash, count = text.partition("/")
    if not (slash and index.isascii() and index.isdigit() and count.isascii() and count.isdigit()):
        raise InvalidValue(f"expected K/N such as 2/4 (shard K of N), got {value!r}")
    k, n = int(index), int(count)
    if n < 1:
        raise InvalidValue(f"expected at least one shard (N ≥ 1), got {value!r}")
    if not 1 <= k <= n:
        raise InvalidValue(f"expected a shard number K from 1 to {n}, got {value!r}")
    return k, n


def validate(key: str, value: Any) -> Any:
    """The one validation of an option's value, for the file and the command line alike.

    Raises :class:`InvalidValue` (or KeyError for an unknown key).
    """
    return OPTION_BY_KEY[key].parse(value)
