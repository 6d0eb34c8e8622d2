"""The command line of split runs: ``check --shard K/N`` and ``seedlint merge``; report writing."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from seedlint.config import OUTPUT_FORMATS, Config, ConfigError
from seedlint.diagnostics import ExitCode, visible
from seedlint.progress import progress_for
from seedlint.registry import all_rules
from seedlint.reporters import ReportContext, fails_run, reporter_for, use_color
from seedlint.reporters.output import check_output_path, write_report

if TYPE_CHECKING:
    from seedlint.linter import LintResult
    from seedlint.sharding import Shard


def add_merge_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merge = commands.add_parser(
        "merge", help="combine the files of `check --shard K/N --shard-output` into one report"
    )
    merge.add_argument("shard_files", nargs="+", type=Path, metavar="FILE", help="shard files")
    merge.add_argument(
        "--output-format", choices=OUTPUT_FORMATS, help="default: the shards' output format"
    )
    merge.add_argument(
        "--output-file", type=Path, metavar="PATH", help="write the report to PATH (atomically)"
    )
    merge.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    merge.add_argument("-q", "--quiet", action="store_true", help="print only the findings")
    merge.add_argument(
        "--statistics", action="store_true", help="after the report, count the findings per rule"
    )
    merge.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )


def add_cache_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cache = commands.add_parser(
        "cache", help="export or import the probe cache as one file (for CI caches/artifacts)"
    )
    cache.add_argument("action", choices=("export", "import"))
    cache.add_argument("file", type=Path, metavar="FILE")
    cache.add_argument("--cache-dir", type=Path, metavar="DIR", help="the cache to use")
    cache.add_argument("--config", type=Path, help="read this config file instead of the root's")
    cache.add_argument("--isolated", action="store_true", help="read no configuration file")


def cache_command(args: argparse.Namespace) -> int:
    """``seedlint cache export|import FILE``: records move only with a valid signature."""
    from seedlint.cache_transfer import export_cache, import_cache
    from seedlint.config import load_config, with_command_line

    config = load_config(args.config, [], isolated=args.isolated)
    config = with_command_line(config, {"cache-dir": args.cache_dir and str(args.cache_dir)})
    if args.action == "export":
        count = export_cache(config, args.file)
        print(f"Exported {count} probe results to {visible(str(args.file))}.", file=sys.stderr)
        return ExitCode.OK
    counts = import_cache(config, args.file)
    print(
        f"Imported {counts.imported} probe results; rejected {counts.rejected} not signed "
        f"with this cache's key; skipped {counts.expired} expired.",
        file=sys.stderr,
    )
    return ExitCode.OK


def shard_of(args: argparse.Namespace) -> Shard | None:
    """``--shard K/N``, validated; refused with the options that cannot be split."""
    if args.shard is None:
        if args.shard_output is not None:
            raise ConfigError("--shard-output needs --shard K/N")
        return None
    # Imported only here: every `check` calls this, and most runs are not sharded.
    from seedlint.config.options import InvalidValue, shard_spec
    from seedlint.sharding import Shard

    try:
        index, count = shard_spec(args.shard)
    except InvalidValue as error:
        raise ConfigError(f"--shard: {error}") from None
    if args.fix or args.diff:
        raise ConfigError("--shard cannot be combined with --fix or --diff: fix in one run")
    return Shard(index, count)


def check_shard(args: argparse.Namespace, config: Config, shard: Shard) -> int:
    """One shard: report its files' offline findings; write everything to --shard-output."""
    from seedlint.linter import LintResult
    from seedlint.merging import write_shard_file
    from seedlint.rules.schema import SchemaError
    from seedlint.sharding import run_shard

    progress = None if args.quiet else progress_for(sys.stderr)
    try:
        run = run_shard(args.paths, config, shard, progress=progress)
    except SchemaError as error:
        raise ConfigError(str(error)) from error
    finally:
        if progress is not None:
            progress.close()
    if args.shard_output is not None:
        write_shard_file(args.shard_output, run, config)
    if not args.quiet:
        for line in (*run.notices, *([run.probe_summary] if run.probe_summary else [])):
            print(visible(line), file=sys.stderr)
    files = len({d.path for d in run.diagnostics})
    result = LintResult(run.diagnostics, run.files_checked, files, checked_paths=run.checked_paths)
    root_uri = config.root.resolve().as_uri()
    root_uri = root_uri if root_uri.endswith("/") else root_uri + "/"
    context = emit(result, args, config.output_format, config.strict, root_uri)
    if run.interrupted:
        print("seedlint: interrupted; the shard file covers what finished", file=sys.stderr)
        return ExitCode.INTERRUPTED
    if not args.exit_zero and any(fails_run(d, context) for d in result.diagnostics):
        return ExitCode.FINDINGS
    return ExitCode.OK


def merge_command(args: argparse.Namespace) -> int:
    """``seedlint merge``: one report from every shard's file, exit code as a single run."""
    from seedlint.merging import merge

    if args.output_file is not None:
        check_output_path(args.output_file)
    merged = merge(args.shard_files)
    result = merged.result
    if not args.quiet:
        for line in result.notices:
            print(visible(line), file=sys.stderr)
    output_format = args.output_format or merged.output_format
    context = emit(result, args, output_format, merged.strict, merged.root_uri)
    if result.interrupted:
        print("seedlint: a shard was interrupted; the report covers what finished", file=sys.stderr)
        return ExitCode.INTERRUPTED
    if not args.exit_zero and any(fails_run(d, context) for d in result.diagnostics):
        return ExitCode.FINDINGS
    return ExitCode.OK


def emit(
    result: LintResult,
    args: argparse.Namespace,
    output_format: str,
    strict: bool,
    root_uri: str,
    *,
    stream: TextIO | None = None,
) -> ReportContext:
    """Write the findings in ``output_format``, to stdout or atomically to --output-file."""
    to_file = args.output_file is not None
    out = stream or sys.stdout
    context = ReportContext(
        files_checked=result.files_checked,
        quiet=args.quiet,
        color=not to_file and use_color(out, args.color),
        checked_paths=tuple(result.checked_paths),
        rules=all_rules(),
        strict=strict,
        root_uri=root_uri,
    )
    reporter = reporter_for(output_format)
    if to_file:
        buffer = io.StringIO()
        reporter(result.diagnostics, context, buffer)
        write_report(args.output_file, buffer.getvalue())
    else:
        reporter(result.diagnostics, context, out)
    if args.statistics:
        from seedlint.reporters.text import report_statistics

        # A machine format on stdout must stay parseable: its statistics go to stderr.
        machine_on_stdout = not to_file and output_format != "text"
        report_statistics(result.diagnostics, context, sys.stderr if machine_on_stdout else out)
    return context
