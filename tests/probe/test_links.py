"""Link probes against real local servers, plain and TLS."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from seedlint.probe import Outcome

from .servers import (
    by_method,
    endless,
    file,
    garbage,
    ok,
    redirect,
    reset,
    sequence,
    slow,
    status,
)


def test_alive_with_head_only(server, local_settings, probe_run):
    url = server.route("/ok", ok())
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE
    assert (result.status, result.final_url, result.requests, result.body_bytes) == (200, url, 1, 0)
    assert result.detail == "HTTP 200 OK"
    assert [r.method for r in server.requests()] == ["HEAD"]


def test_temporary_redirect_chain_is_alive(server, local_settings, probe_run):
    server.route("/a", redirect(302, "/b"))
    server.route("/b", redirect(307, server.url("/c")))
    url = server.url("/a")
    server.route("/c", ok())
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE
    assert result.chain == (server.url("/b"), server.url("/c"))
    assert result.final_url == server.url("/c")
    assert result.requests == 3


def test_permanent_redirect_names_final_url(server, local_settings, probe_run):
    for code in (301, 308):
        server.route(f"/{code}", redirect(302 if code == 301 else code, f"/{code}-moved"))
        server.route(f"/{code}-moved", redirect(code, f"/{code}-final"))
        server.route(f"/{code}-final", ok())
    urls = [server.url("/301"), server.url("/308")]
    report = probe_run(urls, settings=local_settings())
    for url in urls:
        result = report.links[url]
        assert result.outcome is Outcome.REDIRECT_PERMANENT
        assert result.final_url == url + "-final"
        assert "moved permanently to" in result.detail


def test_redirect_loop(server, local_settings, probe_run):
    server.route("/x", redirect(302, "/y"))
    server.route("/y", redirect(302, "/x"))
    url = server.url("/x")
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.REDIRECT_LOOP
    assert "redirect loop" in result.detail
    # HEAD chain, then the same chain with GET: both bounded.
    assert len(server.requests()) <= 12


def test_too_many_redirects(server, local_settings, probe_run):
    for i in range(10):
        server.route(f"/r{i}", redirect(302, f"/r{i + 1}"))
    url = server.url("/r0")
    result = probe_run([url], settings=local_settings(max_redirects=3)).links[url]
    assert result.outcome is Outcome.TOO_MANY_REDIRECTS
    assert len(server.requests()) == 8  # 4 with HEAD, 4 again with GET


def test_dead_404_and_410(server, local_settings, probe_run):
    gone = server.route("/gone", status(410))
    missing = server.url("/missing")  # unrouted: 404
    report = probe_run([gone, missing], settings=local_settings())
    assert report.links[gone].outcome is Outcome.DEAD
    assert report.links[missing].outcome is Outcome.DEAD
    assert report.links[missing].detail.startswith("HTTP 404 Not Found")
    # HEAD then a confirming GET, never more.
    assert [r.method for r in server.requests("/gone")] == ["HEAD", "GET"]


def test_server_error_then_success_is_retried(server, local_settings, probe_run):
    url = server.route("/flaky", sequence(status(500), ok()))
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE
    assert result.requests == 2
    assert "retried after HTTP 500" in result.detail


def test_server_error_after_retries(http_server, local_settings, probe_run):
    url = http_server.route("/down", status(503))
    result = probe_run([url], settings=local_settings(retries=2)).links[url]
    assert result.outcome is Outcome.SERVER_ERROR
    assert result.requests == 3


def test_429_retry_after_is_waited_for(server, local_settings, probe_run):
    url = server.route("/busy", sequence(status(429, [("Retry-After", "1")]), ok()))
    started = time.monotonic()
    result = probe_run([url], settings=local_settings()).links[url]
    assert time.monotonic() - started >= 1.0
    assert result.outcome is Outcome.ALIVE  # confirmed, not called dead
    assert result.requests == 2


def test_429_still_after_retries_is_rate_limited(http_server, local_settings, probe_run):
    url = http_server.route("/busy", status(429, [("Retry-After", "0")]))
    result = probe_run([url], settings=local_settings(retries=1)).links[url]
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.requests == 2


def test_retry_after_beyond_the_bound_is_not_waited_for(http_server, local_settings, probe_run):
    url = http_server.route("/busy", status(429, [("Retry-After", "3600")]))
    started = time.monotonic()
    result = probe_run([url], settings=local_settings()).links[url]
    assert time.monotonic() - started < 1.0
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.requests == 1
    assert "exceeds" in result.detail


def test_head_not_allowed_falls_back_to_get(server, local_settings, probe_run):
    url = server.route("/nohead", by_method(HEAD=status(405), GET=ok()))
    other = server.route("/nohead2", by_method(HEAD=status(405), GET=ok()))
    report = probe_run([url], settings=local_settings())
    assert report.links[url].outcome is Outcome.ALIVE
    assert [r.method for r in server.requests("/nohead")] == ["HEAD", "GET"]
    # Within one run, a host that refused HEAD gets GET straight away.
    report = probe_run([url, other], settings=local_settings(concurrency=1))
    assert report.links[other].outcome is Outcome.ALIVE


def test_slow_response_costs_one_timeout(server, local_settings, probe_run):
    url = server.route("/slow", slow(2.0))
    started = time.monotonic()
    result = probe_run([url], settings=local_settings(read_timeout=0.5)).links[url]
    assert time.monotonic() - started < 1.5
    assert result.outcome is Outcome.TIMEOUT
    assert result.requests == 1
    assert len(server.requests()) == 1  # no retry, no GET after a timed-out HEAD


def test_total_timeout_bounds_a_url(http_server, local_settings, probe_run):
    url = http_server.route("/503", status(503, [("Retry-After", "1")]))
    result = probe_run([url], settings=local_settings(total_timeout=0.5)).links[url]
    assert result.outcome is Outcome.SERVER_ERROR
    assert result.requests == 1
    assert "time budget" in result.detail


def test_connection_reset(server, local_settings, probe_run):
    url = server.route("/reset", reset)
    result = probe_run([url], settings=local_settings(retries=1)).links[url]
    assert result.outcome is Outcome.CONNECTION_FAILED
    assert len(server.requests()) == 2  # retried once


def test_malformed_response(server, local_settings, probe_run):
    url = server.route("/garbage", garbage)
    result = probe_run([url], settings=local_settings(retries=0)).links[url]
    assert result.outcome is Outcome.CONNECTION_FAILED
    assert "malformed" in result.detail


def test_endless_body_is_never_downloaded(server, local_settings, probe_run):
    url = server.route("/stream", by_method(HEAD=status(405), GET=endless()))
    started = time.monotonic()
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE
    assert time.monotonic() - started < 3
    assert result.body_bytes == 0
    time.sleep(0.2)  # let the server notice the closed connection
    sent = server.requests("/stream")[-1].body_sent
    assert sent < 16 << 20  # socket buffers at most, not the 64 MiB on offer


def test_untrusted_certificate(make_server, local_settings, probe_run):
    server = make_server(tls="untrusted")
    url = server.route("/ok", ok())
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.TLS_FAILURE
    assert "CERTIFICATE_VERIFY_FAILED" in result.detail
    assert server.requests() == []
    assert server.connections == 1  # not retried


@pytest.mark.parametrize("answer", [b"HTTP/1.1 400 Bad Request\r\n\r\n", b""])
def test_https_to_a_plain_server_says_why(local_settings, probe_run, answer):
    """A plain server answering a TLS hello with text, or closing at once (the reason then
    sits deep in the cause chain, under anyio's empty EndOfStream)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn:
                conn.recv(4096)
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    url = f"https://127.0.0.1:{port}/ok"
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.TLS_FAILURE
    assert result.detail.startswith("TLS failure: ")
    assert result.detail.removeprefix("TLS failure: ").strip()  # the reason, not ''


def test_blocked_and_other_client_errors(http_server, local_settings, probe_run):
    forbidden = http_server.route("/403", status(403))
    teapot = http_server.route("/418", status(418))
    linkedin = http_server.route("/999", status(999))
    report = probe_run([forbidden, teapot, linkedin], settings=local_settings())
    assert report.links[forbidden].outcome is Outcome.BLOCKED
    assert report.links[linkedin].outcome is Outcome.BLOCKED
    assert report.links[teapot].outcome is Outcome.HTTP_ERROR


def test_head_hostile_404_confirmed_alive_by_get(http_server, local_settings, probe_run):
    url = http_server.route("/odd", by_method(HEAD=status(404), GET=ok()))
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE
    assert "HEAD answered 404" in result.detail


def test_redirect_to_dead_target_is_dead(server, local_settings, probe_run):
    url = server.route("/old", redirect(301, "/nowhere"))
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.DEAD
    assert result.final_url == server.url("/nowhere")


def test_connection_refused(local_settings, probe_run, make_server):
    server = make_server()
    url = server.url("/")
    server.stop()  # nothing listens there any more
    result = probe_run([url], settings=local_settings(retries=0)).links[url]
    assert result.outcome is Outcome.CONNECTION_FAILED


def test_queueing_behind_a_busy_host_is_not_charged_to_the_timeout(
    http_server, local_settings, probe_run
):
    # Eight URLs on one host, one request at a time, each needing two requests of 0.15 s:
    # the last one waits about 2 s for its slots, far past its own 0.8 s budget, yet it
    # was never slow itself, so it must not be called a timeout.
    http_server.route("/target", slow(0.15))
    urls = [http_server.route(f"/hop{i}", slow(0.15, redirect(302, "/target"))) for i in range(8)]
    settings = local_settings(per_host=1, total_timeout=0.8, read_timeout=0.5)
    results = probe_run(urls, settings=settings).links
    assert {r.outcome for r in results.values()} == {Outcome.ALIVE}


def test_head_404_is_believed_from_a_host_whose_head_works(http_server, local_settings, probe_run):
    alive = http_server.route("/alive", ok())
    dead = [http_server.route(f"/gone{i}", status(404)) for i in range(3)]
    settings = local_settings(concurrency=1)  # in order: the healthy HEAD comes first
    results = probe_run([alive, *dead], settings=settings).links
    assert all(results[url].outcome is Outcome.DEAD for url in dead)
    assert [r.method for r in http_server.requests()] == ["HEAD"] * 4


def test_get_fallback_asks_for_one_byte(http_server, local_settings, probe_run):
    page = b"x" * 200_000
    url = http_server.route("/page", by_method(HEAD=status(405), GET=file(page, "text/html")))
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE and result.status == 206
    get = [r for r in http_server.requests("/page") if r.method == "GET"]
    assert get[0].headers.get("range") == "bytes=0-0"
    # The server thread logs what it sent after the client has already closed: wait for it.
    deadline = time.monotonic() + 2.0
    while sum(r.body_sent for r in get) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sum(r.body_sent for r in get) == 1


def test_empty_resource_refusing_the_range_is_alive(http_server, local_settings, probe_run):
    url = http_server.route("/empty", by_method(HEAD=status(405), GET=file(b"", "text/plain")))
    result = probe_run([url], settings=local_settings()).links[url]
    assert result.outcome is Outcome.ALIVE and result.status == 416
