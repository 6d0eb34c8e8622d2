"""``seedlint cache export`` / ``import``: one portable file, trusted record by record.

Records cross only between caches that share the signing key; a tampered
record, or a file signed with another key, is rejected entry by entry; a run
under other guard settings does not see imported records.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seedlint.cache_transfer import export_cache, import_cache
from seedlint.cli import main
from seedlint.config import CACHE_FILE_NAME, Config, ConfigError
from seedlint.online import probe_settings
from seedlint.probe import Outcome, run_probe
from seedlint.probe.engine import KEY_FILE_SUFFIX

from .conftest import ServerFactory, local_resolver
from .servers import LocalServer, not_found, ok


@pytest.fixture
def site(make_server: ServerFactory) -> LocalServer:
    server = make_server()
    server.route("/a", ok())
    server.route("/b", ok())
    server.route("/gone", not_found)
    return server


def _config(folder: Path, **extra: object) -> Config:
    return Config(root=folder, cache_dir=folder / "cache", allow_private=True).with_overrides(
        **extra
    )


def _probe(config: Config, urls: list[str]) -> dict[str, tuple[Outcome, bool]]:
    report = run_probe(urls, [], probe_settings(config), resolver=local_resolver)
    return {url: (r.outcome, r.from_cache) for url, r in report.links.items()}


def _key_file(config: Config) -> Path:
    assert config.cache_dir is not None
    return config.cache_dir / (CACHE_FILE_NAME + KEY_FILE_SUFFIX)


def test_export_then_import_with_the_same_key_answers_from_the_cache(
    site: LocalServer, tmp_path: Path
) -> None:
    urls = [site.url("/a"), site.url("/b"), site.url("/gone")]
    first, second = _config(tmp_path / "one"), _config(tmp_path / "two")
    assert {v[0] for v in _probe(first, urls).values()} == {Outcome.ALIVE, Outcome.DEAD}
    exported = tmp_path / "probe-cache.json"
    assert export_cache(first, exported) == 3
    # The second runner shares the key (a CI secret), not the cache file.
    _key_file(second).parent.mkdir(parents=True)
    shutil.copy(_key_file(first), _key_file(second))
    counts = import_cache(second, exported)
    assert (counts.imported, counts.rejected, counts.expired) == (3, 0, 0)
    before = len(site.requests())
    again = _probe(second, urls)
    assert all(cached for _, cached in again.values())
    assert again[site.url("/gone")][0] is Outcome.DEAD
    assert len(site.requests()) == before  # nothing asked again


def test_tampered_records_are_rejected_one_by_one(site: LocalServer, tmp_path: Path) -> None:
    urls = [site.url("/a"), site.url("/gone")]
    first, second = _config(tmp_path / "one"), _config(tmp_path / "two")
    _probe(first, urls)
    exported = tmp_path / "probe-cache.json"
    export_cache(first, exported)
    data = json.loads(exported.read_text())
    for entry in data["entries"]:
        if entry[1] == site.url("/gone"):
            entry[2]["result"]["outcome"] = "alive"  # a pull request wants its dead link green
            entry[2]["result"]["status"] = 200
    exported.write_text(json.dumps(data))
    _key_file(second).parent.mkdir(parents=True)
    shutil.copy(_key_file(first), _key_file(second))
    counts = import_cache(second, exported)
    assert (counts.imported, counts.rejected) == (1, 1)
    again = _probe(second, urls)
    assert again[site.url("/a")] == (Outcome.ALIVE, True)
    assert again[site.url("/gone")] == (Outcome.DEAD, False)  # probed, not believed


def test_another_key_vouches_for_nothing(site: LocalServer, tmp_path: Path) -> None:
    first, second = _config(tmp_path / "one"), _config(tmp_path / "two")
    _probe(first, [site.url("/a")])
    exported = tmp_path / "probe-cache.json"
    export_cache(first, exported)
    counts = import_cache(second, exported)  # a fresh key of its own
    assert (counts.imported, counts.rejected) == (0, 1)


def test_imported_records_serve_only_the_same_guard_settings(
    site: LocalServer, tmp_path: Path
) -> None:
    first = _config(tmp_path / "one")
    _probe(first, [site.url("/a")])
    exported = tmp_path / "probe-cache.json"
    export_cache(first, exported)
    other = _config(tmp_path / "two", probe_allow=("127.0.0.1",))  # another fingerprint
    _key_file(other).parent.mkdir(parents=True)
    shutil.copy(_key_file(first), _key_file(other))
    assert import_cache(other, exported).imported == 1
    assert _probe(other, [site.url("/a")])[site.url("/a")] == (Outcome.ALIVE, False)


def test_a_file_that_is_no_export_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "something else"}')
    with pytest.raises(ConfigError, match="not a seedlint cache export"):
        import_cache(_config(tmp_path), junk)


def test_cache_command_round_trip(
    site: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path)
    _probe(config, [site.url("/a")])
    out = tmp_path / "export.json"
    assert main(["cache", "export", str(out), "--cache-dir", "cache", "--isolated"]) == 0
    assert "Exported 1 probe result" in capsys.readouterr().err
    assert main(["cache", "import", str(out), "--cache-dir", "cache", "--isolated"]) == 0
    assert "Imported 1 probe result" in capsys.readouterr().err
    assert main(["cache", "import", str(tmp_path / "missing.json"), "--isolated"]) == 2
