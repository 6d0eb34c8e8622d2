"""Offline benchmark: ``seedlint check`` against the parsing floor and check-jsonschema.

Everything is measured in ONE run, so the ratios compare like with like on a
shared, noisy machine. Every measurement is a subprocess timed by wall clock,
interpreter start-up included:

(a) floor: one Python process that reads every seed and parses its front matter
    with ``yaml.load(..., Loader=yaml.CSafeLoader)``;
(b) ``seedlint check -q DIR`` (default jobs: one worker per core);
(c) ``check-jsonschema --schemafile schemas/seed.schema.json`` on ``.yaml``
    copies of the same front matter (it cannot read front matter itself);
(d) the one-file (pre-commit) case for each;
(e) peak memory of ``seedlint check`` on N/10 files against N files.

Usage::

    python benchmarks/bench_offline.py                 # 10,000 seeds, 3 repetitions
    python benchmarks/bench_offline.py --quick         # 1,000 seeds, 1 repetition
    python benchmarks/bench_offline.py --enforce       # exit 1 when a target is missed

The Markdown tables go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SCHEMA = ROOT / "schemas" / "seed.schema.json"

TARGET_FLOOR_RATIO = 3.0
"""seedlint may take at most this many times the floor on the full corpus."""
TARGET_CJS_SPEEDUP = 5.0
"""check-jsonschema must take at least this many times seedlint's time on the full corpus."""

FLOOR_PROGRAM = r"""
import os, re, sys, yaml
closing = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
paths = sys.argv[1:]
if len(paths) == 1 and os.path.isdir(paths[0]):
    paths = [os.path.join(paths[0], n) for n in sorted(os.listdir(paths[0])) if n.endswith(".txt")]
for path in paths:
    with open(path, "rb") as stream:
        text = stream.read().decode("utf-8")
    body = closing.split(text, maxsplit=2)[1]  # between the opening and the closing --- line
    yaml.load(body, Loader=yaml.CSafeLoader)
"""

INVALID_SEED = """\
---
title: "Broken on purpose"
excerpt: "quality is a string and February has no 30th."
publishedDateTime: 2020-02-30T10:00:00Z
originalUrl: "https://www.example.com/a"
webUrl: "https://www.example.com/a"
type: article
quality: "33"
heat: -1
published: false
provider:
  name: Example
  domain: example.com
topics:
  - AI
secured: "QUJDREVGR0hJSktMTU5PUA==;QUJDREVGR0hJSktMTU5PUA=="
---
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tool(name: str) -> str:
    """The console script next to this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"bench_offline: {name} is not installed (pip install -e '.[bench]')")
    return found


@dataclass
class Run:
    """One finished subprocess."""

    seconds: float
    returncode: int
    output: str


SEEDLINT_ENV: dict[str, str] = dict(os.environ)
"""The environment of seedlint runs: the pinned source (``--seedlint-src``) and a private cache."""


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    return Run(seconds, done.returncode, done.stdout + done.stderr)


@dataclass
class Timing:
    """Repeated wall-clock timings of one command (or of one batch of commands)."""

    label: str
    files: int
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


