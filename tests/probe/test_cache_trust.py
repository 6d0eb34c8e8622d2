"""The probe cache on untrusted pull requests.

Threat model: a pull request cannot change the command line or the root
configuration, but the cache may have been filled by an earlier, more trusting
run (``--allow-private``, ``--allow``), by another seedlint version, or altered
on disk. A cached result must only reach a run that would have been allowed to
obtain it, asking the same way; a record that fails its integrity check is
dropped and the URL probed again.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from seedlint.outcomes import Outcome
from seedlint.probe import ProbeSettings

from .imagedata import png
from .servers import file, not_found


def test_trusting_run_does_not_serve_a_default_run(
    server, local_settings, probe_run, cache_file
) -> None:
    dead = server.route("/secret-admin", not_found)
    image = server.route("/big.png", file(png(640, 480)))
    trusting = local_settings(use_cache=True, cache_path=cache_file, allow_private=True)
    first = probe_run([dead], [image], settings=trusting)
    assert first.links[dead].outcome is Outcome.DEAD
    sent = len(server.requests())
    default = local_settings(use_cache=True, cache_path=cache_file, allow_private=False)
    again = probe_run([dead], [image], settings=default)
    assert again.links[dead].outcome is Outcome.FORBIDDEN_ADDRESS
    assert again.images[image].outcome is Outcome.FORBIDDEN_ADDRESS
    assert again.from_cache == 0 and len(server.requests()) == sent
    allowed = local_settings(
        use_cache=True,
        cache_path=cache_file,
        allow_private=False,
        allowed_hosts=(f"127.0.0.1:{server.port}",),
    )
    assert probe_run([dead], settings=allowed).from_cache == 0  # another allow-list, another key


def _records(cache_file: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(cache_file) as conn:
        return conn.execute(
            "SELECT namespace, key, value FROM entries WHERE namespace LIKE 'probe:%'"
        ).fetchall()


def test_altered_record_is_dropped_and_probed_again(
    http_server, local_settings, probe_run, cache_file
) -> None:
    image = http_server.route("/i.png", file(png(640, 480)))
    settings = local_settings(use_cache=True, cache_path=cache_file)
    assert probe_run(images=[image], settings=settings).images[image].size.width == 640
    [(namespace, key, value)] = _records(cache_file)
    forged = value.replace("640", "641")
    assert forged != value
    with sqlite3.connect(cache_file) as conn:
        conn.execute(
            "UPDATE entries SET value = ? WHERE namespace = ? AND key = ?", (forged, namespace, key)
        )
    sent = len(http_server.requests())
    report = probe_run(images=[image], settings=settings)
    assert report.images[image].size.width == 640 and not report.images[image].from_cache
    assert len(http_server.requests()) > sent
    assert any("integrity check" in w for w in report.warnings)
    # Re-probed and stored afresh: the next run is served from the cache again.
    assert probe_run(images=[image], settings=settings).images[image].from_cache


def test_unsigned_record_is_not_served(http_server, local_settings, probe_run, cache_file) -> None:
    url = http_server.route("/gone", not_found)
    settings = local_settings(use_cache=True, cache_path=cache_file)
    probe_run([url], settings=settings)
    [(namespace, _key, value)] = _records(cache_file)
    bare = json.dumps(json.loads(value)["result"] | {"outcome": "alive"})
    with sqlite3.connect(cache_file) as conn:
        conn.execute("UPDATE entries SET value = ? WHERE namespace = ?", (bare, namespace))
    assert probe_run([url], settings=settings).links[url].outcome is Outcome.DEAD


@pytest.mark.parametrize(
    "change",
    [
        {"allow_private": False},
        {"allowed_hosts": ("example.com",)},
        {"allowed_networks": ("10.0.0.0/8",)},
        {"allowed_ports": (8080,)},
        {"user_agent": "other/1"},
        {"max_redirects": 3},
        {"verify": False},
        {"total_timeout": 3.0},
        {"retries": 0},
    ],
)
def test_fingerprint_covers_what_changes_the_answer(change: dict[str, object]) -> None:
    base = ProbeSettings(allow_private=True)
    other = ProbeSettings(**{"allow_private": True, **change})  # type: ignore[arg-type]
    assert base.fingerprint("link") != other.fingerprint("link")


def test_fingerprint_covers_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import seedlint.version

    before = ProbeSettings().fingerprint("link")
    monkeypatch.setattr(seedlint.version, "__version__", "99.0")
    assert ProbeSettings().fingerprint("link") != before
