"""Image-size benchmark: seedlint's probe engine vs imagesize (PyPI) vs probe-image-size (npm).

Every image of ``tests/data/images/`` (88 real files; ``manifest.json`` holds
the true stored and displayed sizes, ``truth_class`` and ``oracle_min_bytes``)
is served by ``_benchserver.py --app images`` on 127.0.0.1 with 20 ms latency
per response and 16 KiB body chunks 2 ms apart (about 8 MB/s per connection,
so that a client closing a stream early stops it as on a real link). The server honours single ``Range`` requests and ``If-Range``
and logs, per request, the body bytes the kernel accepted (16 KiB chunks, each
counted once ``drain()`` returns), so a client that closes early is charged
only what was pushed to it before it went.

Tools, each against a freshly reset server, 4 requests at a time on the one
host (seedlint's default per-host cap):
  seedlint   ``run_probe([], urls, ProbeSettings(allow_private=True, use_cache=False))``
  imagesize  ``imagesize.get_info(url, ...)`` (2.x reads http(s) URLs itself with
             urllib Range requests: 8 KiB first, then 64 KiB blocks), 4 threads
  probe-image-size  npm, its own streaming GET closed once the size is known

Usage: python benchmarks/bench_images.py [--quick] [--no-node] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import imagesize  # type: ignore[import-untyped]
from _common import (
    HERE,
    OUT_DIR,
    ROOT,
    BenchServer,
    children_cpu,
    clean_env,
    ensure_node_tools,
    md_table,
    now,
    scrub_proxy_env,
)

from seedlint.probe import ProbeSettings, run_probe

IMAGES = ROOT / "tests" / "data" / "images"
LATENCY = 0.02
PACE = 0.002  # 2 ms between 16 KiB chunks: about 8 MB/s per connection
PARALLEL = 4
SWAPPING_ORIENTATIONS = (5, 6, 7, 8)

Size = tuple[int, int]


@dataclass
class Found:
    """What a tool said about one image: stored and displayed size, or nothing."""

    stored: Size | None = None
    display: Size | None = None
    note: str = ""


@dataclass
class Run:
    """One tool run and what the server saw."""

    tool: str
    wall: float
    cpu: float
    found: dict[str, Found]  # file name -> result
    records: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


def run_seedlint(server: BenchServer, urls: dict[str, str]) -> Run:
    """The engine in-process, default settings but for the guard and the cache."""
    settings = ProbeSettings(allow_private=True, use_cache=False)
    server.reset()
    t0, c0 = now(), time.process_time()
    report = run_probe([], list(urls), settings)
    wall, cpu = now() - t0, time.process_time() - c0
    found: dict[str, Found] = {}
    for url, result in report.images.items():
        s = result.size
        if s is None:
            found[urls[url]] = Found(note=f"{result.outcome.value}: {result.detail}")
        else:
            found[urls[url]] = Found(
                (s.width, s.height), (s.display_width, s.display_height), s.format
            )
    return Run(
        "seedlint",
        wall,
        cpu,
        found,
        server.records(),
        {"engine_bytes": report.bytes_received, "engine_requests": report.requests},
    )


def _imagesize_one(url: str) -> Found:
    try:
        info = imagesize.get_info(url, dpi=False, colors=False, channels=False, exif_rotation=False)
    except Exception as exc:  # what imagesize.get() turns into (-1, -1)
        return Found(note=f"{type(exc).__name__}: {exc}")
    if info.width < 0 or info.height < 0:
        return Found(note="unknown")
    stored = (info.width, info.height)
    swapped = info.rotation in SWAPPING_ORIENTATIONS
    return Found(stored, (stored[1], stored[0]) if swapped else stored)


def run_imagesize(server: BenchServer, urls: dict[str, str]) -> Run:
    """PyPI imagesize on every URL, PARALLEL threads (its API is synchronous)."""
    server.reset()
    t0, c0 = now(), time.process_time()
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(_imagesize_one, list(urls)))
    wall, cpu = now() - t0, time.process_time() - c0
    found = {urls[u]: r for u, r in zip(urls, results, strict=True)}
    version = getattr(imagesize, "__version__", "?")
    return Run(f"imagesize {version}", wall, cpu, found, server.records())


def run_probe_image_size(server: BenchServer, node_dir: Path, urls: dict[str, str]) -> Run:
    """npm probe-image-size through a small Node script, PARALLEL at a time."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(list(urls), fh)
        listing = Path(fh.name)
    server.reset()
    cmd = ["node", str(HERE / "_probe_image_size.js"), str(node_dir), str(listing), str(PARALLEL)]
    t0, c0 = now(), children_cpu()
    try:
        proc = subprocess.run(cmd, capture_output=True, env=clean_env(), timeout=300, check=True)
    finally:
        listing.unlink()
    wall, cpu = now() - t0, children_cpu() - c0
    data = json.loads(proc.stdout)
    found: dict[str, Found] = {}
    for url, r in data.items():
        if "error" in r:
            found[urls[url]] = Found(note=str(r["error"]))
            continue
        stored = (int(r["width"]), int(r["height"]))
        swapped = r.get("orientation") in SWAPPING_ORIENTATIONS
        found[urls[url]] = Found(stored, (stored[1], stored[0]) if swapped else stored, r["type"])
    pkg = json.loads((node_dir / "node_modules" / "probe-image-size" / "package.json").read_text())
    return Run(f"probe-image-size {pkg['version']}", wall, cpu, found, server.records())