def timed(
    timing: Timing,
    commands: Sequence[Sequence[str]],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """Run ``commands`` one after another; add their summed time; all must exit 0."""
    total = 0.0
    for cmd in commands:
        result = run(cmd, cwd, env)
        if result.returncode != 0:
            sys.exit(
                f"bench_offline: {timing.label}: exit {result.returncode}, expected 0:\n"
                + result.output[-2000:]
            )
        total += result.seconds
    timing.seconds.append(total)
    log(f"  {timing.label}: {total:.3f} s")


# -- the corpus -------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """Two seedlint projects (a ``seedlint.toml`` beside a ``seeds/`` folder) and the copies.

    seedlint runs inside the project, as a user (or pre-commit) would: paths are
    relative to it and its cross-file pass sees the project's seeds.
    """

    project: Path
    small: Path
    """A project holding the first tenth of the seeds: the memory comparison's small run."""
    yaml: Path

    @property
    def seeds(self) -> Path:
        return self.project / "seeds"

    def seed_files(self) -> list[Path]:
        return sorted(self.seeds.glob("*.txt"))

    def yaml_files(self) -> list[Path]:
        return sorted(self.yaml.glob("*.yaml"))


def prepare_corpus(root: Path, count: int, seed: int) -> Corpus:
    corpus = Corpus(root / "project", root / "small", root / "yaml")
    have = len(list(corpus.seeds.glob("*.txt"))) if corpus.seeds.is_dir() else 0
    if have != count or len(list(corpus.yaml.glob("*.yaml"))) != count:
        for folder in (corpus.project, corpus.yaml, corpus.small):
            shutil.rmtree(folder, ignore_errors=True)
        log(f"generating {count:,} seeds in {root} ...")
        cmd = [sys.executable, str(HERE / "generate_seeds.py"), "--count", str(count)]
        cmd += ["--out", str(corpus.seeds), "--yaml-copies", str(corpus.yaml), "--seed", str(seed)]
        subprocess.run(cmd, check=True)
    else:
        log(f"reusing the {count:,} seeds in {root}")
    small_count = max(1, count // 10)
    small_seeds = corpus.small / "seeds"
    if len(list(small_seeds.glob("*.txt"))) != small_count:
        shutil.rmtree(corpus.small, ignore_errors=True)
        small_seeds.mkdir(parents=True)
        for path in corpus.seed_files()[:small_count]:
            shutil.copy2(path, small_seeds / path.name)
    for project in (corpus.project, corpus.small):
        (project / "seedlint.toml").write_text("# a benchmark project: seedlint's defaults\n")
    return corpus


# -- command lines ----------------------------------------------------------------------


def argv_bytes(args: Sequence[str]) -> int:
    """What execve counts against ARG_MAX: each string, its NUL and its pointer."""
    return sum(len(arg.encode()) + 1 + 8 for arg in args)


def cjs_batches(base: Sequence[str], names: Sequence[str]) -> list[list[str]]:
    """As few check-jsonschema invocations as ARG_MAX allows (usually exactly one)."""
    arg_max = os.sysconf("SC_ARG_MAX")
    environment = argv_bytes([f"{k}={v}" for k, v in os.environ.items()])
    budget = (arg_max - environment) // 2  # generous headroom
    batches: list[list[str]] = []
    current: list[str] = []
    size = argv_bytes(base)
    for name in names:
        if current and size + argv_bytes([name]) > budget:
            batches.append([*base, *current])
            current, size = [], argv_bytes(base)
        current.append(name)
        size += argv_bytes([name])
    batches.append([*base, *current])
    return batches


# -- memory -----------------------------------------------------------------------------


@dataclass
class Memory:
    label: str
    files: int
    seconds: float
    max_rss_kib: int
    """Kernel-exact peak RSS of the largest single process of the tree (wait4's ru_maxrss)."""
    pss_sum_kib: int
    """Sum over every process of its highest sampled PSS (shared pages split fairly)."""
    processes: int


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(child) for child in text.split()]
    except OSError:
        pass
    return found


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match[1]) if match else 0


@contextmanager
def pss_sampler(root_pid: int, interval: float = 0.01) -> Iterator[dict[int, int]]:
    """Sample the PSS of ``root_pid`` and all its descendants until the block ends."""
    peaks: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pending = [root_pid]
            while pending:
                pid = pending.pop()
                peaks[pid] = max(peaks.get(pid, 0), _pss_kib(pid))
                pending += _children(pid)
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        stop.set()
        thread.join()


def measure_memory(label: str, files: int, cmd: Sequence[str], cwd: Path) -> Memory:
    start = time.perf_counter()
    process = subprocess.Popen(
        cmd, cwd=cwd, env=SEEDLINT_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    with pss_sampler(process.pid) as peaks:
        # wait4 on this one child: its rusage covers the children it reaped (the workers),
        # unlike getrusage(RUSAGE_CHILDREN), whose maxrss is the largest child of this run.
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"bench_offline: {label}: exit {process.returncode}, expected 0")
    observed = {pid: kib for pid, kib in peaks.items() if kib}
    log(f"  {label} on {files:,}: max RSS {usage.ru_maxrss / 1024:.1f} MiB")
    return Memory(label, files, seconds, usage.ru_maxrss, sum(observed.values()), len(observed))


# -- import time ------------------------------------------------------------------------


def import_breakdown(
    seedlint: str, one_file: Path, cwd: Path, top: int = 12
) -> tuple[float, list[tuple[str, float]]]:
    """Total import time and the costliest top-level imports of ``seedlint check FILE``."""
    cmd = [sys.executable, "-X", "importtime", seedlint, "check", str(one_file)]
    done = subprocess.run(
        cmd, cwd=cwd, env=SEEDLINT_ENV, capture_output=True, text=True, check=False
    )
    top_level: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match and match[3] == " ":  # depth 0: imported by the program itself
            top_level[match[4]] = top_level.get(match[4], 0.0) + int(match[2]) / 1e6
    ranked = sorted(top_level.items(), key=lambda item: item[1], reverse=True)
    return sum(top_level.values()), ranked[:top]


# -- report -----------------------------------------------------------------------------


def ratio_text(numerator: Timing, denominator: Timing) -> str:
    return (
        f"{numerator.median / denominator.median:.2f}x ({numerator.best / denominator.best:.2f}x)"
    )


