"""Long probe runs: a progress bar with an ETA on a terminal, plain lines in CI, and Ctrl-C.

The pty tests run the real command in a child process whose stderr is a
pseudo-terminal (stdlib ``pty``), against local servers: one that answers, and
one that accepts connections and never answers, so the run is still going
when it is interrupted.
"""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedlint.probe import ProgressSnapshot
from seedlint.progress import PlainProgress, TerminalBar, eta, progress_for

from .servers import LocalServer, SilentServer, ok, start_server
from .test_end_to_end import _seed

SRC = str(Path(__file__).resolve().parents[2] / "src")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def snap(done: int, total: int = 100, rate: float = 2.0, elapsed: float = 5.0) -> ProgressSnapshot:
    return ProgressSnapshot(done, total, 1, rate, elapsed)


def test_eta() -> None:
    assert eta(snap(40, rate=2.0)) == "0:30"
    assert eta(snap(0, total=10_000, rate=1.0)) == "2:46:40"
    assert eta(snap(0, rate=0.0)) == "?"
    assert eta(snap(100)) == "0:00"


def test_plain_progress_writes_a_line_every_interval() -> None:
    out, clock = io.StringIO(), Clock()
    plain = PlainProgress(out, interval=10.0, clock=clock)
    plain(snap(1))
    clock.now += 9.9
    plain(snap(2))
    assert out.getvalue() == ""
    clock.now += 0.2
    plain(snap(20))
    clock.now += 5
    plain(snap(30))
    lines = out.getvalue().splitlines()
    assert lines == ["seedlint: probing 20/100 URLs, 1 failed, 2/s, about 0:40 left (5s so far)"]
    clock.now += 10
    plain(snap(40))
    assert len(out.getvalue().splitlines()) == 2
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_terminal_bar_draws_in_place_with_eta() -> None:
    out, clock = io.StringIO(), Clock()
    bar = TerminalBar(out, clock=clock)
    bar(snap(50))
    assert out.getvalue().startswith("\r\x1b[Kprobing [")
    assert " 50% 50/100 URLs, 1 failed, 2/s, ETA 0:25" in out.getvalue()
    bar.close()
    assert out.getvalue().endswith("\r\x1b[K")


def test_progress_kind_follows_the_stream() -> None:
    assert isinstance(progress_for(io.StringIO()), PlainProgress)


@pytest.fixture
def servers() -> Iterator[tuple[LocalServer, SilentServer]]:
    answering, silent = start_server(), SilentServer()
    answering.route("/article/live", ok())
    yield answering, silent
    answering.stop()
    silent.stop()


def _project(tmp_path: Path, answering: LocalServer, silent: SilentServer) -> Path:
    (tmp_path / "seedlint.toml").write_text("")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # One seed with live links (and offline findings: plain http:, a loopback host)...
    (seeds / "a.txt").write_text(_seed(answering.origin, image_size="width: 1\n    height: 1"))
    # ...and one whose URLs lead to a host that never answers.
    (seeds / "b.txt").write_text(
        _seed(f"http://127.0.0.1:{silent.port}", image_size="width: 1\n    height: 1")
    )
    return tmp_path


def _spawn(project: Path) -> tuple[subprocess.Popen[bytes], int]:
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "seedlint",
            "check",
            "seeds",
            "--probe-links",
            "--allow-private",
            "--probe-timeout",
            "30",
            "--no-cache",
            "--color",
            "never",
        ],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": SRC, "COLUMNS": "100"},
    )
    os.close(slave)
    return child, master


def _read_until(master: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
    return seen


def test_ctrl_c_reports_what_finished_and_exits_130(tmp_path, servers) -> None:
    answering, silent = servers
    child, master = _spawn(_project(tmp_path, answering, silent))
    try:
        shown = _read_until(master, b"ETA", 20.0)
        assert b"probing [" in shown and b"URLs" in shown, shown
        time.sleep(0.5)
        began = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=15)
        took = time.monotonic() - began
        tail = _read_until(master, b"interrupted", 2.0)
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    report = out.decode()
    assert child.returncode == 130, (report, tail)
    assert took < 5.0
    assert "seeds/a.txt:6:14: U008" in report  # an offline finding, computed before probing
    # The hung host's URLs are named as not checked, with the reason.
    assert "L014" in report and "interrupted" in report
    assert b"interrupted" in shown + tail


def test_ctrl_c_while_linting_reports_the_files_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from seedlint import linter
    from seedlint.cli import main

    (tmp_path / "seedlint.toml").write_text("")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(5):
        (seeds / f"s{n}.txt").write_text("---\ntitle: x\n---\n")  # far from a valid seed
    real = linter.lint_chunk
    calls = 0

    def interrupted_on_the_third(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # what Ctrl-C raises in the middle of the run
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(linter, "CHUNK_SIZE", 1)
    monkeypatch.setattr(linter, "lint_chunk", interrupted_on_the_third)
    argv = [str(seeds), "--jobs", "1", "--no-cache", "--color", "never"]
    assert main(argv) == 130
    captured = capsys.readouterr()
    shown = {line.split(":")[0] for line in captured.out.splitlines() if line.startswith("seeds/")}
    assert shown == {"seeds/s0.txt", "seeds/s1.txt"}
    assert "interrupted: 2 of 5 files checked, 3 not checked" in captured.err
