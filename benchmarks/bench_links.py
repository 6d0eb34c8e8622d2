"""Link-check benchmark: seedlint's probe engine against linkinator on 1,000 local URLs.

A server subprocess (``_benchserver.py --app links``) listens on 127.0.0.1 on
50 ports, each standing for one web host, answers every request after 50 ms,
and logs every request with the bytes it sent. The URL mix (see ``MIX``) plants
one outcome class per path; each tool's verdicts are compared with it.

seedlint runs in this process (``run_probe``) with concurrency 64, 5 s
timeouts and the default per-host cap of 4. Each port gets its own host name,
``hNN.bench.test``, resolved to 127.0.0.1 by the engine's ``resolver`` hook
(the per-host limiter keys on the host name, not the port, so 50 ports on one
name would be a single "host" capped at 4). linkinator gets the same paths on
the same ports as ``http://127.0.0.1:PORT/...`` (it cannot use our resolver
and has no per-host cap to feed).

Runs, each against a freshly reset server:
  seedlint cold (no cache), seedlint cold filling a temp cache, seedlint warm
  (same cache), seedlint on ONE host with per_host=64 and with per_host=4
  (the httpx many-connections-per-host case), and linkinator three ways:
  plain, --retry-errors (5xx, twice) and --retry (429 with Retry-After).

Usage: python benchmarks/bench_links.py [--quick] [--no-node] [--json PATH]
Every request goes to 127.0.0.1; the server exits by itself after its lifetime.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from _common import (
    OUT_DIR,
    BenchServer,
    children_cpu,
    clean_env,
    ensure_node_tools,
    md_table,
    now,
    scrub_proxy_env,
)

from seedlint.probe import ProbeSettings, run_probe

LATENCY = 0.05
TIMEOUT = 5.0
CONCURRENCY = 64


@dataclass(frozen=True)
class Planted:
    """One class of URLs in the mix."""

    name: str  # shown in the tables
    path: str  # path prefix; the URL is <prefix>/<n>
    count: int  # in the full 1,000-URL run
    expected: str  # the class a correct checker reports
    hops: int = 0  # redirects before the final answer
    min_requests: int = 1  # fewest requests that can give the right verdict (see README)


# 700 + 60 redirects + 20 + 20 + 20 alive-in-the-end = 820 alive (82 %); 180 not.
MIX: tuple[Planted, ...] = (
    Planted("200", "/ok", 700, "alive"),
    Planted("302", "/redir/302", 10, "alive", 1, 2),
    Planted("307", "/redir/307", 10, "alive", 1, 2),
    Planted("302>307", "/redir/302-307", 10, "alive", 2, 3),
    Planted("301", "/redir/301", 10, "redirect-permanent", 1, 2),
    Planted("308", "/redir/308", 10, "redirect-permanent", 1, 2),
    Planted("301>302", "/redir/301-302", 10, "redirect-permanent", 2, 3),
    Planted("500 then 200", "/flaky", 20, "alive", 0, 2),
    Planted("429 then 200", "/busy", 20, "alive", 0, 2),
    Planted("405 on HEAD", "/nohead", 20, "alive"),
    Planted("404", "/missing", 120, "dead"),
    Planted("410", "/gone", 25, "dead"),
    Planted("500", "/err/500", 5, "server-error", 0, 3),
    Planted("502", "/err/502", 5, "server-error", 0, 3),
    Planted("503", "/err/503", 5, "server-error", 0, 3),
    Planted("429 always", "/limited", 10, "rate-limited", 0, 3),
    Planted("hang", "/hang", 10, "timeout"),
)


@dataclass
class Url:
    """One planted URL."""

    path: str
    cls: Planted
    host: int


@dataclass
class Run:
    """One tool run and what the server saw."""

    tool: str
    wall: float
    cpu: float
    verdicts: dict[str, str]  # path -> class reported
    records: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


def build_plan(scale: float, hosts: int, seed: int = 5) -> list[Url]:
    """The URL list in a shuffled, seed-file-like order, spread over ``hosts``."""
    rng = random.Random(seed)
    items: list[tuple[str, Planted]] = []
    n = 0
    for cls in MIX:
        count = max(1, round(cls.count * scale))
        for _ in range(count):
            items.append((f"{cls.path}/{n}", cls))
            n += 1
    per_host = math.ceil(len(items) / hosts)
    # A server that refuses HEAD refuses it for every path: put those on the last host(s).
    nohead = [it for it in items if it[1].path == "/nohead"]
    rest = [it for it in items if it[1].path != "/nohead"]
    rng.shuffle(rest)
    slots: list[int] = []
    for h in range(hosts - 1, -1, -1):
        slots += [h] * per_host
    plan = [Url(p, c, slots[i]) for i, (p, c) in enumerate(nohead + rest)]
    rng.shuffle(plan)
    return plan


def ideal_seconds(n: int) -> float:
    """The issue's ideal: ceil(n/64) rounds of 50 ms, plus one timeout."""
    return math.ceil(n / CONCURRENCY) * LATENCY + TIMEOUT


