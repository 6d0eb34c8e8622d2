"""Every real image of the corpus, served over HTTP and measured by the probe engine.

The sizes must match the manifest (stored and displayed), and the bytes the
server actually sent must stay within the parser's needs: the manifest's
``oracle_min_bytes`` (the fewest leading bytes that hold the size) or the
engine's smallest range, whichever is larger, per request made.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seedlint.probe import Outcome, ProbeReport, ProbeSettings, run_probe

from .conftest import local_resolver
from .servers import LocalServer, file, start_server

DATA = Path(__file__).resolve().parent.parent / "data" / "images"
MANIFEST: list[dict[str, Any]] = json.loads((DATA / "manifest.json").read_text())["images"]
# The manifest calls it unreadable, but only its colour profile is broken: its header is
# valid and browsers show it at 57x57 (see test_imagesize.py).
READABLE_DESPITE_MANIFEST = {"unknown_compression_method.png"}
CHUNK = 4096


@pytest.fixture(scope="module")
def measured() -> Iterator[tuple[LocalServer, dict[str, str], ProbeReport]]:
    """One server with every image, probed once for the whole module."""
    server = start_server()
    try:
        urls = {}
        for entry in MANIFEST:
            data = (DATA / entry["file"]).read_bytes()
            route = file(data, "application/octet-stream")
            urls[entry["file"]] = server.route(f"/{entry['file']}", route)
        settings = ProbeSettings(allow_private=True, use_cache=False, image_chunk=CHUNK)
        report = run_probe([], list(urls.values()), settings, resolver=local_resolver)
        yield server, urls, report
    finally:
        server.stop()


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_size_matches_the_manifest(entry: dict[str, Any], measured: Any) -> None:
    _, urls, report = measured
    result = report.images[urls[entry["file"]]]
    readable = (
        entry["truth_class"] in ("valid", "header-only")
        or entry["file"] in READABLE_DESPITE_MANIFEST
    )
    if not readable:
        assert result.outcome is Outcome.SIZE_UNKNOWN, result.detail
        return
    assert result.outcome is Outcome.MEASURED, result.detail
    size = result.size
    assert size is not None
    got = (size.width, size.height, size.display_width, size.display_height)
    if entry["truth_class"] == "none":  # READABLE_DESPITE_MANIFEST: header size
        assert got[:2] == (57, 57)
        return
    want = (
        entry["stored_width"],
        entry["stored_height"],
        entry["display_width"],
        entry["display_height"],
    )
    assert got == want


@pytest.mark.parametrize(
    "entry", [e for e in MANIFEST if e.get("oracle_min_bytes")], ids=lambda e: e["file"]
)
def test_bytes_sent_stay_near_the_oracle(entry: dict[str, Any], measured: Any) -> None:
    server = measured[0]
    path = "/" + entry["file"]
    sent = sum(r.body_sent for r in server.requests(path))
    requests = len(server.requests(path))
    assert sent <= max(entry["oracle_min_bytes"], CHUNK * requests)
    if entry["oracle_min_bytes"] > 4 * CHUNK:
        # Big metadata before the size (a 64 KB APP13 in a JPEG): jumping over it
        # with a second range beats reading every leading byte.
        assert sent < entry["oracle_min_bytes"]


def test_total_bytes_are_a_small_share_of_the_files(measured: Any) -> None:
    server, _, _ = measured
    sent = sum(r.body_sent for r in server.requests())
    total = sum(entry["bytes"] for entry in MANIFEST)
    assert sent < 0.2 * total
