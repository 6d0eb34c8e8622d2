from __future__ import annotations

from servers import ok

from seedlint.probe import LinkOutcome


def test_alive(server, local_settings, probe_run):
    url = server.route("/ok", ok())
    report = probe_run([url], settings=local_settings())
    result = report.links[url]
    assert result.outcome is LinkOutcome.ALIVE, result
    assert [r.method for r in server.requests("/ok")] == ["HEAD"]