def min_requests(plan: Sequence[Url]) -> int:
    """Fewest requests a checker with the engine's retry policy needs (one HEAD probe per HEAD-hostile host)."""
    hosts_nohead = {u.host for u in plan if u.cls.path == "/nohead"}
    return sum(u.cls.min_requests for u in plan) + len(hosts_nohead)


async def _bench_resolver(host: str, port: int) -> list[str]:
    if host.endswith(".bench.test"):
        return ["127.0.0.1"]
    raise OSError(f"the benchmark resolver knows only *.bench.test, not {host}")


def run_seedlint(
    server: BenchServer,
    tool: str,
    urls: dict[str, str],
    settings: ProbeSettings,
) -> Run:
    """Probe ``urls`` (url -> path) in-process; wall and CPU time of this process."""
    server.reset()
    start = time.monotonic()  # the server logs arrivals on the same (system-wide) clock
    t0, c0 = now(), time.process_time()
    report = run_probe(list(urls), [], settings, resolver=_bench_resolver)
    wall, cpu = now() - t0, time.process_time() - c0
    records = server.records()
    verdicts: dict[str, str] = {}
    finals: dict[str, str | None] = {}
    for url, result in report.links.items():
        verdicts[urls[url]] = result.outcome.value
        finals[urls[url]] = result.final_url
    return Run(
        tool,
        wall,
        cpu,
        verdicts,
        records,
        {
            "engine_requests": report.requests,
            "engine_body_bytes": report.bytes_received,
            "from_cache": report.from_cache,
            "finals": finals,
            "timeline": timeline(records, start),
        },
    )


