"""The order a run starts its URLs in, and what a run sets up before its first request."""

from __future__ import annotations

import threading

import pytest

from seedlint.probe import Outcome
from seedlint.probe.order import host_of, round_robin

from .servers import Exchange, ok


def test_round_robin_interleaves_keys_and_keeps_each_keys_order():
    pairs = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("c", 5), ("b", 6)]
    assert round_robin(pairs) == [1, 4, 5, 2, 6, 3]
    assert round_robin([]) == []


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://Example.COM/a", "example.com:80"),
        ("https://example.com./a", "example.com:443"),
        ("https://example.com:8443/a", "example.com:8443"),
        ("http://[::1]:8080/", "::1:8080"),
        ("http://example.com:99999/", "http://example.com:99999/"),  # bad port: its own group
        ("not a url", "not a url"),
    ],
)
def test_host_of(url, key):
    assert host_of(url) == key


def test_a_run_starts_its_hosts_in_turn(make_server, local_settings, probe_run):
    """URLs listed host by host are sent one host after the other, not in runs."""
    servers = [make_server() for _ in range(3)]
    sent: list[int] = []
    lock = threading.Lock()

    def logged(index: int):
        def respond(ex: Exchange) -> None:
            with lock:
                sent.append(index)
            ok()(ex)

        return respond

    urls = [s.route(f"/p{n}", logged(i)) for i, s in enumerate(servers) for n in range(3)]
    report = probe_run(urls, settings=local_settings(concurrency=1))
    assert list(report.links) == urls  # reported in input order all the same
    assert all(r.outcome is Outcome.ALIVE for r in report.links.values())
    assert sent == [0, 1, 2] * 3


def test_a_plain_http_run_makes_no_tls_context(http_server, local_settings, probe_run, monkeypatch):
    import httpx

    made: list[object] = []
    real = httpx.create_ssl_context

    def counting(*args, **kwargs):
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    url = http_server.route("/page", ok())
    report = probe_run([url], settings=local_settings())
    assert report.links[url].outcome is Outcome.ALIVE
    assert made == []
