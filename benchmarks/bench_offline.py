"""Offline benchmark: every row of seedlint's performance table, in one run.

Everything is measured in ONE run, so the ratios compare like with like on a
shared, noisy machine. Every measurement is a subprocess timed by wall clock,
interpreter start-up included; CPU is the user + system time of the process
and every process it waited for (its workers), from ``getrusage``:

(a) floor: one Python process that reads every seed and parses its front matter
    with ``yaml.load(..., Loader=yaml.CSafeLoader)``;
(b) ``seedlint check -q seeds`` with an empty cache (cold), default jobs;
(c) ``check-jsonschema`` on ``.yaml`` copies of the same front matter;
(d) the same run again, nothing changed (warm result cache);
(e) the same run after one seed changed;
(f) one seed outside any project, and one seed inside the project (pre-commit),
    against yamllint (relaxed) and check-jsonschema on the seed's ``.yaml`` copy;
(g) peak memory of ``seedlint check`` on a small and a large project, each in a
    fresh process with an empty cache;
(h) the links benchmark (``bench_links.py``): its last saved numbers, or a fresh
    run with ``--links``.

Usage::

    python benchmarks/bench_offline.py --corpus /tmp/bench   # 10,000 seeds, memory 1,000 vs 100,000
    python benchmarks/bench_offline.py --quick               # 1,000 seeds, memory 100 vs 10,000
    python benchmarks/bench_offline.py --enforce             # exit 1 when a target is missed

The Markdown tables go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
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
LINKS_JSON = HERE / "out" / "links.json"

TARGET_FLOOR_WALL = 1.5
"""A cold full run may take at most this many times the floor's wall time ..."""
TARGET_FLOOR_CPU = 3.0
"""... and this many times the floor's CPU time."""
TARGET_WARM = 0.1
"""A re-run with nothing changed: at most this fraction of the cold run."""
TARGET_ONE_CHANGED = 1.5
"""One changed seed in the project: at most this many times the one-file run."""
TARGET_ONE_FILE = 1.0
"""One-file runs: at most yamllint's time on the same seed."""
TARGET_MEMORY = 1.2
"""Peak memory of the large project over the small one."""
TARGET_LINKS_CPU_MS = 1.5
"""CPU per request of the links benchmark's cold run."""

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