def met(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def describe_tool(cmd: Sequence[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def seedlint_source() -> str:
    code = "import seedlint, pathlib; print(pathlib.Path(seedlint.__file__).parent)"
    folder = subprocess.run(
        [sys.executable, "-c", code], env=SEEDLINT_ENV, capture_output=True, text=True, check=True
    ).stdout.strip()
    head = subprocess.run(
        ["git", "-C", folder, "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{folder} @ {head or 'unknown commit'}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time seedlint against its floor and check-jsonschema."
    )
    parser.add_argument(
        "--count", type=int, default=10_000, help="seeds in the corpus (default 10,000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="repetitions of each corpus run (default 3)"
    )
    parser.add_argument(
        "--one-file-repeat",
        type=int,
        default=10,
        help="repetitions of each one-file run (default 10)",
    )
    parser.add_argument("--corpus", type=Path, help="keep the corpus in DIR and reuse it next time")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--schema", type=Path, default=DEFAULT_SCHEMA, help="schema for check-jsonschema"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 1,000 seeds, 1 repetition"
    )
    parser.add_argument(
        "--seedlint-src",
        type=Path,
        metavar="DIR",
        help="import seedlint from DIR (a src/ folder, e.g. a `git archive` snapshot) "
        "instead of the installed one, so a tree being edited cannot change mid-run",
    )
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.repeat, args.one_file_repeat = 1_000, 1, 3
    if args.seedlint_src is not None:
        pythonpath = [str(args.seedlint_src.resolve()), os.environ.get("PYTHONPATH", "")]
        SEEDLINT_ENV["PYTHONPATH"] = os.pathsep.join(p for p in pythonpath if p)
    if args.corpus is not None:
        args.corpus.mkdir(parents=True, exist_ok=True)
        return bench(args, args.corpus)
    with tempfile.TemporaryDirectory(prefix="seedlint-bench-") as temporary:
        return bench(args, Path(temporary))


def bench(args: argparse.Namespace, root: Path) -> int:
    seedlint, cjs = tool("seedlint"), tool("check-jsonschema")
    schema = str(args.schema.resolve())
    corpus = prepare_corpus(root, args.count, args.seed)
    SEEDLINT_ENV["XDG_CACHE_HOME"] = str(root / "cache")  # seedlint's project index
    seeds, yamls = corpus.seed_files(), corpus.yaml_files()
    one_seed = seeds[0].relative_to(corpus.project)
    one_yaml = corpus.yaml / (one_seed.stem + ".yaml")
    jobs = os.cpu_count() or 1

    # Sanity: both tools really validate (an invalid seed fails both), and warm the caches.
    invalid = root / "invalid"
    invalid.mkdir(exist_ok=True)
    (invalid / "bad.txt").write_text(INVALID_SEED, encoding="utf-8")
    (invalid / "bad.yaml").write_text(INVALID_SEED.split("---\n")[1], encoding="utf-8")
    for cmd, env in (
        ([seedlint, "check", str(invalid / "bad.txt")], SEEDLINT_ENV),
        ([cjs, "--schemafile", schema, str(invalid / "bad.yaml")], None),
    ):
        result = run(cmd, env=env)
        if result.returncode != 1 or "quality" not in result.output:
            sys.exit(f"bench_offline: {cmd[0]} did not reject the invalid seed:\n{result.output}")
    # ... and the corpus is clean (this also fills seedlint's project index and the page cache).
    preflight = run([seedlint, "check", "seeds"], corpus.project, SEEDLINT_ENV)
    if preflight.returncode != 0 or "All clean" not in preflight.output:
        sys.exit(f"bench_offline: the corpus does not lint clean:\n{preflight.output[-3000:]}")

    base = [cjs, "--schemafile", schema]
    batches = cjs_batches(base, [path.name for path in yamls])
    floor = Timing("(a) floor: read + CSafeLoader, 1 process", len(seeds))
    lint = Timing(f"(b) seedlint check -q ({jobs} jobs)", len(seeds))
    cjs_label = "1 invocation" if len(batches) == 1 else f"{len(batches)} invocations"
    reference = Timing(f"(c) check-jsonschema ({cjs_label})", len(yamls))
    log(f"corpus runs ({args.repeat} repetitions, interleaved) ...")
    for _ in range(args.repeat):
        timed(floor, [[sys.executable, "-c", FLOOR_PROGRAM, str(corpus.seeds)]])
        timed(lint, [[seedlint, "check", "-q", "seeds"]], corpus.project, SEEDLINT_ENV)
        timed(reference, batches, cwd=corpus.yaml)

    floor_one = Timing("(d) one file: floor", 1)
    lint_one = Timing("(d) one file: seedlint check", 1)
    reference_one = Timing("(d) one file: check-jsonschema", 1)
    log(f"one-file runs ({args.one_file_repeat} repetitions, interleaved) ...")
    for _ in range(args.one_file_repeat):
        timed(floor_one, [[sys.executable, "-c", FLOOR_PROGRAM, str(one_seed)]], corpus.project)
        timed(lint_one, [[seedlint, "check", str(one_seed)]], corpus.project, SEEDLINT_ENV)
        timed(reference_one, [[*base, str(one_yaml)]])

    log("memory runs ...")
    small = len(list((corpus.small / "seeds").glob("*.txt")))
    memory = []
    for options, label in (
        ([], f"seedlint check -q ({jobs} jobs)"),
        (["-j", "1"], "seedlint check -q -j 1"),
    ):
        for project, files in ((corpus.small, small), (corpus.project, len(seeds))):
            cmd = [seedlint, "check", "-q", *options, "seeds"]
            memory.append(measure_memory(label, files, cmd, project))
    import_total, imports = import_breakdown(seedlint, one_seed, corpus.project)

    floor_ratio = lint.median / floor.median
    speedup = reference.median / lint.median
    one_file_ratio = lint_one.median / reference_one.median
    targets = {
        f"seedlint ≤ {TARGET_FLOOR_RATIO:g}x floor": floor_ratio <= TARGET_FLOOR_RATIO,
        f"seedlint ≥ {TARGET_CJS_SPEEDUP:g}x faster than check-jsonschema": speedup
        >= TARGET_CJS_SPEEDUP,
        "one-file seedlint faster than check-jsonschema": one_file_ratio < 1.0,
    }

    out: list[str] = []
    out.append(
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC} on "
        f"{platform.platform()}, {jobs} cores, Python {platform.python_version()}; "
        f"{describe_tool([seedlint, '--version'])} ({seedlint_source()}); "
        f"{describe_tool([cjs, '--version'])}. "
        f"{len(seeds):,} seeds ({sum(p.stat().st_size for p in seeds) / 2**20:.1f} MiB), "
        f"median (min) of {args.repeat} interleaved runs; one-file rows: {args.one_file_repeat} runs."
    )
    out.append("")
    out.append("| Measurement | Files | Median s | Min s | Ratio, median (min) | Target | Met |")
    out.append("|---|--:|--:|--:|---|---|---|")

    def row(timing: Timing, ratio: str = "", target: str = "", ok: str = "") -> None:
        out.append(
            f"| {timing.label} | {timing.files:,} | {timing.median:.3f} | {timing.best:.3f} "
            f"| {ratio} | {target} | {ok} |"
        )

    row(floor, "1.00x (floor)")
    row(
        lint,
        f"seedlint / floor = {ratio_text(lint, floor)}",
        f"≤ {TARGET_FLOOR_RATIO:g}x",
        met(floor_ratio <= TARGET_FLOOR_RATIO),
    )
    row(
        reference,
        f"check-jsonschema / seedlint = {ratio_text(reference, lint)}",
        f"≥ {TARGET_CJS_SPEEDUP:g}x",
        met(speedup >= TARGET_CJS_SPEEDUP),
    )
    row(floor_one, f"floor / check-jsonschema = {ratio_text(floor_one, reference_one)}")
    row(
        lint_one,
        f"seedlint / check-jsonschema = {ratio_text(lint_one, reference_one)}",
        "< 1x",
        met(one_file_ratio < 1.0),
    )
    row(reference_one, "1.00x (reference)")
    out.append("")
    out.append(
        "| Memory: seedlint | Files | Wall s | Peak RSS, largest process (MiB) "
        "| Sum of per-process peak PSS (MiB) | Processes seen |"
    )
    out.append("|---|--:|--:|--:|--:|--:|")
    for item in memory:
        out.append(
            f"| {item.label} | {item.files:,} | {item.seconds:.2f} | {item.max_rss_kib / 1024:.1f} "
            f"| {item.pss_sum_kib / 1024:.1f} | {item.processes} |"
        )
    for low, high in ((memory[0], memory[1]), (memory[2], memory[3])):
        out.append(
            f"| {high.label}: {high.files:,} / {low.files:,} files | | "
            f"| {high.max_rss_kib / low.max_rss_kib:.2f}x | {high.pss_sum_kib / max(low.pss_sum_kib, 1):.2f}x | |"
        )
    out.append("")
    out.append(
        f"Imports of `seedlint check ONE_FILE`: {import_total * 1000:.0f} ms in total (`-X importtime`, depth 0, cumulative):"
    )
    out.append("")
    out.append("| Module | ms |")
    out.append("|---|--:|")
    out += [f"| {name} | {seconds * 1000:.1f} |" for name, seconds in imports]
    out.append("")
    if len(batches) > 1:
        out.append(
            f"check-jsonschema needed {len(batches)} invocations (ARG_MAX); their times are summed."
        )
    out += [f"- {name}: {met(ok)}" for name, ok in targets.items()]
    print("\n".join(out))
    if args.enforce and not all(targets.values()):
        log("bench_offline: a target was missed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
