"""C010 across files: duplicates found against the whole project, through the on-disk index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from seedlint import cross_file
from seedlint.config import CACHE_FILE_NAME as DATABASE_NAME
from seedlint.config import Config
from seedlint.linter import lint_paths
from seedlint.project_index import NAMESPACE, FileStamp, ProjectIndex, WebUrlFact
from tests.conftest import CASES, FIXED_NOW

SEED = (CASES / "valid" / "minimal.txt").read_text(encoding="utf-8")


def _project(root: Path, count: int = 2, duplicate: bool = True) -> list[Path]:
    (root / "seeds").mkdir(parents=True)
    files = []
    for number in range(count):
        url = "eu-restrictions" if duplicate and number < 2 else f"article-{number}"
        text = SEED.replace("/202010/eu-restrictions", f"/202010/{url}")
        file = root / "seeds" / f"{number:03d}.txt"
        file.write_text(text, encoding="utf-8")
        files.append(file)
    return files


def _config(root: Path, cache: Path) -> Config:
    return Config(root=root, cache_dir=cache)


def test_linting_one_file_reports_the_duplicate_at_both_places(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, _ = _project(root)
    result = lint_paths([first], _config(root, cache), now=FIXED_NOW)
    got = sorted((d.path, d.line, d.column, d.code) for d in result.diagnostics)
    assert got == [("seeds/000.txt", 7, 9, "C010"), ("seeds/001.txt", 7, 9, "C010")]
    assert "seeds/001.txt:7:9" in result.diagnostics[0].message


def test_two_projects_do_not_see_each_other(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a = _project(tmp_path / "a", count=1)
    b = _project(tmp_path / "b", count=1)
    assert lint_paths(a, _config(tmp_path / "a", cache), now=FIXED_NOW).diagnostics == []
    assert lint_paths(b, _config(tmp_path / "b", cache), now=FIXED_NOW).diagnostics == []


def test_second_run_reads_no_unchanged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _project(root, count=6)
    config = _config(root, cache)
    cold = lint_paths([files[0]], config, now=FIXED_NOW)
    assert cold.index_stats == {"hits": 0, "misses": 5}
    warm = lint_paths([files[0]], config, now=FIXED_NOW)
    assert warm.index_stats == {"hits": 5, "misses": 0}
    assert warm.diagnostics == cold.diagnostics

    # Proof that nothing is read besides the linted file: reading any other seed fails.
    def no_reading(path: Path, *args: object) -> object:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(cross_file, "read_seed_file", no_reading)
    again = lint_paths([files[0]], config, now=FIXED_NOW)
    assert again.diagnostics == cold.diagnostics
    monkeypatch.undo()
    # A changed file is read again, and its new webUrl counts.
    files[1].write_text(SEED.replace("/202010/eu-restrictions", "/202010/other"), encoding="utf-8")
    changed = lint_paths([files[0]], config, now=FIXED_NOW)
    assert changed.index_stats == {"hits": 4, "misses": 1}
    assert changed.diagnostics == []


def test_inline_suppression_in_the_other_file_is_honoured(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, second = _project(root)
    text = second.read_text(encoding="utf-8").replace(
        'eu-restrictions"\ntype', 'eu-restrictions"  # seedlint: ignore[C010]\ntype'
    )
    second.write_text(text, encoding="utf-8")
    result = lint_paths([first], _config(root, cache), now=FIXED_NOW)
    assert [(d.path, d.code) for d in result.diagnostics] == [("seeds/000.txt", "C010")]


def test_corrupt_index_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, _ = _project(root)
    cache.mkdir()
    (cache / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    result = lint_paths([first], _config(root, cache), now=FIXED_NOW)
    assert len(result.diagnostics) == 2
    assert any(p.name.startswith(f"{DATABASE_NAME}.corrupt-") for p in cache.iterdir())
    assert any("moved aside" in notice for notice in result.notices)
    with sqlite3.connect(cache / DATABASE_NAME) as db:
        rows = db.execute("SELECT key FROM entries WHERE namespace LIKE ?", (NAMESPACE + "%",))
        assert sorted(row[0] for row in rows) == ["seeds/000.txt", "seeds/001.txt"]


def test_index_is_shared_between_runs_and_finds_groups_in_sqlite(tmp_path: Path) -> None:
    stamp = FileStamp(10, 20)
    fact = WebUrlFact("https://a.example/x", 7, 9, key="https://a.example/x")
    with ProjectIndex.open(tmp_path, tmp_path) as one:
        one.record("a.txt", stamp, fact, linted=True)
        other = WebUrlFact("https://a.example/y", 7, 9, key="https://a.example/y")
        one.record("b.txt", stamp, other, linted=True)
        assert one.shared_web_urls() == []
    with ProjectIndex.open(tmp_path, tmp_path) as two:
        assert two.stamps() == {"a.txt": (10, 20, False), "b.txt": (10, 20, False)}
        assert two.shared_web_urls() == []  # no seed of this run takes part: nothing to report
        two.record("c.txt", stamp, fact, linted=True)
        groups = two.shared_web_urls()
        assert [[(s.path, s.this_run) for s in group] for group in groups] == [
            [("a.txt", False), ("c.txt", True)]
        ]
        two.record("d.txt", stamp, other, linted=False)  # read by the scan, not linted
        two.record("e.txt", stamp, other, linted=False)
        assert len(two.shared_web_urls()) == 1  # b/d/e share a url, but none is linted now
        two.forget(["a.txt"])
        assert two.shared_web_urls() == []
    with sqlite3.connect(tmp_path / DATABASE_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_deleted_seeds_are_forgotten(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, second = _project(root)
    assert len(lint_paths([first], _config(root, cache), now=FIXED_NOW).diagnostics) == 2
    second.unlink()
    assert lint_paths([first], _config(root, cache), now=FIXED_NOW).diagnostics == []


def test_project_index_can_be_turned_off(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, _ = _project(root)
    config = Config(root=root, cache_dir=cache, project_index=False)
    assert lint_paths([first], config, now=FIXED_NOW).diagnostics == []
    assert not cache.exists()


def test_duplicates_among_files_not_linted_are_not_reported(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _project(root, count=3, duplicate=True)  # 000 and 001 share a webUrl
    assert lint_paths([files[2]], _config(root, cache), now=FIXED_NOW).diagnostics == []