def score(run: Run, manifest: list[dict[str, Any]]) -> dict[str, Any]:
    """Correct sizes per truth class, and the server's byte and request totals."""
    bytes_by_file: Counter[str] = Counter()
    requests_by_file: Counter[str] = Counter()
    for r in run.records:
        name = str(r["path"]).split("?")[0].removeprefix("/img/")
        bytes_by_file[name] += int(r["body_bytes"])
        requests_by_file[name] += 1
    valid = [e for e in manifest if e["truth_class"] == "valid"]
    stored_ok = display_ok = 0
    misses: dict[str, str] = {}
    for e in valid:
        f = run.found.get(e["file"], Found(note="missing"))
        want_stored = (e["stored_width"], e["stored_height"])
        want_display = (e["display_width"], e["display_height"])
        stored_ok += f.stored == want_stored
        display_ok += f.display == want_display
        if f.stored != want_stored or f.display != want_display:
            got = f.note if f.stored is None else f"stored {f.stored}, display {f.display}"
            misses[e["file"]] = f"{e['format']}: want {want_stored}/{want_display}, got {got}"
    invented = {
        e["file"]: str(run.found[e["file"]].stored)
        for e in manifest
        if e["truth_class"] == "none" and run.found.get(e["file"], Found()).stored is not None
    }
    over_oracle = []
    for e in manifest:
        oracle = e.get("oracle_min_bytes")
        if oracle:
            over_oracle.append(bytes_by_file[e["file"]] / oracle)
    return {
        "tool": run.tool,
        "wall": run.wall,
        "cpu": run.cpu,
        "requests": len(run.records),
        "body_bytes": sum(bytes_by_file.values()),
        "valid": len(valid),
        "stored_ok": stored_ok,
        "display_ok": display_ok,
        "misses": misses,
        "invented_for_none": invented,
        "bytes_by_file": dict(bytes_by_file),
        "requests_by_file": dict(requests_by_file),
        "median_bytes_over_oracle": sorted(over_oracle)[len(over_oracle) // 2]
        if over_oracle
        else None,
        "extra": run.extra,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first 15 images only (smoke run)")
    parser.add_argument("--no-node", action="store_true", help="skip probe-image-size")
    parser.add_argument(
        "--json", type=Path, help="write all numbers here (default benchmarks/out/)"
    )
    args = parser.parse_args(argv)
    scrub_proxy_env()

    manifest: list[dict[str, Any]] = json.loads((IMAGES / "manifest.json").read_text())["images"]
    if args.quick:
        manifest = manifest[:15]
    node_dir = None if args.no_node else ensure_node_tools()
    server = BenchServer.start(
        "--app",
        "images",
        "--dir",
        str(IMAGES),
        "--latency",
        str(LATENCY),
        "--pace",
        str(PACE),
        "--lifetime",
        "600",
    )
    urls = {f"http://127.0.0.1:{server.ports[0]}/img/{e['file']}": e["file"] for e in manifest}
    runs: list[Run] = []
    try:
        runs.append(run_seedlint(server, urls))
        runs.append(run_imagesize(server, urls))
        if node_dir is not None:
            runs.append(run_probe_image_size(server, node_dir, urls))
    finally:
        server.stop()

    scores = [score(r, manifest) for r in runs]
    total_file_bytes = sum(int(e["bytes"]) for e in manifest)
    oracle_known = [e for e in manifest if e.get("oracle_min_bytes")]
    rows = [
        [
            s["tool"],
            f"{s['wall']:.2f}",
            f"{s['cpu']:.2f}",
            str(s["requests"]),
            f"{s['body_bytes']:,}",
            f"{100 * s['body_bytes'] / total_file_bytes:.1f}%",
            f"{s['stored_ok']}/{s['valid']}",
            f"{s['display_ok']}/{s['valid']}",
            str(len(s["invented_for_none"])),
        ]
        for s in scores
    ]
    n_none = sum(1 for e in manifest if e["truth_class"] == "none")
    table = md_table(
        [
            "tool",
            "wall s",
            "CPU s",
            "requests",
            "body bytes sent",
            "of all file bytes",
            "stored size correct (valid)",
            "displayed size correct (valid)",
            f"size claimed for the {n_none} 'none' files",
        ],
        rows,
    )
    # Bytes per format, to show where each tool spends.
    fmt_of = {e["file"]: e["format"] for e in manifest}
    per_fmt: dict[str, dict[str, int]] = defaultdict(dict)
    for s in scores:
        for name, b in s["bytes_by_file"].items():
            fmt = fmt_of.get(name, "?")
            per_fmt[fmt][s["tool"]] = per_fmt[fmt].get(s["tool"], 0) + b
    fmt_rows = [
        [fmt, *[f"{per_fmt[fmt].get(s['tool'], 0):,}" for s in scores]]
        for fmt in sorted(per_fmt, key=lambda f: -max(per_fmt[f].values()))
    ]
    lines = [
        f"# Images benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"{len(manifest)} images ({sum(1 for e in manifest if e['truth_class'] == 'valid')} "
        f"valid), {total_file_bytes:,} bytes in all, {LATENCY * 1000:.0f} ms per response, "
        f"16 KiB chunks {PACE * 1000:.0f} ms apart, {PARALLEL} at a time. Sum of oracle_min_bytes over the {len(oracle_known)} files "
        f"that have one: {sum(int(e['oracle_min_bytes']) for e in oracle_known):,} bytes.",
        "",
        table,
        "",
        "Body bytes sent, by format:",
        "",
        md_table(["format", *[s["tool"] for s in scores]], fmt_rows),
        "",
    ]
    for s in scores:
        lines.append(
            f"- {s['tool']}: median bytes / oracle_min_bytes = {s['median_bytes_over_oracle']}"
        )
        for name, why in s["misses"].items():
            lines.append(f"  - wrong on valid {name}: {why}")
        if s["invented_for_none"]:
            lines.append(f"  - sizes claimed for 'none' files: {s['invented_for_none']}")
    text = "\n".join(lines)
    print(text)
    out = args.json or OUT_DIR / ("images-quick.json" if args.quick else "images.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": scores}, indent=1))
    out.with_suffix(".md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
