"""Run-level behaviour: dedupe, limits, progress, bad URLs, cheap import."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from seedlint.probe import Outcome, ProgressSnapshot
from seedlint.probe._http import parse_retry_after

from .servers import ok, slow, status

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_import_does_not_load_httpx():
    code = (
        "import sys, seedlint.probe as p; "
        "assert p.ProbeSettings and p.Outcome; "
        "heavy = {'httpx', 'httpcore', 'sqlite3', 'seedlint.probe.imagesize'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": SRC})


def test_each_distinct_url_once(http_server, local_settings, probe_run):
    url = http_server.route("/ok", ok())
    report = probe_run([url, url, url], settings=local_settings())
    assert list(report.links) == [url]
    assert len(http_server.requests()) == 1


def test_per_host_cap(http_server, local_settings, probe_run):
    urls = [http_server.route(f"/s{i}", slow(0.2)) for i in range(8)]
    report = probe_run(urls, settings=local_settings(per_host=2, read_timeout=2))
    assert all(r.outcome is Outcome.ALIVE for r in report.links.values())
    assert http_server.max_active == 2


def test_global_cap(make_server, local_settings, probe_run):
    servers = [make_server() for _ in range(3)]
    urls = [s.route(f"/s{i}", slow(0.2)) for s in servers for i in range(2)]
    probe_run(urls, settings=local_settings(concurrency=1, read_timeout=2))
    assert all(s.max_active == 1 for s in servers)


def test_per_host_rate(http_server, local_settings, probe_run):
    urls = [http_server.route(f"/r{i}", ok()) for i in range(5)]
    started = time.monotonic()
    probe_run(urls, settings=local_settings(per_host_rate=10.0))
    assert time.monotonic() - started >= 0.4  # 5 starts, 0.1 s apart


def test_progress(http_server, local_settings, probe_run):
    urls = [http_server.route("/a", ok()), http_server.url("/missing")]
    seen: list[ProgressSnapshot] = []
    probe_run(urls, settings=local_settings(), progress=seen.append)
    assert seen[0].done == 0 and seen[0].total == 2
    assert seen[-1].done == 2 and seen[-1].failures == 1
    assert seen[-1].rate > 0


def test_a_failing_progress_callback_propagates(http_server, local_settings, probe_run):
    url = http_server.route("/a", ok())

    def boom(snapshot: ProgressSnapshot) -> None:
        if snapshot.done:
            raise RuntimeError("terminal went away")

    with pytest.raises(RuntimeError):
        probe_run([url], settings=local_settings(), progress=boom)


BAD_URLS = [
    "not a url",
    "http://",
    "ftp://example.com/file",
    "http://[::1",
    "http://example.com:99999/",
    "http://exa mple.com/",
    "http://xn--/",
    "http://a..b/",
    "http://\u2603\ufe0f.com/",
    "http://example.com/\x00",
    "http://-bad-.com/",
    "javascript:alert(1)",
    "",
]


def test_malformed_urls_never_abort_the_run(http_server, local_settings, probe_run):
    good = http_server.route("/ok", ok())
    report = probe_run([*BAD_URLS, good], BAD_URLS, settings=local_settings())
    assert report.links[good].outcome is Outcome.ALIVE
    for url in BAD_URLS:
        # Some spellings are syntactically fine and only fail to resolve (the
        # test resolver knows no names): either way, a verdict, not a crash.
        assert report.links[url].outcome in (Outcome.INVALID_URL, Outcome.DNS_FAILURE), url
        assert report.images[url].outcome.value in ("invalid-url", "dns-failure"), url
    assert report.links["ftp://example.com/file"].detail == "unsupported scheme 'ftp'"


def test_dns_failure(local_settings, probe_run):
    url = "https://no-such-host.invalid/"
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.DNS_FAILURE
    assert "no-such-host.invalid" in result.detail


def test_report_totals(http_server, local_settings, probe_run):
    url = http_server.route("/flaky", status(500))
    report = probe_run([url], settings=local_settings(retries=1))
    assert report.requests == 2 and report.elapsed > 0


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    when = datetime(2030, 1, 1, tzinfo=timezone.utc)
    now = (when - timedelta(seconds=90)).timestamp()
    assert parse_retry_after(format_datetime(when, usegmt=True), now=now) == pytest.approx(90)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    # Out of datetime's range, absurdly long or not a number: no header, never an exception.
    assert parse_retry_after("Mon, 01 Jan 99999999999 00:00:00 GMT") is None
    assert parse_retry_after("9" * 400) == 1e9
    assert parse_retry_after("1e400") is None
    assert parse_retry_after("nan") is None


def test_connections_are_reused_per_host(server, local_settings, probe_run):
    from .servers import ok

    # Before: every HEAD answer was closed unread, and httpcore then dropped its connection.
    server.route("/page", ok())
    links = [server.url(f"/page?n={n}") for n in range(24)]
    report = probe_run(links, settings=local_settings(per_host=2))
    assert report.requests == 24
    # HEAD answers are finished, not dropped, so each connection serves many requests.
    assert server.connections <= 4, server.connections


def test_idle_pools_are_bounded(make_server, local_settings):
    import asyncio

    import httpx

    from seedlint.probe._http import GuardedBackend, PerHostTransport
    from seedlint.probe.guard import GuardPolicy

    from .conftest import local_resolver
    from .servers import ok

    servers = [make_server() for _ in range(6)]  # six origins
    for server in servers:
        server.route("/page", ok())
    backend = GuardedBackend(GuardPolicy.build(allow_private=True), local_resolver)

    async def visit() -> list[int]:
        transport = PerHostTransport(local_settings(), backend, max_pools=3)
        open_pools = []
        async with httpx.AsyncClient(transport=transport) as client:
            for server in servers * 2:
                assert (await client.get(server.url("/page"))).status_code == 200
                open_pools.append(transport.open_pools)
        return open_pools

    assert asyncio.run(visit()) == [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    # Each origin's idle connection was closed to make room, then opened again.
    assert [server.connections for server in servers] == [2] * 6