def children_cpu() -> float:
    """User + system CPU of every waited-for child so far (and the children they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    """One finished subprocess."""

    seconds: float
    cpu: float
    returncode: int
    output: str


# Every tool runs from byte-compiled modules, as installed tools do (a run that compiles
# its modules from source on every start would measure the compiler).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
SEEDLINT_ENV: dict[str, str] = dict(os.environ)
"""The environment of seedlint runs: the pinned source (``--seedlint-src``) and a private cache."""


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    cpu = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    return Run(seconds, children_cpu() - cpu, done.returncode, done.stdout + done.stderr)


@dataclass
class Timing:
    """Repeated timings (wall and CPU) of one command, or of one batch of commands."""

    label: str
    files: int
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def timed(
    timing: Timing,
    commands: Sequence[Sequence[str]],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    expect: tuple[int, ...] = (0,),
) -> None:
    """Run ``commands`` one after another and add their summed wall and CPU time."""
    wall = cpu = 0.0
    for cmd in commands:
        result = run(cmd, cwd, env)
        if result.returncode not in expect:
            sys.exit(
                f"bench_offline: {timing.label}: exit {result.returncode}, expected {expect}:\n"
                + result.output[-2000:]
            )
        wall += result.seconds
        cpu += result.cpu
    timing.seconds.append(wall)
    timing.cpu.append(cpu)
    log(f"  {timing.label}: {wall:.3f} s wall, {cpu:.3f} s CPU")


# -- the corpus -------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """seedlint projects (a ``seedlint.toml`` beside a ``seeds/`` folder) and the copies.

    seedlint runs inside the project, as a user (or pre-commit) would: paths are
    relative to it and its cross-file pass sees the project's seeds.
    """

    project: Path
    yaml: Path
    outside: Path
    """A folder with one seed and no configuration anywhere above it: no project."""

    @property
    def seeds(self) -> Path:
        return self.project / "seeds"

    def seed_files(self) -> list[Path]:
        return sorted(self.seeds.glob("*.txt"))

    def yaml_files(self) -> list[Path]:
        return sorted(self.yaml.glob("*.yaml"))


def _count(folder: Path, pattern: str) -> int:
    return sum(1 for _ in folder.glob(pattern)) if folder.is_dir() else 0


def generate(seeds: Path, count: int, seed: int, yaml_copies: Path | None = None) -> None:
    """Write ``count`` seeds into ``seeds`` (and their ``.yaml`` copies), unless already there."""
    if _count(seeds, "*.txt") == count and (
        yaml_copies is None or _count(yaml_copies, "*.yaml") == count
    ):
        log(f"reusing the {count:,} seeds in {seeds}")
        return
    shutil.rmtree(seeds, ignore_errors=True)
    log(f"generating {count:,} seeds in {seeds} ...")
    cmd = [sys.executable, str(HERE / "generate_seeds.py"), "--count", str(count)]
    cmd += ["--out", str(seeds), "--seed", str(seed)]
    if yaml_copies is not None:
        shutil.rmtree(yaml_copies, ignore_errors=True)
        cmd += ["--yaml-copies", str(yaml_copies)]
    subprocess.run(cmd, check=True)
    (seeds.parent / "seedlint.toml").write_text("# a benchmark project: seedlint's defaults\n")


def prepare_corpus(root: Path, count: int, seed: int) -> Corpus:
    corpus = Corpus(root / "project", root / "yaml", root / "outside")
    generate(corpus.seeds, count, seed, corpus.yaml)
    corpus.outside.mkdir(exist_ok=True)
    shutil.copyfile(corpus.seed_files()[1], corpus.outside / "one.txt")
    shutil.copyfile(corpus.yaml_files()[1], corpus.outside / "one.yaml")
    return corpus


def memory_project(root: Path, count: int, seed: int) -> Path:
    """A project of ``count`` seeds for the memory runs (generated once, then reused)."""
    project = root / f"memory-{count}"
    generate(project / "seeds", count, seed)
    return project


_HEAT = re.compile(r"^heat: .*$", re.MULTILINE)


def edit_seed(path: Path, revision: int) -> None:
    """Change one value of a seed, keeping it valid (``heat`` is any integer ≥ -1)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(_HEAT.sub(f"heat: {revision}", text, count=1), encoding="utf-8")


def reset_cache(root: Path) -> None:
    """Start seedlint with an empty cache (result cache and project index)."""
    shutil.rmtree(root / "cache", ignore_errors=True)


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
def pss_sampler(root_pid: int, interval: float = 0.02) -> Iterator[dict[int, int]]:
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


LAUNCHER = """
import json, os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(process.pid, flush=True)
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]), flush=True)
"""
"""Starts the measured command from a fresh, small process and reports its exit and peak.

Linux keeps a process's peak RSS across exec, and a forked child starts with its
parent's pages: a command started straight from this benchmark (tens of MiB after
listing 100,000 seeds) would report this process's size, not its own. The launcher
is exec'd first, so the measured command is forked from an interpreter of a few MiB.
"""


