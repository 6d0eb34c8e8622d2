"""Re-lint latency of ``seedlint server``: one seed edited 100 times in a real project.

A pygls client starts the server over stdio on a generated project (with a
root ``seedlint.toml`` so C010 compares against every seed through the
project index), opens one seed, then sends 100 edits one after the other, each
waiting for the findings of its own version. Latency is measured in the client
from sending ``didChange`` to receiving ``publishDiagnostics`` for that version,
so it includes the JSON-RPC round trip and the debounce (0 unless --debounce).

    .venv/bin/python benchmarks/bench_server.py                 # 2,000 seeds, 100 edits
    .venv/bin/python benchmarks/bench_server.py --seeds 10000 --debounce 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(root: Path, edits: int, debounce: float) -> dict[str, float]:
    client = LanguageClient("seedlint-bench", "1")
    arrived: dict[int, float] = {}
    found: dict[int, int] = {}
    event = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived.setdefault(params.version, time.perf_counter())
            found[params.version] = sum(d.code == "C010" for d in params.diagnostics)
            event.set()

    async def wait_for(version: int) -> float:
        while version not in arrived:
            event.clear()
            await asyncio.wait_for(event.wait(), 60)
        return arrived[version]

    await client.start_io(sys.executable, "-m", "seedlint", "server")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)],
            initialization_options={"debounce": debounce},
        )
    )
    client.initialized(types.InitializedParams())
    seed, other = sorted((root / "seeds").iterdir())[:2]
    text = seed.read_text(encoding="utf-8")
    own_url = next(line for line in text.splitlines() if line.startswith("webUrl:"))
    other_url = next(
        line
        for line in other.read_text(encoding="utf-8").splitlines()
        if line.startswith("webUrl:")
    )
    uri = seed.as_uri()
    started = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "plaintext", 1, text))
    )
    first = await wait_for(1) - started
    latencies = []
    duplicates = 0
    for version in range(2, edits + 2):
        # Each edit changes the title; every tenth gives the seed another seed's webUrl (C010).
        # Each edit changes the title; every tenth also takes another seed's webUrl (C010).
        edited = text.replace("title: ", f"title: Edit {version} ", 1)
        if version % 10 == 0:
            edited = edited.replace(own_url, other_url)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=edited)],
            )
        )
        latencies.append(await wait_for(version) - sent)
        duplicates += found.get(version, 0)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "first": first,
        "median": statistics.median(latencies),
        "p95": _percentile(latencies, 0.95),
        "max": max(latencies),
        "duplicates": duplicates,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2000, help="seeds in the project")
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--debounce", type=float, default=0.0, help="server debounce (s)")
    parser.add_argument(
        "--project",
        type=Path,
        help="generate the project here and keep it; a second run then starts with a warm index",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seedlint-lsp-bench-") as folder:
        root = args.project or Path(folder)
        if (root / "seedlint.toml").is_file():
            result = asyncio.run(measure(root, args.edits, args.debounce))
            _print(args, result, warm=True)
            return 0
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_seeds.py"),
                "--count",
                str(args.seeds),
                "--out",
                str(root / "seeds"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (root / "seedlint.toml").write_text('cache-dir = ".cache"\n', encoding="utf-8")
        result = asyncio.run(measure(root, args.edits, args.debounce))
    _print(args, result, warm=False)
    return 0


def _print(args: argparse.Namespace, result: dict[str, float], *, warm: bool) -> None:
    index = "index on disk up to date" if warm else "project index built"
    print(
        f"{args.seeds} seeds, {args.edits} edits, debounce {args.debounce * 1000:.0f} ms: "
        f"first lint {result['first'] * 1000:.0f} ms ({index}); re-lint after an "
        f"edit median {result['median'] * 1000:.1f} ms, p95 {result['p95'] * 1000:.1f} ms, "
        f"max {result['max'] * 1000:.1f} ms; C010 reported on {result['duplicates']:.0f} edits"
    )


if __name__ == "__main__":
    raise SystemExit(main())
