"""A damaged cache file never changes a result, never ends in a traceback.

The cache file is written without waiting for the disk (``PRAGMA synchronous =
OFF``), so an operating-system crash may leave any of its pages half-written.
Here pages of a real cache file (result entries, project-index rows, SQLite's
own b-tree pages) are overwritten with garbage between two runs: the second
run must print what an uncached run prints, and a file found damaged is set
aside and rebuilt, with a notice.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.config import CACHE_FILE_NAME
from tests.conftest import defects_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Seeds with defects of every kind, two sharing a webUrl (C010)."""
    root = defects_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def _run(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", "--cache-dir", "cache", "--output-format", "json", *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _garble(database: Path, pages: list[int], seed: int) -> int:
    """Overwrite the given pages (1-based; page 1 holds the header) with random bytes;
    returns how many pages the file has."""
    data = bytearray(database.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    count = len(data) // size
    rng = random.Random(seed)
    for page in pages:
        if 1 <= page <= count:
            start = (page - 1) * size
            data[start : start + size] = rng.randbytes(size)
    database.write_bytes(bytes(data))
    return count


def _filled_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The uncached answer, after a run that filled the cache file."""
    code, out, _ = _run(capsys, "--no-cache")
    assert _run(capsys)[:2] == (code, out)
    database = project / "cache" / CACHE_FILE_NAME
    assert database.is_file()
    assert not database.with_name(CACHE_FILE_NAME + "-wal").exists()  # checkpointed at close
    return code, out


def test_every_page_but_the_header_garbled(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _filled_cache(project, capsys)
    database = project / "cache" / CACHE_FILE_NAME
    pages = _garble(database, [], seed=0)
    assert pages > 3
    _garble(database, list(range(2, pages + 1)), seed=1)

    code, out, err = _run(capsys)
    assert (code, out) == expected
    assert "Traceback" not in err
    assert "moved aside" in err
    assert any(".corrupt-" in p.name for p in database.parent.iterdir())
    assert _run(capsys)[:2] == expected  # the rebuilt cache answers alike


@pytest.mark.parametrize("where", [0.2, 0.5, 0.8, 1.0])
def test_one_garbled_page(project: Path, capsys: pytest.CaptureFixture[str], where: float) -> None:
    expected = _filled_cache(project, capsys)
    database = project / "cache" / CACHE_FILE_NAME
    pages = _garble(database, [], seed=0)
    page = max(2, round(pages * where))
    _garble(database, [page], seed=page)

    code, out, err = _run(capsys)
    assert (code, out) == expected
    assert "Traceback" not in err
    assert _run(capsys)[:2] == expected


def test_neither_the_cache_nor_the_project_index_waits_for_the_disk(tmp_path: Path) -> None:
    """``PRAGMA synchronous`` 0 (OFF) on both ways the cache file is opened."""
    from seedlint.cache import ResultCache
    from seedlint.project_index import ProjectIndex
    from seedlint.scratch import work_database

    with ResultCache(tmp_path / CACHE_FILE_NAME) as cache:
        assert cache.select("PRAGMA synchronous", {}) == [(0,)]
    index = ProjectIndex(work_database(), tmp_path, tmp_path)
    index.attach("project")
    assert index.conn.execute("PRAGMA store.synchronous").fetchone() == (0,)
    index.detach()
    index.conn.close()