def timeline(records: list[dict[str, Any]], start: float) -> dict[str, Any]:
    """When requests reached the server, in seconds after the run began.

    The cold run ends about ``TIMEOUT`` after the last hanging URL's first
    request: its start is what the wall time beyond the ideal is made of. A
    host that answered 429 with ``Retry-After: 1`` is held back by a polite
    checker for that second, so a hanging URL listed after such a URL on its
    host cannot start before the hold ends (``held_until``).
    """
    if not records:
        return {}
    arrivals = sorted(r["t"] - start for r in records)
    hangs = sorted((r["t"] - start, r["port"]) for r in records if r["path"].startswith("/hang"))
    out: dict[str, Any] = {
        "first_request": round(arrivals[0], 3),
        "median_request": round(arrivals[len(arrivals) // 2], 3),
        "last_request": round(arrivals[-1], 3),
        "hang_starts": [round(t, 3) for t, _ in hangs],
    }
    if hangs:
        last, port = hangs[-1]
        holds = [
            r["t"] - start + LATENCY + 1.0
            for r in records
            if r["port"] == port and r["status"] == 429 and r["t"] - start < last
        ]
        out["last_hang_start"] = round(last, 3)
        out["last_hang_host_held_until"] = round(max(holds), 3) if holds else None
    return out


def _linkinator_class(link: dict[str, Any]) -> str:
    status = int(link.get("status") or 0)
    state = link.get("state")
    if state == "OK":
        return "alive"
    if status in (404, 410):
        return "dead"
    if status == 429:
        return "rate-limited"
    if 500 <= status < 600:
        return "server-error"
    if status == 0:  # no answer: linkinator's report cannot say more (our server only hangs)
        return "timeout"
    return f"http-{status}"


def run_linkinator(
    server: BenchServer, node_dir: Path, plan: Sequence[Url], tool: str, flags: list[str]
) -> Run:
    """linkinator on an index page (served on the control port) linking every URL."""
    links = [f"http://127.0.0.1:{server.ports[u.host]}{u.path}" for u in plan]
    page = "<!doctype html><title>bench</title>\n" + "\n".join(
        f'<a href="{h}">{i}</a>' for i, h in enumerate(links)
    )
    server.put_index(page)
    server.reset()
    cli = node_dir / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
    cmd = [
        "node",
        str(cli),
        f"http://127.0.0.1:{server.control}/index.html",
        "--concurrency",
        str(CONCURRENCY),
        "--timeout",
        str(int(TIMEOUT * 1000)),
        "--format",
        "json",
        *flags,
    ]
    t0, c0 = now(), children_cpu()
    try:
        proc = subprocess.run(cmd, capture_output=True, env=clean_env(), timeout=180, check=False)
        rc, stdout = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired as exc:  # run() has killed it
        rc, stdout = -9, exc.stdout or b""
    wall, cpu = now() - t0, children_cpu() - c0
    records = server.records()
    extra: dict[str, Any] = {"cmd": " ".join(cmd[2:]), "exit": rc}
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        # linkinator 7.6.1 --retry re-queues a permanent 429 forever; Node then
        # exits 13 (unsettled top-level await) without printing a report.
        extra["failed"] = f"no report (exit code {rc}, {len(records)} requests sent)"
        data = {}
    verdicts: dict[str, str] = {}
    for link in data.get("links", []):
        url = str(link.get("url", ""))
        if "/index.html" in url:
            continue
        path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else url
        verdicts[path] = _linkinator_class(link)
    return Run(tool, wall, cpu, verdicts, records, extra)


def early_retries(records: list[dict[str, Any]]) -> int:
    """Requests to a path that came sooner than Retry-After (1 s) after its 429."""
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_path[r["path"]].append(r)
    early = 0
    for rs in by_path.values():
        rs.sort(key=lambda r: r["t"])
        for a, b in itertools.pairwise(rs):
            if a["status"] == 429 and b["t"] - (a["t"] + LATENCY) < 1.0:
                early += 1
    return early


def score(run: Run, plan: Sequence[Url]) -> dict[str, Any]:
    """Per-class correctness and server-side totals of one run."""
    per_class: dict[str, list[int]] = {c.name: [0, 0] for c in MIX}
    wrong: Counter[str] = Counter()
    finals = run.extra.get("finals", {})
    for u in plan:
        got = run.verdicts.get(u.path, "missing")
        ok = got == u.cls.expected
        if ok and u.cls.hops and finals:  # the engine also names the final URL
            final = finals.get(u.path) or ""
            ok = final.endswith(f"/landing/{u.path.rsplit('/', 1)[1]}")
        per_class[u.cls.name][1] += 1
        if ok:
            per_class[u.cls.name][0] += 1
        else:
            wrong[f"{u.cls.name} -> {got}"] += 1
    requests = len(run.records)
    body = sum(int(r["body_bytes"]) for r in run.records)
    return {
        "tool": run.tool,
        "wall": run.wall,
        "cpu": run.cpu,
        "requests": requests,
        "body_bytes": body,
        "by_method": dict(Counter(r["method"] for r in run.records)),
        "urls_correct": sum(v[0] for v in per_class.values()),
        "classes_correct": sum(1 for v in per_class.values() if v[0] == v[1]),
        "per_class": per_class,
        "wrong": dict(wrong),
        "early_retries": early_retries(run.records),
        "extra": {k: v for k, v in run.extra.items() if k != "finals"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 URLs on 5 hosts (smoke run)")
    parser.add_argument("--no-node", action="store_true", help="skip linkinator")
    parser.add_argument("--no-single-host", action="store_true", help="skip the one-host runs")
    parser.add_argument(
        "--json", type=Path, help="write all numbers here (default benchmarks/out/)"
    )
    args = parser.parse_args(argv)
    scrub_proxy_env()

    scale, hosts = (0.1, 5) if args.quick else (1.0, 50)
    plan = build_plan(scale, hosts)
    n = len(plan)
    node_dir = None if args.no_node else ensure_node_tools()
    server = BenchServer.start(
        "--app", "links", "--hosts", str(hosts), "--latency", str(LATENCY), "--lifetime", "900"
    )
    base = ProbeSettings(
        concurrency=CONCURRENCY,
        total_timeout=TIMEOUT,
        connect_timeout=TIMEOUT,
        read_timeout=TIMEOUT,
        allow_private=True,
        use_cache=False,
    )
    named = {
        f"http://h{u.host:02d}.bench.test:{server.ports[u.host]}{u.path}": u.path for u in plan
    }
    one_host = {f"http://127.0.0.1:{server.ports[0]}{u.path}": u.path for u in plan}
    runs: list[Run] = []
    try:
        runs.append(run_seedlint(server, "seedlint (cold, no cache)", named, base))
        with tempfile.TemporaryDirectory() as tmp:
            cached = ProbeSettings(
                **{**base.__dict__, "use_cache": True, "cache_path": Path(tmp) / "c.sqlite3"}
            )
            runs.append(run_seedlint(server, "seedlint (cold, filling cache)", named, cached))
            runs.append(run_seedlint(server, "seedlint (warm cache)", named, cached))
        if not args.no_single_host:
            for per_host in (CONCURRENCY, 4):
                single = ProbeSettings(**{**base.__dict__, "per_host": per_host})
                runs.append(
                    run_seedlint(
                        server, f"seedlint (one host, per_host={per_host})", one_host, single
                    )
                )
        if node_dir is not None:
            for flags in ([], ["--retry-errors", "--retry-errors-count", "2"], ["--retry"]):
                name = " ".join(["linkinator", *flags])
                runs.append(run_linkinator(server, node_dir, plan, name, flags))
    finally:
        server.stop()

    ideal = ideal_seconds(n)
    floor = min_requests(plan)
    scores = [score(r, plan) for r in runs]
    cold = scores[0]["wall"]
    rows = []
    for s in scores:
        rows.append(
            [
                s["tool"],
                f"{s['wall']:.2f}",
                f"{s['wall'] / ideal:.2f}x",
                f"{s['cpu']:.2f}",
                f"{s['requests'] / n:.3f}",
                f"{s['body_bytes'] / 1e6:.3f} MB",
                f"{s['classes_correct']}/{len(MIX)} ({s['urls_correct']}/{n} URLs)",
                str(s["early_retries"]),
            ]
        )
    table = md_table(
        [
            "tool",
            "wall s",
            "vs ideal",
            "CPU s",
            "requests/URL",
            "body bytes sent",
            "classes correct",
            "retries before Retry-After",
        ],
        rows,
    )
    warm = next((s for s in scores if s["tool"].startswith("seedlint (warm")), None)
    filling = next((s for s in scores if "filling" in s["tool"]), None)
    lines = [
        f"# Links benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"{n} URLs on {hosts} hosts, {LATENCY * 1000:.0f} ms per response, concurrency "
        f"{CONCURRENCY}, timeout {TIMEOUT:.0f} s. Ideal: ceil({n}/{CONCURRENCY}) x "
        f"{LATENCY * 1000:.0f} ms + {TIMEOUT:.0f} s = {ideal:.2f} s. Fewest requests this "
        f"mix allows with 2 retries for 5xx/429: {floor} ({floor / n:.3f}/URL).",
        "",
        table,
        "",
    ]
    if warm and filling:
        lines.append(
            f"Warm run: {warm['wall']:.2f} s = {100 * warm['wall'] / cold:.1f}% of the cold run "
            f"({100 * warm['wall'] / filling['wall']:.1f}% of the cache-filling run); "
            f"{warm['extra']['from_cache']} of {n} from cache, {warm['requests']} requests sent."
        )
    lines.append("")
    lines.append("Per class (URLs correct / planted):")
    lines.append("")
    lines.append(
        md_table(
            ["class", "expected", *[s["tool"] for s in scores]],
            [
                [
                    c.name,
                    c.expected,
                    *[f"{s['per_class'][c.name][0]}/{s['per_class'][c.name][1]}" for s in scores],
                ]
                for c in MIX
            ],
        )
    )
    lines.append("")
    for s in scores:
        if s["wrong"]:
            lines.append(f"- {s['tool']} misclassified: {s['wrong']}")
        extra = {k: v for k, v in s["extra"].items() if k != "timeline"}
        lines.append(f"- {s['tool']}: requests by method {s['by_method']}; {extra}")
        line = s["extra"].get("timeline")
        if line and line.get("hang_starts"):
            held = line.get("last_hang_host_held_until")
            lines.append(
                f"  timeline: first request +{line['first_request']:.2f} s, half sent by "
                f"+{line['median_request']:.2f} s; hanging URLs started "
                f"+{line['hang_starts'][0]:.2f} ... +{line['last_hang_start']:.2f} s"
                + (
                    f" (the last one's host held by Retry-After until +{held:.2f} s)"
                    if held
                    else ""
                )
            )
    text = "\n".join(lines)
    print(text)
    out = args.json or OUT_DIR / ("links-quick.json" if args.quick else "links.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"n": n, "ideal": ideal, "min_requests": floor, "runs": scores}, indent=1)
    )
    (out.with_suffix(".md")).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
