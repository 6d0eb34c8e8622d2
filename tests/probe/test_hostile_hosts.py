"""A hostile or broken host must not decide how long a run takes, nor leave a URL without a verdict.

Threat model: a pull request controls every URL in its seeds, so it chooses
the hosts the probe talks to. Those hosts may answer 429 with a huge
Retry-After, accept connections and never answer, redirect to ``file:`` or a
port that does not exist, or answer an image request with no content. None of
this may stretch the run past about one timeout per host, crash it, or end it
with "All clean" for a URL that was never judged.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from seedlint.outcomes import Outcome
from seedlint.probe import ProbeSettings

from .conftest import ServerFactory
from .servers import SilentServer, redirect, status


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.stop()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_dead_and_rate_limiting_hosts_cost_about_one_timeout(
    scheme: str, make_server: ServerFactory, silent: SilentServer, local_settings, probe_run
) -> None:
    limiter = make_server(tls=scheme == "https")
    limiter.route("/", status(429, [("Retry-After", "30")]))
    busy = [limiter.url(f"/?n={i}") for i in range(16)]
    hung = [silent.url(f"/page/{i}", scheme) for i in range(40)]
    settings = local_settings(
        connect_timeout=1.0, read_timeout=1.0, total_timeout=1.0, retry_after_max=10.0
    )
    began = time.monotonic()
    report = probe_run([*busy, *hung], settings=settings)
    took = time.monotonic() - began
    # One round of the per-host slots times out (1 s); the rest get the host's verdict at once.
    assert took < 4.0, took
    assert {report.links[u].outcome for u in busy} == {Outcome.RATE_LIMITED}
    assert {report.links[u].outcome for u in hung} == {Outcome.TIMEOUT}
    assert sum("not checked: host" in report.links[u].detail for u in hung) >= 30
    assert len(limiter.requests()) <= settings.per_host  # given up after the first answers
    assert silent.connections <= settings.per_host + settings.host_failures


def test_run_budget_reports_what_was_not_checked(
    silent: SilentServer, local_settings, probe_run
) -> None:
    urls = [silent.url(f"/{i}") for i in range(6)]
    settings = local_settings(
        read_timeout=5.0, total_timeout=5.0, run_budget=0.5, per_host=2, host_failures=99
    )
    began = time.monotonic()
    report = probe_run(urls, settings=settings)
    assert time.monotonic() - began < 3.0
    assert [r.outcome for r in report.links.values()] == [Outcome.NOT_CHECKED] * 6
    assert all("probe budget ran out" in r.detail for r in report.links.values())


def test_host_budget_counts_waiting_for_a_slot(
    silent: SilentServer, make_server: ServerFactory, local_settings, probe_run
) -> None:
    fine = make_server()
    fine.route("/", status(200))
    urls = [silent.url(f"/{i}") for i in range(4)]
    settings = local_settings(
        read_timeout=5.0, total_timeout=5.0, host_budget=0.5, per_host=1, host_failures=99
    )
    report = probe_run([*urls, fine.url("/")], settings=settings)
    assert report.links[fine.url("/")].outcome is Outcome.ALIVE
    # One request in flight, three queued behind it: all four stopped by the host's budget.
    assert [report.links[u].outcome for u in urls] == [Outcome.NOT_CHECKED] * 4
    assert all(
        f"budget for host 127.0.0.1:{silent.port} ran out" in report.links[u].detail for u in urls
    )


BAD_TARGETS = {
    "/to-file": "file:///etc/passwd",
    "/to-gopher": "gopher://127.0.0.1:70/1",
    "/to-ftp": "ftp://example.com/x",
    "/to-dict": "dict://127.0.0.1:2628/d:x",
    "/to-big-port": "http://127.0.0.1:65536/",
    "/to-negative-port": "http://127.0.0.1:-80/",
}


def test_every_unusable_redirect_gets_a_verdict(server, local_settings, probe_run) -> None:
    urls = [server.route(path, redirect(302, target)) for path, target in BAD_TARGETS.items()]
    report = probe_run(urls, urls, settings=local_settings())
    for url in urls:
        assert report.links[url].outcome is Outcome.BAD_REDIRECT, report.links[url]
        assert report.images[url].outcome is Outcome.BAD_REDIRECT, report.images[url]


def test_odd_location_is_followed_like_a_browser(server, local_settings, probe_run) -> None:
    # "http:127.0.0.1/" from an http page is a relative path (WHATWG), so the hop
    # leads to /127.0.0.1/ on the same server; httpx's own redirect builder
    # raised on it, and the URL ended "not checked".
    # From an https page it names another scheme without a host: a bad redirect.
    url = server.route("/odd", redirect(302, "http:127.0.0.1/"))
    result = probe_run([url], [url], settings=local_settings())
    if server.scheme == "http":
        assert result.links[url].outcome is Outcome.DEAD
        assert result.links[url].chain == (server.url("/127.0.0.1/"),)
        assert result.images[url].outcome is Outcome.DEAD
    else:
        assert result.links[url].outcome is Outcome.BAD_REDIRECT
        assert result.images[url].outcome is Outcome.BAD_REDIRECT


def test_url_the_http_client_refuses_is_not_checked(probe_run, local_settings) -> None:
    url = "https://\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com/x"  # full-width EXAMPLE
    report = probe_run([url], [url], settings=local_settings(allow_private=False))
    assert report.links[url].outcome is Outcome.INVALID_URL
    assert report.images[url].outcome is Outcome.INVALID_URL


def test_image_answering_204_is_size_unknown(server, local_settings, probe_run) -> None:
    url = server.route("/empty.png", status(204))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.SIZE_UNKNOWN
    assert "204" in result.detail


def test_retry_after_beyond_datetime_is_no_crash(server, local_settings, probe_run) -> None:
    far = "Mon, 01 Jan 99999999999 00:00:00 GMT"
    url = server.route("/far", status(503, [("Retry-After", far)]))
    result = probe_run([url], settings=local_settings(retries=1)).links[url]
    assert result.outcome is Outcome.SERVER_ERROR
    assert "unexpected" not in result.detail


def test_settings_reject_nonsense_budgets() -> None:
    with pytest.raises(ValueError, match="budget"):
        ProbeSettings(run_budget=0)


def test_cli_never_says_all_clean_for_an_unjudged_url(
    tmp_path, server, ca_bundle, capsys: pytest.CaptureFixture[str]
) -> None:
    from seedlint.cli import main
    from seedlint.diagnostics import ExitCode

    from .test_end_to_end import _seed

    server.route("/article/live", redirect(302, "file:///etc/passwd"))
    server.route("/article/related", redirect(302, "gopher://127.0.0.1:70/1"))
    server.route("/img/png", redirect(302, f"{server.scheme}://127.0.0.1:65536/x.png"))
    server.route("/img/jpeg", status(204))
    (tmp_path / "seedlint.toml").write_text("")
    (tmp_path / "seeds").mkdir()
    seed = _seed(server.origin, image_size="width: 1\n    height: 1")
    (tmp_path / "seeds" / "a.txt").write_text(seed)
    argv = ["check", str(tmp_path / "seeds"), "--probe", "--allow-private", "--no-cache"]
    argv += ["--ca-bundle", ca_bundle, "--select", "L,I", "--color", "never"]
    assert main(argv) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    codes = [line.split(" ")[1] for line in out.splitlines() if line.startswith("seeds/")]
    # originalUrl, webUrl and related webUrl: bad redirects; one image: bad port; one: no data.
    assert sorted(codes) == ["I002", "L013", "L013", "L013", "L013"], out
    assert "All clean" not in out


def test_immediate_rerun_does_not_wait_out_timeouts_again(
    silent: SilentServer, local_settings, probe_run, cache_file
) -> None:
    urls = [silent.url(f"/hang/{i}") for i in range(4)]
    settings = local_settings(
        use_cache=True, cache_path=cache_file, read_timeout=1.5, total_timeout=1.5
    )
    began = time.monotonic()
    cold = probe_run(urls, settings=settings)
    cold_wall = time.monotonic() - began
    began = time.monotonic()
    warm = probe_run(urls, settings=settings)
    warm_wall = time.monotonic() - began
    assert {r.outcome for r in cold.links.values()} == {Outcome.TIMEOUT}
    assert {r.outcome for r in warm.links.values()} == {Outcome.TIMEOUT}
    assert warm.from_cache == 4 and warm.requests == 0
    assert warm_wall <= 0.1 * cold_wall, (warm_wall, cold_wall)


def test_a_name_that_does_not_resolve_is_given_up(local_settings, probe_run) -> None:
    from .conftest import local_resolver

    lookups = 0

    async def counting(host: str, port: int) -> object:
        nonlocal lookups
        lookups += 1
        return await local_resolver(host, port)

    urls = [f"http://gone.invalid/{i}" for i in range(40)]
    report = probe_run(urls, settings=local_settings(), resolver=counting)
    assert {r.outcome for r in report.links.values()} == {Outcome.DNS_FAILURE}
    settings = local_settings()
    assert lookups <= settings.per_host + settings.host_failures  # not one per URL
