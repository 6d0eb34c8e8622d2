"""Probe shards split by host: run concurrently, the per-host cap holds across all of them.

Seeds link to many host names; a launcher maps every ``*.test`` name to
127.0.0.1 through the probe engine's resolver, and one local server counts
the requests in flight per Host header. N shards probing at once must never
exceed ``--probe-per-host`` for any host (each host belongs to one shard),
and the merged report must equal the unsharded run's.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

LAUNCHER = """
import socket, sys
import seedlint.probe.engine as engine

async def resolver(host, port):
    if host.lower().rstrip(".").endswith(".test"):
        return ["127.0.0.1"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

engine.system_resolver = resolver
from seedlint.cli import main
sys.exit(main(sys.argv[1:]))
"""
HOSTS = [f"h{n}.test" for n in range(8)]
PER_HOST = 2
SHARDS = 3


class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.requests = 0

    def enter(self, host: str) -> None:
        with self.lock:
            self.now[host] = self.now.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.now[host])
            self.requests += 1

    def leave(self, host: str) -> None:
        with self.lock:
            self.now[host] -= 1


@pytest.fixture
def server() -> Iterator[tuple[int, _Counter]]:
    counter = _Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, body: bool) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            counter.enter(host)
            time.sleep(0.05)  # long enough for requests to overlap
            # Out of flight once answered: the client may free its slot as soon as it
            # has the status line, while this thread still writes.
            counter.leave(host)
            dead = self.path.startswith("/dead/")
            payload = b"gone" if dead else b"hello"
            # HEAD is never answered 2xx, so no host's HEAD answers are ever believed:
            # every verdict comes from a GET, whatever order the URLs are asked in.
            self.send_response(404 if dead else 200 if body else 403)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def handle(self) -> None:
            # The client may close after the status line (a GET of one byte).
            with contextlib.suppress(OSError):
                super().handle()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], counter
    httpd.shutdown()
    httpd.server_close()


def _seed(number: int, port: int) -> str:
    def url(k: int, kind: str) -> str:
        return f"http://{HOSTS[(number + k) % len(HOSTS)]}:{port}/{kind}/{number}-{k}"

    related = "".join(
        f"""  - title: "Related {k}"
    excerpt: "A related article."
    publishedDateTime: 2020-10-20T00:00:00Z
    webUrl: "{url(k, "dead" if (number + k) % 4 == 0 else "ok")}"
    type: article
    provider:
      name: Local News
      domain: example.com
    quality: 10
"""
        for k in range(1, 5)
    )
    return f"""---
category: news
title: "Article {number}"
excerpt: "An article served by the test server."
publishedDateTime: 2020-10-19T00:00:00Z
originalUrl: "{url(0, "ok")}"
webUrl: "{url(0, "ok")}"
type: article
quality: 33
heat: -1
published: false
provider:
  name: Local News
  domain: example.com
topics:
  - AI
related:
{related}---
"""


def test_probe_shards_keep_the_per_host_cap_together(
    server: tuple[int, _Counter], tmp_path: Path
) -> None:
    port, counter = server
    project = tmp_path / "project"
    (project / "seeds").mkdir(parents=True)
    (project / "seedlint.toml").write_text("# the project root\n")
    for number in range(30):
        (project / "seeds" / f"{number:02}.txt").write_text(_seed(number, port))
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER)
    common = [
        "check",
        "--probe-links",
        "--allow-private",
        "--no-cache",
        "--ignore",
        "U,E001",
        "--probe-per-host",
        str(PER_HOST),
        "-q",
    ]

    def start(*args: str | Path) -> subprocess.Popen[bytes]:
        command = [sys.executable, str(launcher), *common, *map(str, args)]
        return subprocess.Popen(
            command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    single_out = tmp_path / "single.json"
    single = start("--output-format", "json", "--output-file", single_out)
    _, err = single.communicate(timeout=120)
    assert single.returncode == 1, err.decode()
    found = json.loads(single_out.read_text())
    items = found if isinstance(found, list) else found["findings"]
    assert {"L001"} <= {item["code"] for item in items}, items
    single_requests = counter.requests
    assert single_requests >= 30 * 5
    assert max(counter.peak.values()) <= PER_HOST

    counter.peak.clear()
    counter.requests = 0
    outputs = [tmp_path / f"shard{k}.json" for k in range(1, SHARDS + 1)]
    shards = [
        start("--shard", f"{k}/{SHARDS}", "--shard-output", outputs[k - 1], "--exit-zero")
        for k in range(1, SHARDS + 1)
    ]
    for process in shards:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    # Every host was asked, by one shard only: the cap held across the matrix.
    assert set(counter.peak) == set(HOSTS)
    assert max(counter.peak.values()) <= PER_HOST, counter.peak
    assert counter.requests <= single_requests * 1.1  # no URL asked twice (a retry may differ)
    probed = [set(json.loads(out.read_text())["links"]) for out in outputs]
    assert sum(map(len, probed)) == len(set().union(*probed)) == 30 * 5  # each URL once
    assert sum(1 for urls in probed if urls) > 1

    merged_out = tmp_path / "merged.json"
    merge = subprocess.run(
        [
            sys.executable,
            "-m",
            "seedlint",
            "merge",
            *map(str, outputs),
            "--output-format",
            "json",
            "--output-file",
            str(merged_out),
        ],
        check=False,
        capture_output=True,
        timeout=120,
    )
    assert merge.returncode == 1, merge.stderr.decode()
    assert merged_out.read_text().splitlines() == single_out.read_text().splitlines()
