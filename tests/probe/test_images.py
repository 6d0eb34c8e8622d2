"""Image measurement over HTTP: ranges, servers that ignore them, bounded bytes."""

from __future__ import annotations

import time

from seedlint.probe import Outcome

from .imagedata import jpeg, png, tga
from .servers import endless, file, redirect, sequence, status


def test_png_measured_with_one_small_range(server, local_settings, probe_run):
    url = server.route("/a.png", file(png(640, 480, extra=500_000)))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED
    assert (result.size.format, result.size.width, result.size.height) == ("PNG", 640, 480)
    assert result.requests == 1
    assert result.bytes_received <= 4096
    assert server.requests()[0].headers["range"].startswith("bytes=0-")


def test_jpeg_jumps_forward_with_a_second_range(server, local_settings, probe_run):
    url = server.route("/b.jpg", file(jpeg(1200, 800, app1=60_000, tail=100_000), "image/jpeg"))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED
    assert (result.size.width, result.size.height) == (1200, 800)
    assert result.bytes_received <= 2 * 4096  # the 60 kB APP1 was skipped, not fetched
    ranges = [r.headers["range"] for r in server.requests()]
    assert len(ranges) == 2 and all(r.startswith("bytes=") for r in ranges)


def test_server_ignoring_range_streams_and_stops(server, local_settings, probe_run):
    data = jpeg(320, 200, app1=300_000, tail=4_000_000)
    url = server.route("/c.jpg", file(data, "image/jpeg", ranges=False))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED
    assert (result.size.width, result.size.height) == (320, 200)
    assert result.requests == 1  # one streamed GET, read forward only
    assert result.bytes_received < 300_000 + 256 * 1024  # up to the SOF, plus a read chunk
    assert "ignored Range" in result.detail


def test_endless_image_stream_is_bounded(server, local_settings, probe_run):
    url = server.route("/d.png", endless(head=png(50, 60), content_type="image/png"))
    started = time.monotonic()
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert time.monotonic() - started < 3
    assert result.outcome is Outcome.MEASURED
    assert result.bytes_received < 256 * 1024
    time.sleep(0.2)
    assert server.requests()[-1].body_sent < 16 << 20


def test_image_served_as_html_is_measured_by_magic(server, local_settings, probe_run):
    url = server.route("/e", file(png(7, 9), "text/html"))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED
    assert (result.size.width, result.size.height) == (7, 9)


def test_byte_cap(http_server, local_settings, probe_run):
    data = jpeg(10, 10, app1=200_000)
    ranged = http_server.route("/f.jpg", file(data, "image/jpeg"))
    streamed = http_server.route("/g.jpg", file(data, "image/jpeg", ranges=False))
    settings = local_settings(image_max_bytes=50_000)
    report = probe_run(images=[ranged, streamed], settings=settings)
    for url in (ranged, streamed):
        result = report.images[url]
        assert result.outcome is Outcome.SIZE_UNKNOWN, result
        assert result.bytes_received <= 50_000 + 65536


def test_not_an_image(http_server, local_settings, probe_run):
    url = http_server.route("/h", file(b"<html>" + b"x" * 5000, "image/png"))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.SIZE_UNKNOWN
    assert result.size is None


def test_image_failures_map_like_links(http_server, local_settings, probe_run):
    dead = http_server.url("/missing.png")
    flaky = http_server.route("/flaky.png", sequence(status(503), file(png(3, 4))))
    moved = http_server.route("/moved.png", redirect(301, "/real.png"))
    http_server.route("/real.png", file(png(5, 6)))
    report = probe_run(images=[dead, flaky, moved], settings=local_settings())
    assert report.images[dead].outcome is Outcome.DEAD
    assert report.images[flaky].outcome is Outcome.MEASURED
    assert report.images[flaky].requests == 2
    result = report.images[moved]
    assert result.outcome is Outcome.MEASURED
    assert result.permanent_redirect and result.final_url == http_server.url("/real.png")


def test_empty_file(http_server, local_settings, probe_run):
    url = http_server.route("/empty.png", file(b""))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.SIZE_UNKNOWN


def test_tga_footer_is_read_with_a_suffix_range(server, local_settings, probe_run):
    data = tga(200, 32)  # 19 kB: the footer is not in the first range
    url = server.route("/t.tga", file(data, "image/x-tga"))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED, result
    assert (result.size.format, result.size.width, result.size.height) == ("TGA", 200, 32)
    ranges = [r.headers["range"] for r in server.requests()]
    assert ranges == ["bytes=0-4095", "bytes=-18"]
    assert result.requests == 2
    assert result.bytes_received == 4096 + 18


def test_small_tga_footer_comes_with_the_first_range(http_server, local_settings, probe_run):
    data = tga(10, 10)  # 344 bytes: the first answer holds the whole file and its size
    url = http_server.route("/small.tga", file(data, "image/x-tga"))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED, result
    assert (result.size.width, result.size.height) == (10, 10)
    assert result.requests == 1


def test_tga_footer_when_the_server_ignores_range(http_server, local_settings, probe_run):
    data = tga(200, 32)
    url = http_server.route("/s.tga", file(data, "image/x-tga", ranges=False))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.MEASURED, result
    assert (result.size.format, result.size.width, result.size.height) == ("TGA", 200, 32)
    assert result.requests == 1  # one streamed GET, read to the end for the footer
    assert result.bytes_received == len(data)
    assert "ignored Range" in result.detail


def test_tga_footer_beyond_the_cap_of_a_streamed_file(http_server, local_settings, probe_run):
    data = tga(400, 150)  # 180 kB; the header arrives in the first 64 kB read, the footer later
    streamed = http_server.route("/big.tga", file(data, "image/x-tga", ranges=False))
    ranged = http_server.route("/big2.tga", file(data, "image/x-tga"))
    report = probe_run(images=[streamed, ranged], settings=local_settings(image_max_bytes=100_000))
    result = report.images[streamed]
    assert result.outcome is Outcome.SIZE_UNKNOWN
    assert "last 18 bytes lie beyond the 100000-byte cap" in result.detail
    assert result.bytes_received <= 100_000 + 65536
    # With Range, the footer costs 18 bytes wherever it is.
    result = report.images[ranged]
    assert result.outcome is Outcome.MEASURED, result
    assert result.bytes_received == 4096 + 18


def test_tga_without_footer_over_http(server, local_settings, probe_run):
    url = server.route("/old.tga", file(tga(200, 32, footer=False), "image/x-tga"))
    result = probe_run(images=[url], settings=local_settings()).images[url]
    assert result.outcome is Outcome.SIZE_UNKNOWN
    assert "TGA without a 2.0 footer cannot be told from noise" in result.detail