def measure_memory(label: str, files: int, cmd: Sequence[str], cwd: Path) -> Memory:
    """Run ``cmd`` in a fresh process (started by :data:`LAUNCHER`) and measure its peak memory."""
    start = time.perf_counter()
    launcher = subprocess.Popen(
        [sys.executable, "-S", "-c", LAUNCHER, *cmd],
        cwd=cwd,
        env=SEEDLINT_ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert launcher.stdout is not None
    measured = int(launcher.stdout.readline())
    with pss_sampler(measured) as peaks:
        # wait4 on the command itself: its rusage covers the workers it reaped.
        result = launcher.stdout.readline()
    launcher.wait()
    seconds = time.perf_counter() - start
    returncode, max_rss_kib = json.loads(result)
    if returncode != 0:
        sys.exit(f"bench_offline: {label}: exit {returncode}, expected 0")
    observed = {pid: kib for pid, kib in peaks.items() if kib}
    log(f"  {label} on {files:,}: max RSS {max_rss_kib / 1024:.1f} MiB, {seconds:.1f} s")
    return Memory(label, files, seconds, max_rss_kib, sum(observed.values()), len(observed))


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


# -- links ------------------------------------------------------------------------------


def links_numbers(fresh: bool, quick: bool) -> tuple[str, dict[str, float]] | None:
    """The links benchmark's seedlint rows: a fresh run, or the last saved one."""
    out = LINKS_JSON.with_name("links-quick.json") if quick else LINKS_JSON
    if fresh:
        log("links benchmark ...")
        cmd = [sys.executable, str(HERE / "bench_links.py"), "--no-node", "--no-single-host"]
        cmd += ["--json", str(out), *(["--quick"] if quick else [])]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if not out.exists():
        return None
    data = json.loads(out.read_text())
    runs = {entry["tool"]: entry for entry in data["runs"]}
    cold = runs.get("seedlint (cold, no cache)")
    filling = runs.get("seedlint (cold, filling cache)")
    warm = runs.get("seedlint (warm cache)")
    if cold is None:
        return None
    stamp = datetime.datetime.fromtimestamp(out.stat().st_mtime, datetime.timezone.utc)
    source = f"{'this run' if fresh else 'saved'} {out.name} of {stamp:%Y-%m-%d %H:%M} UTC"
    numbers = {
        "urls": float(data["n"]),
        "ideal": float(data["ideal"]),
        "wall": float(cold["wall"]),
        "cpu": float(cold["cpu"]),
        "requests": float(cold["requests"]),
    }
    if warm is not None and filling is not None:
        numbers["warm"] = float(warm["wall"])
        numbers["filling"] = float(filling["wall"])
    return source, numbers


# -- report -----------------------------------------------------------------------------


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
    parser = argparse.ArgumentParser(description="seedlint's performance table, in one run.")
    parser.add_argument(
        "--count", type=int, default=10_000, help="seeds in the corpus (default 10,000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="repetitions of each corpus run (default 5)"
    )
    parser.add_argument(
        "--cjs-repeat",
        type=int,
        default=1,
        help="repetitions of check-jsonschema's corpus run (default 1: it takes minutes)",
    )
    parser.add_argument(
        "--one-file-repeat",
        type=int,
        default=10,
        help="repetitions of each one-file run (default 10)",
    )
    parser.add_argument(
        "--memory",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1_000, 100_000],
        metavar="SMALL,LARGE",
        help="seed counts of the two memory runs (default 1000,100000)",
    )
    parser.add_argument("--corpus", type=Path, help="keep the corpus in DIR and reuse it next time")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--schema", type=Path, default=DEFAULT_SCHEMA, help="schema for check-jsonschema"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 1,000 seeds, 1 repetition, memory 100 vs 10,000",
    )
    parser.add_argument(
        "--links", action="store_true", help="run the links benchmark too (else: its saved numbers)"
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
        args.memory = [100, 10_000]
    if args.seedlint_src is not None:
        pythonpath = [str(args.seedlint_src.resolve()), os.environ.get("PYTHONPATH", "")]
        SEEDLINT_ENV["PYTHONPATH"] = os.pathsep.join(p for p in pythonpath if p)
    if args.corpus is not None:
        args.corpus.mkdir(parents=True, exist_ok=True)
        return bench(args, args.corpus.resolve())
    with tempfile.TemporaryDirectory(prefix="seedlint-bench-") as temporary:
        return bench(args, Path(temporary))


@dataclass
class Tools:
    seedlint: str
    cjs: list[str]
    yamllint: list[str]


def sanity(tools: Tools, root: Path, corpus: Corpus) -> None:
    """Both validators really validate (an invalid seed fails both); the corpus is clean."""
    invalid = root / "invalid"
    invalid.mkdir(exist_ok=True)
    (invalid / "bad.txt").write_text(INVALID_SEED, encoding="utf-8")
    (invalid / "bad.yaml").write_text(INVALID_SEED.split("---\n")[1], encoding="utf-8")
    for cmd, env in (
        ([tools.seedlint, "check", "--no-cache", str(invalid / "bad.txt")], SEEDLINT_ENV),
        ([*tools.cjs, str(invalid / "bad.yaml")], None),
    ):
        result = run(cmd, env=env)
        if result.returncode != 1 or "quality" not in result.output:
            sys.exit(f"bench_offline: {cmd[0]} did not reject the invalid seed:\n{result.output}")
    for cmd in ([*tools.yamllint, "one.yaml"], [tools.seedlint, "check", "one.txt"]):
        result = run(cmd, corpus.outside, SEEDLINT_ENV)
        if result.returncode != 0:
            sys.exit(f"bench_offline: {cmd[0]} fails on a clean seed:\n{result.output}")
    # The corpus is clean (this also brings the files into the page cache).
    preflight = run([tools.seedlint, "check", "seeds"], corpus.project, SEEDLINT_ENV)
    if preflight.returncode != 0 or "All clean" not in preflight.output:
        sys.exit(f"bench_offline: the corpus does not lint clean:\n{preflight.output[-3000:]}")


def bench(args: argparse.Namespace, root: Path) -> int:
    corpus = prepare_corpus(root, args.count, args.seed)
    schema = str(args.schema.resolve())
    tools = Tools(
        tool("seedlint"),
        [tool("check-jsonschema"), "--schemafile", schema],
        [tool("yamllint"), "-d", "relaxed"],
    )
    SEEDLINT_ENV["XDG_CACHE_HOME"] = str(root / "cache")
    seeds, yamls = corpus.seed_files(), corpus.yaml_files()
    one_seed = seeds[0].relative_to(corpus.project)
    one_yaml = corpus.yaml / (one_seed.stem + ".yaml")
    changed_seed = seeds[len(seeds) // 2]
    jobs = os.cpu_count() or 1
    n = len(seeds)
    sanity(tools, root, corpus)
    revision = iter(range(1000, 10**6))

    batches = cjs_batches(tools.cjs, [path.name for path in yamls])
    floor = Timing("floor: read + CSafeLoader, 1 process", n)
    cold = Timing(f"seedlint check -q seeds, empty cache ({jobs} jobs)", n)
    warm = Timing("seedlint, same run again (nothing changed)", n)
    changed = Timing("seedlint, one seed changed", n)
    reference = Timing(f"check-jsonschema ({len(batches)} invocation(s))", n)
    log(f"corpus runs ({args.repeat} repetitions, interleaved) ...")
    for repetition in range(args.repeat):
        timed(floor, [[sys.executable, "-c", FLOOR_PROGRAM, str(corpus.seeds)]])
        reset_cache(root)
        timed(cold, [[tools.seedlint, "check", "-q", "seeds"]], corpus.project, SEEDLINT_ENV)
        timed(warm, [[tools.seedlint, "check", "-q", "seeds"]], corpus.project, SEEDLINT_ENV)
        edit_seed(changed_seed, next(revision))
        timed(changed, [[tools.seedlint, "check", "-q", "seeds"]], corpus.project, SEEDLINT_ENV)
        if repetition < args.cjs_repeat:
            timed(reference, batches, cwd=corpus.yaml)

    one_rows = {
        "floor": Timing("one seed: floor", 1),
        "out": Timing("one seed, no project: seedlint check one.txt", 1),
        "out_yamllint": Timing("one seed, no project: yamllint -d relaxed", 1),
        "out_cjs": Timing("one seed, no project: check-jsonschema", 1),
        "in": Timing(f"one seed in the {n:,}-seed project: seedlint check seeds/ONE", 1),
        "in_yamllint": Timing("one seed in the project: yamllint -d relaxed", 1),
        "in_cjs": Timing("one seed in the project: check-jsonschema", 1),
    }
    log(f"one-file runs ({args.one_file_repeat} repetitions, interleaved) ...")
    outside = corpus.outside
    for _ in range(args.one_file_repeat):
        # Each run sees a changed seed, as pre-commit does: never a cached result.
        edit_seed(outside / "one.txt", next(revision))
        edit_seed(corpus.project / one_seed, next(revision))
        timed(one_rows["floor"], [[sys.executable, "-c", FLOOR_PROGRAM, "one.txt"]], outside)
        timed(one_rows["out"], [[tools.seedlint, "check", "one.txt"]], outside, SEEDLINT_ENV)
        timed(one_rows["out_yamllint"], [[*tools.yamllint, "one.yaml"]], outside)
        timed(one_rows["out_cjs"], [[*tools.cjs, "one.yaml"]], outside)
        timed(
            one_rows["in"], [[tools.seedlint, "check", str(one_seed)]], corpus.project, SEEDLINT_ENV
        )
        timed(one_rows["in_yamllint"], [[*tools.yamllint, str(one_yaml)]], corpus.project)
        timed(one_rows["in_cjs"], [[*tools.cjs, str(one_yaml)]], corpus.project)

    log("memory runs (fresh processes, empty caches) ...")
    memory = []
    for count in args.memory:
        project = memory_project(root, count, args.seed)
        reset_cache(root)
        cmd = [tools.seedlint, "check", "-q", "seeds"]
        memory.append(measure_memory(f"seedlint check -q seeds ({jobs} jobs)", count, cmd, project))
    reset_cache(root)
    edit_seed(outside / "one.txt", next(revision))
    import_total, imports = import_breakdown(tools.seedlint, Path("one.txt"), outside)
    links = links_numbers(args.links, args.quick)

    out, targets = report(
        n=n,
        jobs=jobs,
        floor=floor,
        cold=cold,
        warm=warm,
        changed=changed,
        reference=reference,
        one=one_rows,
        memory=memory,
    )
    out += links_report(links, targets)
    out.append("")
    out.append(
        f"Imports of `seedlint check one.txt` (no project): {import_total * 1000:.0f} ms in total"
        " (`-X importtime`, depth 0, cumulative):"
    )
    out.append("")
    out.append("| Module | ms |")
    out.append("|---|--:|")
    out += [f"| {name} | {seconds * 1000:.1f} |" for name, seconds in imports]
    out.append("")
    out.append(
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC} on "
        f"{platform.platform()}, {jobs} cores (shared), Python {platform.python_version()}; "
        f"{describe_tool([tools.seedlint, '--version'])} ({seedlint_source()}); "
        f"{describe_tool([tools.cjs[0], '--version'])}; "
        f"{describe_tool([tools.yamllint[0], '--version'])}. "
        f"{n:,} seeds ({sum(p.stat().st_size for p in seeds) / 2**20:.1f} MiB); corpus rows: "
        f"median of {args.repeat} interleaved runs (check-jsonschema: {len(reference.seconds)}); "
        f"one-file rows: median of {args.one_file_repeat}."
    )
    print("\n".join(out))
    if args.enforce and not all(targets.values()):
        log("bench_offline: a target was missed")
        return 1
    return 0


def report(
    *,
    n: int,
    jobs: int,
    floor: Timing,
    cold: Timing,
    warm: Timing,
    changed: Timing,
    reference: Timing,
    one: dict[str, Timing],
    memory: list[Memory],
) -> tuple[list[str], dict[str, bool]]:
    """The summary table (the README's) and every measurement behind it."""
    wall_ratio = cold.median / floor.median
    cpu_ratio = cold.cpu_median / floor.cpu_median
    warm_ratio = warm.median / cold.median
    changed_ratio = changed.median / one["in"].median
    out_ratio = one["out"].median / one["out_yamllint"].median
    in_ratio = one["in"].median / one["in_yamllint"].median
    small, large = memory
    memory_ratio = large.max_rss_kib / small.max_rss_kib
    targets = {
        "cold wall": wall_ratio <= TARGET_FLOOR_WALL,
        "cold CPU": cpu_ratio <= TARGET_FLOOR_CPU,
        "warm": warm_ratio <= TARGET_WARM,
        "one changed": changed_ratio <= TARGET_ONE_CHANGED,
        "one seed, no project": out_ratio <= TARGET_ONE_FILE,
        "one seed in a project": in_ratio <= TARGET_ONE_FILE,
        "memory": memory_ratio <= TARGET_MEMORY,
    }
    lines = [
        "| Case | seedlint | Compared with | Ratio | Target | Met |",
        "|---|---|---|---|---|---|",
        f"| {n:,} seeds, cold (empty cache), {jobs} jobs | {cold.median:.2f} s wall, "
        f"{cold.cpu_median:.2f} s CPU | floor (read + `CSafeLoader`, 1 process): "
        f"{floor.median:.2f} s wall, {floor.cpu_median:.2f} s CPU "
        f"| {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU "
        f"| ≤ {TARGET_FLOOR_WALL:g}x wall, ≤ {TARGET_FLOOR_CPU:g}x CPU "
        f"| {met(targets['cold wall'])} wall, {met(targets['cold CPU'])} CPU |",
    ]
    if reference.seconds:
        lines.append(
            f"| same | {cold.median:.2f} s | check-jsonschema on `.yaml` copies, same schema: "
            f"{reference.median:.2f} s | {reference.median / cold.median:.1f}x faster | | |"
        )
    lines += [
        f"| {n:,} seeds, nothing changed since the last run | {warm.median:.2f} s "
        f"| the cold run, {cold.median:.2f} s | {warm_ratio:.2f}x | ≤ {TARGET_WARM:g}x "
        f"| {met(targets['warm'])} |",
        f"| one seed changed among {n:,} | {changed.median:.2f} s "
        f"| one seed in the project, {one['in'].median:.3f} s | {changed_ratio:.2f}x "
        f"| ≤ {TARGET_ONE_CHANGED:g}x | {met(targets['one changed'])} |",
        f"| one seed, no project around it | {one['out'].median:.3f} s "
        f"| yamllint (relaxed) {one['out_yamllint'].median:.3f} s; "
        f"check-jsonschema {one['out_cjs'].median:.3f} s | {out_ratio:.2f}x yamllint "
        f"| ≤ {TARGET_ONE_FILE:g}x | {met(targets['one seed, no project'])} |",
        f"| one seed inside the {n:,}-seed project (pre-commit, C010 included) "
        f"| {one['in'].median:.3f} s | yamllint (relaxed) {one['in_yamllint'].median:.3f} s; "
        f"check-jsonschema {one['in_cjs'].median:.3f} s | {in_ratio:.2f}x yamllint "
        f"| ≤ {TARGET_ONE_FILE:g}x | {met(targets['one seed in a project'])} |",
        f"| peak memory (largest process), {small.files:,} → {large.files:,} seeds "
        f"| {small.max_rss_kib / 1024:.0f} → {large.max_rss_kib / 1024:.0f} MiB | — "
        f"| {memory_ratio:.2f}x | ≤ {TARGET_MEMORY:g}x | {met(targets['memory'])} |",
    ]
    detail = [
        "",
        "Every measurement (wall and CPU seconds, median and min):",
        "",
        "| Measurement | Files | Wall median | Wall min | CPU median |",
        "|---|--:|--:|--:|--:|",
    ]
    for timing in (floor, cold, warm, changed, reference, *one.values()):
        if timing.seconds:
            detail.append(
                f"| {timing.label} | {timing.files:,} | {timing.median:.3f} | {timing.best:.3f} "
                f"| {timing.cpu_median:.3f} |"
            )
    detail += [
        "",
        "| Memory (fresh process, empty cache) | Files | Wall s | Peak RSS, largest process "
        "(MiB) | Sum of per-process peak PSS (MiB) | Processes seen |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    detail += [
        f"| {m.label} | {m.files:,} | {m.seconds:.2f} | {m.max_rss_kib / 1024:.1f} "
        f"| {m.pss_sum_kib / 1024:.1f} | {m.processes} |"
        for m in memory
    ]
    return lines + detail, targets


def links_report(links: tuple[str, dict[str, float]] | None, targets: dict[str, bool]) -> list[str]:
    """The links benchmark's row: wall against its ideal, CPU per request, warm re-run."""
    if links is None:
        return ["", "Links: no saved numbers (run with `--links`)."]
    source, numbers = links
    per_request_ms = 1000 * numbers["cpu"] / numbers["requests"]
    targets["links CPU"] = per_request_ms <= TARGET_LINKS_CPU_MS
    warm = ""
    if "warm" in numbers:
        warm = f"; warm re-run {100 * numbers['warm'] / numbers['filling']:.0f}% of the cold run"
    return [
        "",
        f"Links ({source}): {numbers['urls']:.0f} URLs, cold {numbers['wall']:.2f} s = "
        f"{numbers['wall'] / numbers['ideal']:.2f}x the ideal; {numbers['cpu']:.2f} s CPU for "
        f"{numbers['requests']:.0f} requests = **{per_request_ms:.2f} ms CPU per request** "
        f"(target ≤ {TARGET_LINKS_CPU_MS:g}: {met(targets['links CPU'])}){warm}.",
    ]


if __name__ == "__main__":
    sys.exit(main())
