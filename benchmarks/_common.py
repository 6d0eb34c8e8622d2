"""Helpers shared by the benchmarks: the server subprocess, its control port, Node tools."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NODE_DIR = HERE / ".node"  # npm packages live here (gitignored), installed from package.json
OUT_DIR = HERE / "out"

# Only ever talk to our own servers on loopback: no proxy, whatever the environment says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def clean_env() -> dict[str, str]:
    """The environment for child processes, without proxy settings."""
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def scrub_proxy_env() -> None:
    """Remove proxy variables from this process too (urllib-based tools read them)."""
    for key in _PROXY_VARS:
        os.environ.pop(key, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@dataclass
class BenchServer:
    """A running ``_benchserver.py`` subprocess."""

    proc: subprocess.Popen[bytes]
    control: int
    ports: list[int]

    @classmethod
    def start(cls, *args: str) -> BenchServer:
        """Start the server with ``args`` and wait for its port line."""
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "_benchserver.py"), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=clean_env(),
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            raise RuntimeError("benchmark server did not start")
        info = json.loads(line)
        return cls(proc, int(info["control"]), [int(p) for p in info["ports"]])

    def _call(self, method: str, path: str, body: bytes | None = None) -> Any:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.control}{path}", data=body, method=method
        )
        with _OPENER.open(req, timeout=30) as resp:
            return json.loads(resp.read())

    def reset(self) -> None:
        """Forget every logged request and per-path state."""
        self._call("POST", "/__reset", b"")

    def records(self) -> list[dict[str, Any]]:
        """Every request logged since the last reset."""
        return list(self._call("GET", "/__stats")["records"])

    def put_index(self, html: str) -> None:
        """Store the page served at /index.html on the control port."""
        self._call("PUT", "/__index", html.encode())

    def stop(self) -> None:
        """Close its stdin (it exits by itself), then make sure it is gone."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def ensure_node_tools() -> Path | None:
    """Install the pinned npm packages into benchmarks/.node; None when npm is missing."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return None
    NODE_DIR.mkdir(exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        src = HERE / name
        if src.exists() and (
            not (NODE_DIR / name).exists() or (NODE_DIR / name).read_bytes() != src.read_bytes()
        ):
            shutil.copyfile(src, NODE_DIR / name)
            shutil.rmtree(NODE_DIR / "node_modules", ignore_errors=True)
    if not (NODE_DIR / "node_modules").exists():
        subprocess.run(
            ["npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            env=clean_env(),
            timeout=600,
        )
    return NODE_DIR


def children_cpu() -> float:
    """User + system CPU seconds of waited-for child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def now() -> float:
    """Wall clock for timing runs."""
    return time.perf_counter()


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)
