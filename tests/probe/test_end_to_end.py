"""``seedlint check --probe`` end to end: seeds whose URLs point at a local TLS server.

Dead links, a permanent redirect and a wrong image size are planted; the run
must report exactly those, at the right places, and nothing else online.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.diagnostics import ExitCode

from .conftest import ServerFactory
from .servers import LocalServer, file, not_found, ok, redirect

IMAGES = Path(__file__).parents[1] / "data" / "images"
SECURED = base64.b64encode(bytes(32)).decode() + ";" + base64.b64encode(bytes(16)).decode()
# The server is 127.0.0.1 on a random port; the offline rules rightly flag both.
OFFLINE_NOISE = "U009,U010,U013"


def _seed(origin: str, *, image_size: str, extra_related: str = "", article: str = "live") -> str:
    return f"""---
category: news
title: "Local article"
excerpt: "An article served by the test server."
publishedDateTime: 2020-10-19T00:00:00Z
originalUrl: "{origin}/article/{article}"
webUrl: "{origin}/article/{article}"
type: article
quality: 33
heat: -1
published: false
provider:
  name: Local News
  domain: example.com
topics:
  - AI
images:
  - url: "{origin}/img/png"
    width: 128
    height: 64
  - url: "{origin}/img/jpeg"
    {image_size}
related:
  - title: "A related article"
    excerpt: "Served by the test server too."
    publishedDateTime: 2020-10-20T00:00:00Z
    webUrl: "{origin}/article/related"
    type: article
    provider:
      name: Local News
      domain: example.com
    quality: 10
{extra_related}secured: "{SECURED}"
---
"""


PLANTED = """  - title: "Gone"
    excerpt: "This one was deleted."
    publishedDateTime: 2020-10-21T00:00:00Z
    webUrl: "{origin}/article/gone"
    ampWebUrl: "{origin}/amp/moved"
    type: article
    provider:
      name: Local News
      domain: example.com
    quality: 10
"""


@pytest.fixture
def site(make_server: ServerFactory) -> LocalServer:
    server = make_server(tls=True)
    server.route("/article/live", ok())
    server.route("/article/other", ok())
    server.route("/article/related", ok())
    server.route("/article/gone", not_found)
    server.route("/amp/moved", redirect(301, server.url("/amp/new")))
    server.route("/amp/new", ok())
    server.route("/img/png", file((IMAGES / "apng__mode_grayscale.png").read_bytes(), "image/png"))
    # Served with the wrong type on purpose: the format comes from the bytes.
    server.route("/img/jpeg", file((IMAGES / "hopper_gray.jpg").read_bytes(), "text/html"))
    return server


@pytest.fixture
def project(tmp_path: Path, site: LocalServer) -> Path:
    (tmp_path / "seedlint.toml").write_text("# the project root: paths are shown relative to it\n")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    planted = _seed(
        site.origin,
        image_size="width: 100\n    height: 100",
        extra_related=PLANTED.format(origin=site.origin),
    )
    (seeds / "planted.txt").write_text(planted)
    clean = _seed(site.origin, image_size="width: 128\n    height: 128", article="other")
    (seeds / "clean.txt").write_text(clean)
    return tmp_path


def _check(project: Path, ca_bundle: str, *extra: str) -> list[str]:
    return [
        "check",
        str(project / "seeds"),
        "--probe",
        "--ca-bundle",
        ca_bundle,
        "--cache-dir",
        str(project / "cache"),
        "--ignore",
        OFFLINE_NOISE,
        "--color",
        "never",
        "-q",
        *extra,
    ]


def _findings(out: str) -> list[str]:
    return [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in out.splitlines()]


def test_probe_reports_exactly_the_planted_problems(
    project: Path, site: LocalServer, ca_bundle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_check(project, ca_bundle, "--allow-private")) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    assert _findings(out) == [
        "seeds/planted.txt:21:10: I001",
        "seeds/planted.txt:37:13: L001",
        "seeds/planted.txt:38:16: L009",
    ]
    assert "declares 100x100 but the JPEG image is 128x128" in out
    assert f"permanently redirects to {site.url('/amp/new')}" in out
    # Each distinct URL is probed once, however many seeds use it.
    assert len([r for r in site.requests("/img/png") if r.method == "GET"]) == 1
    assert len(site.requests("/article/related")) == 1


def test_warm_cache_sends_nothing(
    project: Path, site: LocalServer, ca_bundle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(_check(project, ca_bundle, "--allow-private"))
    first = capsys.readouterr().out
    sent = len(site.requests())
    assert main(_check(project, ca_bundle, "--allow-private")) == ExitCode.FINDINGS
    assert capsys.readouterr().out == first
    assert len(site.requests()) == sent


def test_fix_writes_the_measured_size(
    project: Path, ca_bundle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = project / "seeds" / "planted.txt"
    before = planted.read_text()
    main(_check(project, ca_bundle, "--allow-private", "--fix"))
    after = planted.read_text()
    assert after == before.replace("width: 100\n    height: 100", "width: 128\n    height: 128")
    capsys.readouterr()
    main(_check(project, ca_bundle, "--allow-private"))
    assert "I001" not in capsys.readouterr().out


def test_guard_refuses_the_local_server_and_sends_nothing(
    project: Path, site: LocalServer, ca_bundle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_check(project, ca_bundle)) == ExitCode.FINDINGS
    codes = {line.split(" ")[1] for line in capsys.readouterr().out.splitlines()}
    assert codes == {"L011"}
    assert site.requests() == []
    assert site.connections == 0


def test_allow_list_opens_the_guard_for_one_host(
    project: Path, site: LocalServer, ca_bundle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    allowed = f"127.0.0.1:{site.port}"
    assert main(_check(project, ca_bundle, "--allow", allowed)) == ExitCode.FINDINGS
    assert {line.split(" ")[1] for line in capsys.readouterr().out.splitlines()} == {
        "I001",
        "L001",
        "L009",
    }
