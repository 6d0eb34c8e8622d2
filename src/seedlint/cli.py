"""The ``seedlint`` command. Only :func:`main` turns a result into an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from seedlint.config import OUTPUT_FORMATS, Config, ConfigError, load_config, with_command_line
from seedlint.diagnostics import Diagnostic, ExitCode, plural, visible
from seedlint.discovery import DiscoveryError
from seedlint.progress import progress_for
from seedlint.registry import all_rules, find_rule, unknown_selectors
from seedlint.reporters import ReportContext, fails_run
from seedlint.reporters.output import OutputPathError, check_output_path
from seedlint.shard_commands import (
    add_cache_parser,
    add_merge_parser,
    cache_command,
    check_shard,
    emit,
    merge_command,
    shard_of,
)
from seedlint.version import __version__

if TYPE_CHECKING:
    from seedlint.linter import LintResult

    _Commands = argparse._SubParsersAction[argparse.ArgumentParser]
    """What ``add_subparsers`` returns (generic only to the type checker)."""

_COMMANDS = ("check", "merge", "cache", "rules", "rule", "server")


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` tells it (``COLUMNS``, then the
    terminal of standard output, else 80), without importing :mod:`shutil`: it imports the
    bz2 and lzma modules, about 2 ms of every run's start."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no standard output: None has no fileno
            columns = 80
    return columns


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own formatter, given the width it would ask :mod:`shutil` for."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class _ArgumentParser(argparse.ArgumentParser):
    """An argument parser (and, being its type, every sub-command's) with that formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every command, or of ``command`` only.

    A run of one command never parses another's arguments, and building the other
    commands' parsers would cost it about a millisecond of its start.
    """
    parser: argparse.ArgumentParser = _ArgumentParser(
        prog="seedlint",
        description="A data-quality linter for seed files (YAML front matter describing news articles).",
    )
    parser.add_argument("--version", action="version", version=f"seedlint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add_parser in _COMMAND_PARSERS.items():
        if command is None or command == name:
            add_parser(commands)
    return parser


def _add_check_parser(commands: _Commands) -> None:
    check = commands.add_parser("check", help="lint seed files (the default command)")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the configured paths, seeds/); - reads standard input",
    )
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with -: the name the text on standard input is linted and reported as",
    )
    check.add_argument(
        "--config",
        type=Path,
        help="read this config file (its folder is the project root) instead of the root's",
    )
    check.add_argument(
        "--isolated",
        action="store_true",
        help="read no configuration file: defaults and the command line only",
    )
    check.add_argument(
        "--select",
        type=_codes,
        action="extend",
        help="only these rule codes, prefixes or names (comma-separated)",
    )
    check.add_argument(
        "--ignore",
        type=_codes,
        action="extend",
        help="skip these rule codes, prefixes or names (comma-separated)",
    )
    check.add_argument(
        "--strict", action="store_true", default=None, help="warnings also fail the run"
    )
    check.add_argument(
        "--max-file-size",
        type=int,
        metavar="BYTES",
        help="skip files larger than this (default 1 MiB)",
    )
    check.add_argument(
        "-j", "--jobs", type=int, metavar="N", help="worker processes (default: one per core)"
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (default: on a terminal, unless NO_COLOR is set)",
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print only the findings")
    _add_probe_arguments(check)
    check.add_argument(
        "--fix", action="store_true", help="apply safe fixes, then report what is left"
    )
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: also apply fixes that may change meaning (http → https)",
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        help="text (default), json, sarif, github (workflow annotations) or junit (XML)",
    )
    check.add_argument(
        "--output-file",
        type=Path,
        metavar="PATH",
        help="write the report to PATH (atomically) instead of standard output",
    )
    check.add_argument(
        "--statistics", action="store_true", help="after the report, count the findings per rule"
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings (usage errors still exit 2)",
    )

    check.add_argument(
        "--shard",
        metavar="K/N",
        help="lint shard K of N (files by path, probes by host) for a CI matrix; see merge",
    )
    check.add_argument(
        "--shard-output",
        type=Path,
        metavar="FILE",
        help="with --shard: write the shard's results to FILE for `seedlint merge`",
    )


def _add_rules_parser(commands: _Commands) -> None:
    rules = commands.add_parser(
        "rules", help="list every rule with its code, severity and explanation"
    )
    rules.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="markdown prints the full reference (docs/rules.md is generated this way)",
    )


def _add_rule_parser(commands: _Commands) -> None:
    rule = commands.add_parser("rule", help="show the documentation of one rule")
    rule.add_argument("code", help="a rule code such as S001, or its name")


def _add_server_parser(commands: _Commands) -> None:
    commands.add_parser(
        "server",
        help="run the language server on stdin/stdout (needs the 'server' extra)",
    )


_COMMAND_PARSERS: dict[str, Callable[[_Commands], None]] = {
    "check": _add_check_parser,
    "merge": add_merge_parser,
    "cache": add_cache_parser,
    "rules": _add_rules_parser,
    "rule": _add_rule_parser,
    "server": _add_server_parser,
}
"""Each command's parser, in the order ``--help`` lists them."""


def _add_probe_arguments(check: argparse.ArgumentParser) -> None:
    probe = check.add_argument_group("online checks (off by default)")
    probe.add_argument(
        "--probe", action="store_true", default=None, help="check links and images over HTTP"
    )
    probe.add_argument(
        "--probe-links", action="store_true", default=None, help="check only that links answer"
    )
    probe.add_argument(
        "--probe-images", action="store_true", default=None, help="check only image sizes"
    )
    probe.add_argument(
        "--probe-concurrency", type=int, metavar="N", help="requests in flight at once (default 32)"
    )
    probe.add_argument(
        "--probe-per-host", type=int, metavar="N", help="requests in flight per host (default 4)"
    )
    probe.add_argument(
        "--probe-timeout",
        type=float,
        metavar="SECONDS",
        help="time one URL may take in all (default 20)",
    )
    probe.add_argument(
        "--allow-private",
        action="store_true",
        default=None,
        help="let probes reach private, loopback and link-local addresses and any port (unsafe on untrusted seeds)",
    )
    probe.add_argument(
        "--allow",
        action="append",
        metavar="HOST|CIDR",
        help="let probes reach this host (name, name:port, ip:port) or network despite the address guard",
    )
    probe.add_argument(
        "--ca-bundle",
        type=Path,
        metavar="PEM",
        help="trust these certificate authorities instead of the system's",
    )
    probe.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where results are cached (default ~/.cache/seedlint)",
    )
    probe.add_argument(
        "--no-cache",
        action="store_false",
        dest="cache",
        default=None,
        help="neither read nor write cached results",
    )
    probe.add_argument(
        "--refresh", action="store_true", default=None, help="probe again even what is cached"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run seedlint; return the exit code (see :class:`ExitCode`)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*_COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "check")
    parser = build_parser(args_list[0] if args_list[0] in _COMMANDS else None)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:
        return ExitCode.OK if exit_.code == 0 else ExitCode.USAGE
    try:
        if args.command == "rules":
            return _list_rules(args.format)
        if args.command == "rule":
            return _show_rule(args.code)
        if args.command == "server":
            return _serve()
        if args.command == "merge":
            return merge_command(args)
        if args.command == "cache":
            return cache_command(args)
        return _check(args)
    except (ConfigError, DiscoveryError, OutputPathError) as error:
        print(f"seedlint: error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except BrokenPipeError:
        # The reader went away (`seedlint rules | head`): stop quietly, as cat does.
        sys.stderr.close()
        return ExitCode.OK
    except KeyboardInterrupt:
        print("seedlint: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as error:
        print(f"seedlint: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        print("seedlint: please report this with the file that caused it", file=sys.stderr)
        return ExitCode.USAGE


def _list_rules(output_format: str = "text") -> int:
    if output_format == "markdown":
        from seedlint.registry import rules_reference

        print(rules_reference(), end="")
        return ExitCode.OK
    for rule in all_rules():
        print(f"{rule.code}  {rule.name:<28} [{rule.flags}]")
        print(f"      {rule.summary}")
    return ExitCode.OK


def _show_rule(code: str) -> int:
    rule = find_rule(code)
    if rule is None:
        print(f"seedlint: error: no rule {code!r}; `seedlint rules` lists them", file=sys.stderr)
        return ExitCode.USAGE
    print(rule.documentation, end="")
    return ExitCode.OK


def _serve() -> int:
    try:
        import pygls  # noqa: F401 - only to tell a missing extra from a failure in the server
    except ImportError:
        print(
            "seedlint: error: the language server needs pygls: pip install 'seedlint[server]'",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    from seedlint.server import serve

    serve()
    return ExitCode.OK


def _check(args: argparse.Namespace) -> int:
    from seedlint.linter import lint_paths
    from seedlint.rules.schema import SchemaError

    if Path("-") in args.paths:
        return _check_stdin(args)
    if args.stdin_filename is not None:
        raise ConfigError("--stdin-filename needs - among the paths (read standard input)")
    if args.diff and (args.probe or args.probe_images or args.probe_links):
        raise ConfigError(
            "--diff shows only the offline fixes and cannot show image-size fixes, which "
            "need --probe; use --diff without --probe, or --fix --probe to apply them"
        )
    shard = shard_of(args)
    config = _configure(args, args.paths)
    if args.output_file is not None:
        check_output_path(args.output_file)
    if shard is not None:
        return check_shard(args, config, shard)
    not_written: list[Diagnostic] = []
    if args.fix or args.diff:
        changed, not_written = _fix(args, config)
        if args.diff:
            return ExitCode.FINDINGS if changed else ExitCode.OK
    progress = None if args.quiet else progress_for(sys.stderr)
    try:
        result = lint_paths(args.paths, config, progress=progress)
    except SchemaError as error:
        raise ConfigError(str(error)) from error
    finally:
        if progress is not None:
            progress.close()
    if args.fix and any(d.fix is not None for d in result.diagnostics):
        result.diagnostics, late = _fix_online(result, args, config)
        not_written.extend(late)
    if not_written:
        from seedlint.linter import is_enabled

        kept = [d for d in not_written if is_enabled(config, d.path, d.code)]
        result.diagnostics = sorted({*result.diagnostics, *kept})
    nothing_found = result.files_checked == 0
    if nothing_found:
        result.notices.append(_no_seeds_warning(args.paths, config))
    if not args.quiet or nothing_found:
        for line in (*result.notices, *([result.probe_summary] if result.probe_summary else [])):
            print(visible(line), file=sys.stderr)
    context = _report(result, args, config)
    if result.interrupted:
        # What finished is reported above; L014 names each URL left unchecked.
        print("seedlint: interrupted; the report covers what finished", file=sys.stderr)
        return ExitCode.INTERRUPTED
    if not args.exit_zero and any(fails_run(d, context) for d in result.diagnostics):
        return ExitCode.FINDINGS
    if nothing_found and config.strict and not args.exit_zero:
        return ExitCode.FINDINGS
    return ExitCode.OK


def _no_seeds_warning(paths: Sequence[Path], config: Config) -> str:
    from seedlint.discovery import display_path

    where = [p.as_posix() for p in paths] or [
        display_path(config.root / p, config.root) for p in config.paths
    ]
    patterns = ", ".join(config.include)
    return (
        f"warning: no seed files found in {', '.join(where)} (looked for {patterns}; "
        "a folder that should hold seeds is empty, or include/exclude skip them)"
    )


def _configure(args: argparse.Namespace, start_paths: Sequence[Path]) -> Config:
    """The root configuration, then the command line, through the same validation."""
    config = load_config(
        args.config, start_paths, unknown_rules=unknown_selectors, isolated=args.isolated
    )
    config = with_command_line(config, _command_line_options(args), unknown_selectors)
    if args.refresh:  # a command-line switch for one run, not a configuration option
        config = config.with_overrides(refresh=True)
    if not args.quiet:
        for warning in config.warnings:
            print(f"seedlint: warning: {visible(warning)}", file=sys.stderr)
    return config


def _command_line_options(args: argparse.Namespace) -> dict[str, object]:
    """Option key → value given on the command line (None: not given)."""
    probe = args.probe or None
    return {
        "select": args.select,
        "ignore": args.ignore,
        "strict": args.strict,
        "max-file-size": args.max_file_size,
        "jobs": args.jobs,
        "output-format": args.output_format,
        "probe-links": True if probe or args.probe_links else None,
        "probe-images": True if probe or args.probe_images else None,
        "probe-concurrency": args.probe_concurrency,
        "probe-per-host": args.probe_per_host,
        "probe-timeout": args.probe_timeout,
        "allow-private": args.allow_private,
        "probe-allow": args.allow,
        "probe-ca-bundle": args.ca_bundle and str(args.ca_bundle),
        "cache-dir": args.cache_dir and str(args.cache_dir),
        "cache": args.cache,
    }


def _check_stdin(args: argparse.Namespace) -> int:
    """Lint (or fix) the text on standard input as if it were the file --stdin-filename."""
    from seedlint.discovery import display_path
    from seedlint.linter import LintResult, lint_text, make_context

    if args.paths != [Path("-")]:
        raise ConfigError("- (standard input) cannot be combined with other paths")
    if args.probe or args.probe_links or args.probe_images:
        raise ConfigError("--probe needs files: standard input is checked offline only")
    if args.shard is not None or args.shard_output is not None:
        raise ConfigError("--shard needs files: standard input is one buffer, not a project")
    name = Path(args.stdin_filename) if args.stdin_filename else None
    config = _configure(args, [name] if name is not None else [])
    shown = display_path(name, config.root) if name is not None else "-"
    raw = sys.stdin.buffer.read()
    if args.fix or args.diff:
        from seedlint.fix import FixOutcome, fix_text, unified_diff

        fixed = fix_text(raw, shown, make_context(config), unsafe=args.unsafe_fixes)
        if args.diff:
            outcome = FixOutcome(Path(shown), fixed.before, fixed.after, fixed.fixes_applied)
            sys.stdout.write(unified_diff(outcome, shown))
            return ExitCode.FINDINGS if outcome.changed else ExitCode.OK
        # --fix: the fixed text replaces the input on stdout; the findings go to stderr.
        if fixed.before or not raw:
            raw = (("\ufeff" if fixed.has_bom else "") + fixed.after).encode("utf-8")
        # else: not UTF-8 text, nothing was fixed: the input passes through unchanged
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
    diagnostics = lint_text(raw, shown, config)
    result = LintResult(diagnostics, 1, len({d.path for d in diagnostics}), checked_paths=[shown])
    context = _report(result, args, config, stream=sys.stderr if args.fix else None)
    if not args.exit_zero and any(fails_run(d, context) for d in result.diagnostics):
        return ExitCode.FINDINGS
    return ExitCode.OK


def _report(
    result: LintResult, args: argparse.Namespace, config: Config, stream: TextIO | None = None
) -> ReportContext:
    """Write the findings in the chosen format, to stdout or atomically to --output-file."""
    root_uri = config.root.resolve().as_uri()
    root_uri = root_uri if root_uri.endswith("/") else root_uri + "/"
    return emit(result, args, config.output_format, config.strict, root_uri, stream=stream)


def _fix_online(
    result: LintResult, args: argparse.Namespace, config: Config
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Apply the fixes only the probe could find (image sizes).

    Returns the findings left, and S016 for files that changed since they were read.
    """
    from seedlint.fix import fix_reported, not_written_findings

    # Offline fixes were applied (or refused, with S016) before the run; a fixable
    # offline finding left over must not be tried again as if the probe had found it.
    online = {rule.code for rule in all_rules() if rule.online}
    probed = [d for d in result.diagnostics if d.code in online]
    outcomes, fixed = fix_reported(probed, config, result.text_digests, unsafe=args.unsafe_fixes)
    written = [o for o in outcomes if o.not_written is None]
    if written and not args.quiet:
        sizes, files = plural(len(fixed), "image size"), plural(len(written), "file")
        print(f"Fixed {sizes} in {files}.", file=sys.stderr)
    left = [d for d in result.diagnostics if d not in fixed]
    return left, not_written_findings(outcomes, config.root)


def _fix(args: argparse.Namespace, config: Config) -> tuple[bool, list[Diagnostic]]:
    """Apply (or with --diff, print) the fixes.

    Returns whether some file changes, and S016 for files left as they were.
    """
    from seedlint.discovery import discover, display_path
    from seedlint.fix import fix_paths, not_written_findings, unified_diff

    targets = list(args.paths) or [config.root / p for p in config.paths]
    outcomes = fix_paths(
        discover(targets, config), config, unsafe=args.unsafe_fixes, write=not args.diff
    )
    changed = [outcome for outcome in outcomes if outcome.changed]
    for outcome in changed:
        if args.diff:
            sys.stdout.write(unified_diff(outcome, display_path(outcome.path, config.root)))
    if not args.diff and changed and not args.quiet:
        fixes = sum(outcome.fixes_applied for outcome in changed)
        print(
            f"Fixed {plural(fixes, 'finding')} in {plural(len(changed), 'file')}.", file=sys.stderr
        )
    return bool(changed), not_written_findings(outcomes, config.root)
