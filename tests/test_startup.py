"""A one-file run imports only what it needs (its start-up is most of its time).

Each run happens in a fresh interpreter, as the command line would start it,
and reports which modules ended up in ``sys.modules``. Timings live in the
benchmark (benchmarks/bench_offline.py); these tests pin the mechanism.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT

SEED = sorted((PROJECT / "seeds").glob("*.txt"))[0]

PROGRAM = """
import json, sys
from seedlint.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

NEVER_OFFLINE = (
    "jsonschema",
    "httpx",
    "seedlint.online",
    "seedlint.probe",
    "seedlint.outcomes",
    "seedlint.rules.url_uses",
    "seedlint.fix",
    "seedlint.sharding",
    "seedlint.merging",
    "multiprocessing",
    "threading",
    "_hashlib",
    "tomllib",
    "textwrap",
    "html",
    "shutil",
)
"""Never imported by an offline check of one clean file without a configuration file:
the probe and the online rules' logic, fixes, shards, the worker pool and threads, OpenSSL's
digests, the TOML reader, the rules' documentation (textwrap), HTML's entity table, and shutil
(which argparse imports for the terminal's width, and which imports bz2 and lzma)."""

OTHER_FORMATS = ("json_report", "sarif", "github", "junit")


def imported(folder: Path, *args: str) -> set[str]:
    """The modules a ``seedlint`` run with ``args`` in ``folder`` imports; asserts it is clean."""
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
        env=env,
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "{}"
    report = json.loads(last)
    assert report.get("code") == 0, done.stdout + done.stderr
    return set(report["modules"])


@pytest.fixture
def lone_seed(tmp_path: Path) -> Path:
    """A valid seed alone in a folder: no configuration file, no git work tree above."""
    seed = tmp_path / "one.txt"
    seed.write_bytes(SEED.read_bytes())
    return seed


def test_a_one_file_run_outside_a_project_imports_nothing_it_does_not_need(
    lone_seed: Path,
) -> None:
    modules = imported(lone_seed.parent, "check", "one.txt")
    assert "seedlint.linter" in modules  # the run did lint
    assert sorted(m for m in modules if m.startswith(NEVER_OFFLINE)) == []
    reporters = {m.rsplit(".", 1)[-1] for m in modules if m.startswith("seedlint.reporters.")}
    assert "text" in reporters
    assert reporters.isdisjoint(OTHER_FORMATS)


def test_a_run_imports_the_reporter_of_its_format_only(lone_seed: Path) -> None:
    modules = imported(lone_seed.parent, "check", "--output-format", "json", "one.txt")
    reporters = {m.rsplit(".", 1)[-1] for m in modules if m.startswith("seedlint.reporters.")}
    assert "json_report" in reporters
    assert reporters.isdisjoint({"text", "sarif", "github", "junit"})


def test_the_reporters_mapping_still_names_every_format() -> None:
    from seedlint import reporters
    from seedlint.config import OUTPUT_FORMATS

    assert tuple(reporters.REPORTERS) == OUTPUT_FORMATS
    assert reporters.report_statistics.__module__ == "seedlint.reporters.text"
    with pytest.raises(AttributeError):
        _ = reporters.no_such_reporter


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--select", "E,D", "-q", "--output-format", "sarif", "a.txt", "seeds"],
        ["check", "--probe", "--allow", "10.0.0.0/8", "--no-cache", "-j", "2"],
        ["merge", "one.json", "two.json"],
        ["cache", "export", "probes.json"],
        ["rules", "--format", "markdown"],
        ["rule", "S001"],
        ["server"],
    ],
)
def test_the_parser_of_one_command_reads_it_as_the_full_parser_does(argv: list[str]) -> None:
    import argparse

    from seedlint.cli import build_parser

    only = build_parser(argv[0])
    (commands,) = (a for a in only._actions if isinstance(a, argparse._SubParsersAction))
    assert list(commands.choices) == [argv[0]]  # the other commands' parsers are not built
    assert vars(only.parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("columns", [None, "100", "0", "-3", "wide", "37"])
def test_the_help_is_as_wide_as_shutil_would_make_it(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse
    import shutil

    from seedlint import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli.terminal_columns() == shutil.get_terminal_size().columns
    for command in (None, "check", "rules", "rule", "merge", "cache"):
        ours = cli.build_parser(command)
        theirs = cli.build_parser(command)
        for parser in _parsers(theirs):
            parser.formatter_class = argparse.HelpFormatter
        assert [p.format_help() for p in _parsers(ours)] == [
            p.format_help() for p in _parsers(theirs)
        ]


def _parsers(parser: Any) -> list[Any]:
    """``parser`` and its sub-commands' parsers."""
    import argparse

    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_parsers(sub))
    return found
