"""Time ``seedlint check --shard K/N`` as N parallel processes, and ``seedlint merge``.

    python benchmarks/generate_seeds.py --count 100000 --out /tmp/big/seeds
    python benchmarks/bench_shards.py /tmp/big --shards 1,2,4

Each shard is one process with ``--jobs 1`` and a cache folder of its own
(a fresh CI runner: cold project index and result cache), all N started at
once; N = 1 is the plain unsharded run. On a machine with fewer cores than
shards this is a simulation: the shards share the cores a matrix would not.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _seedlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "seedlint", *args]


def run(project: Path, count: int, work: Path) -> tuple[float, float | None]:
    """Wall seconds of the N shards together, and of the merge (None for N = 1)."""
    common = ["check", "seeds", "--jobs", "1", "-q", "--exit-zero", "--output-format", "json"]
    outputs = [work / f"{count}-{k}.json" for k in range(1, count + 1)]
    commands = []
    for k in range(1, count + 1):
        cache = ["--cache-dir", str(work / f"cache-{count}-{k}")]
        shard = (
            [] if count == 1 else ["--shard", f"{k}/{count}", "--shard-output", str(outputs[k - 1])]
        )
        commands.append(_seedlint(*common, *cache, *shard))
    start = time.perf_counter()
    processes = [
        subprocess.Popen(c, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for c in commands
    ]
    for process in processes:
        _, err = process.communicate()
        if process.returncode != 0:
            raise SystemExit(err.decode())
    shards = time.perf_counter() - start
    if count == 1:
        return shards, None
    start = time.perf_counter()
    merge = _seedlint("merge", *map(str, outputs), "--output-format", "sarif", "--exit-zero")
    subprocess.run(merge, cwd=project, stdout=subprocess.DEVNULL, check=True)
    return shards, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a folder holding seeds/")
    parser.add_argument("--shards", default="1,2,4", help="comma-separated shard counts")
    args = parser.parse_args()
    files = sum(1 for _ in (args.project / "seeds").glob("*.txt"))
    print(f"{files} seeds; each shard one process (--jobs 1), cold caches")
    print("| shards | shards' wall time (s) | merge (s) | total (s) |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for count in (int(n) for n in args.shards.split(",")):
            shards, merge = run(args.project, count, Path(folder))
            total = shards + (merge or 0.0)
            shown = "—" if merge is None else f"{merge:.1f}"
            print(f"| {count} | {shards:.1f} | {shown} | {total:.1f} |", flush=True)


if __name__ == "__main__":
    main()
