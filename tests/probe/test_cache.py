"""The SQLite cache: warm runs, TTL, transient results, several processes, corruption."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from seedlint.cache import ResultCache
from seedlint.probe import Outcome

from .imagedata import png
from .servers import file, ok, status

SRC = str(Path(__file__).resolve().parents[2] / "src")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_json_values(cache_file):
    clock = Clock()
    with ResultCache(cache_file, clock=clock) as cache:
        cache.put_json("index", "k", {"a": [1, 2]}, ttl=10)
        cache.put_json("index", "forever", "x", ttl=None)
        assert cache.get_json("index", "k") == {"a": [1, 2]}
        assert cache.get_json("other", "k") is None
        clock.now += 11
        assert cache.get_json("index", "k") is None
        assert cache.get_json("index", "forever") == "x"
        assert cache.purge_expired() == 1
        cache.delete("index", "forever")
        assert cache.get_json("index", "forever") is None
        assert cache.warnings == []


def test_warm_run_sends_nothing(server, local_settings, probe_run, cache_file):
    link = server.route("/ok", ok())
    dead = server.url("/dead")
    image = server.route("/i.png", file(png(4, 5)))
    settings = local_settings(use_cache=True, cache_path=cache_file)
    cold = probe_run([link, dead], [image], settings=settings)
    sent = len(server.requests())
    warm = probe_run([link, dead], [image], settings=settings)
    assert len(server.requests()) == sent  # nothing re-probed
    assert warm.from_cache == 3 and warm.requests == 0
    assert warm.links[link].outcome is Outcome.ALIVE and warm.links[link].from_cache
    assert warm.links[dead].outcome is Outcome.DEAD
    assert warm.images[image].size == cold.images[image].size
    # refresh=True probes again (and still writes).
    probe_run([link], settings=local_settings(use_cache=True, cache_path=cache_file, refresh=True))
    assert len(server.requests()) == sent + 1


def test_ttl_expiry(http_server, local_settings, probe_run, cache_file):
    url = http_server.route("/ok", ok())
    clock = Clock()
    settings = local_settings(cache_ttl_seconds=60)
    with ResultCache(cache_file, clock=clock) as cache:
        probe_run([url], settings=settings, cache=cache)
        clock.now += 59
        probe_run([url], settings=settings, cache=cache)
        assert len(http_server.requests()) == 1
        clock.now += 2
        probe_run([url], settings=settings, cache=cache)
        assert len(http_server.requests()) == 2


def test_transient_failures_are_cached_briefly(http_server, local_settings, probe_run, cache_file):
    url = http_server.route("/down", status(503))
    busy = http_server.route("/busy", status(429))
    clock = Clock()
    settings = local_settings(retries=0, transient_ttl_seconds=30, cache_ttl_seconds=3600)
    with ResultCache(cache_file, clock=clock) as cache:
        first = probe_run([url, busy], settings=settings, cache=cache)
        assert first.links[url].outcome is Outcome.SERVER_ERROR
        assert first.links[busy].outcome is Outcome.RATE_LIMITED
        again = probe_run([url, busy], settings=settings, cache=cache)
        assert len(http_server.requests()) == 2  # answered from the cache
        assert again.links[url].from_cache and again.links[url].outcome is Outcome.SERVER_ERROR
        clock.now += 31  # the short TTL is over: asked again
        probe_run([url, busy], settings=settings, cache=cache)
        assert len(http_server.requests()) == 4


def test_transient_ttl_zero_never_caches(http_server, local_settings, probe_run, cache_file):
    url = http_server.route("/down", status(503))
    settings = local_settings(
        use_cache=True, cache_path=cache_file, retries=0, transient_ttl_seconds=0
    )
    probe_run([url], settings=settings)
    probe_run([url], settings=settings)
    assert len(http_server.requests()) == 2


def test_settings_fingerprint_separates_results(http_server, local_settings, probe_run, cache_file):
    url = http_server.route("/ok", ok())
    probe_run([url], settings=local_settings(use_cache=True, cache_path=cache_file))
    other = local_settings(use_cache=True, cache_path=cache_file, user_agent="other/1")
    assert probe_run([url], settings=other).from_cache == 0


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from seedlint.cache import ResultCache

    path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with ResultCache(path) as cache:
        for i in range(count):
            cache.put_json("shared", f"{name}-{i}", {"i": i}, ttl=3600)
            cache.get_json("shared", f"other-{i}")
        assert not cache.warnings, cache.warnings
    print("done")
    """
)


def test_several_processes_share_one_file(cache_file):
    env = {**os.environ, "PYTHONPATH": SRC}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(cache_file), name, "300"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b", "c")
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        assert out.strip() == "done"
    with ResultCache(cache_file) as cache:
        for name in ("a", "b", "c"):
            assert cache.get_json("shared", f"{name}-299") == {"i": 299}


def test_garbage_file_is_set_aside_and_rebuilt(cache_file):
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"this is not a database at all" * 100)
    with ResultCache(cache_file) as cache:
        assert cache.enabled
        assert any("moved aside" in w for w in cache.warnings)
        cache.put_json("n", "k", 1, ttl=None)
        assert cache.get_json("n", "k") == 1
    aside = [p for p in cache_file.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not a database")


def test_truncated_file_is_set_aside_and_rebuilt(cache_file):
    with ResultCache(cache_file) as cache:
        for i in range(2000):
            cache.put_json("n", f"k{i}", "v" * 100, ttl=None)
    # Fold the WAL into the main file, then cut it in half.
    import sqlite3

    conn = sqlite3.connect(cache_file)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = cache_file.read_bytes()
    cache_file.write_bytes(data[: len(data) // 2])
    with ResultCache(cache_file) as cache:
        assert cache.enabled
        assert any("corrupt" in w for w in cache.warnings)
        assert cache.get_json("n", "k1") is None
        cache.put_json("n", "k1", "fresh", ttl=None)
        assert cache.get_json("n", "k1") == "fresh"


def test_probe_run_survives_a_corrupt_cache(http_server, local_settings, probe_run, cache_file):
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(os.urandom(8192))
    url = http_server.route("/ok", ok())
    report = probe_run([url], settings=local_settings(use_cache=True, cache_path=cache_file))
    assert report.links[url].outcome is Outcome.ALIVE
    assert any("corrupt" in w for w in report.warnings)
    again = probe_run([url], settings=local_settings(use_cache=True, cache_path=cache_file))
    assert again.from_cache == 1 and again.warnings == []


def test_unusable_cache_directory_is_a_warning(tmp_path, http_server, local_settings, probe_run):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    url = http_server.route("/ok", ok())
    settings = local_settings(use_cache=True, cache_path=blocker / "sub" / "c.sqlite3")
    report = probe_run([url], settings=settings)
    assert report.links[url].outcome is Outcome.ALIVE
    assert any("cache disabled" in w for w in report.warnings)


def test_cached_image_failure_outcomes(http_server, local_settings, probe_run, cache_file):
    url = http_server.url("/missing.png")
    settings = local_settings(use_cache=True, cache_path=cache_file)
    assert probe_run(images=[url], settings=settings).images[url].outcome is Outcome.DEAD
    warm = probe_run(images=[url], settings=settings).images[url]
    assert warm.outcome is Outcome.DEAD and warm.from_cache
