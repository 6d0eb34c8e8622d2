"""C010 across files: a pure function of the project's files at the time of the run.

Threat model: a pull request controls the bytes of every file it adds or
changes, their names and symlinks; it does not control the command line or
the root configuration. The person running seedlint may run it from any
folder, in any order, with any cache left by earlier runs. So C010 must give
the same findings as a fresh run with an empty cache, whatever the working
folder, the order of earlier runs or what the cache holds; it compares only
the seeds of the project (under the root, selected by include/exclude, in a
configured ``paths`` folder or in any ``seeds`` folder), reports only on the
linted files, and compares a file outside the project with nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedlint import cross_file, cross_file_queries, linter, project_index, scratch, served_rows
from seedlint import discovery as discovery_module
from seedlint.cli import main
from seedlint.config import CACHE_FILE_NAME as DATABASE_NAME
from seedlint.config import Config, load_config
from seedlint.diagnostics import Diagnostic
from seedlint.linter import lint_paths
from seedlint.project_index import FORMAT
from seedlint.rules import vocabulary
from seedlint.rules.vocabulary import KeywordFacts
from tests.conftest import CASES, FIXED_NOW, SEEDS, counting_scandir

SEED = (CASES / "valid" / "minimal.txt").read_text(encoding="utf-8")


def _seed(slug: str) -> str:
    return SEED.replace("/202010/eu-restrictions", f"/202010/{slug}")


def _project(root: Path, count: int = 2, duplicate: bool = True) -> list[Path]:
    (root / "seeds").mkdir(parents=True)
    files = []
    for number in range(count):
        url = "eu-restrictions" if duplicate and number < 2 else f"article-{number}"
        file = root / "seeds" / f"{number:03d}.txt"
        file.write_text(_seed(url), encoding="utf-8")
        files.append(file)
    return files


def _config(root: Path, cache: Path) -> Config:
    return Config(root=root, cache_dir=cache)


def _c010(result_diagnostics: list[Diagnostic]) -> list[tuple[str, int, int, str]]:
    return sorted(
        (d.path, d.line, d.column, d.message) for d in result_diagnostics if d.code == "C010"
    )


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust stamps at once: for tests that do not change files between runs."""
    monkeypatch.setattr(project_index, "RACY_NS", 0)


def test_linting_one_file_reports_only_that_file_naming_the_other(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, _ = _project(root)
    result = lint_paths([first], _config(root, cache), now=FIXED_NOW)
    assert [(d.path, d.line, d.column, d.code) for d in result.diagnostics] == [
        ("seeds/000.txt", 7, 9, "C010")
    ]
    assert "seeds/001.txt:7:9" in result.diagnostics[0].message


def test_only_the_named_file_gets_findings_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "project"
    _project(root, count=3)
    (root / "seeds" / "002.txt").write_text(_seed("eu-restrictions"), encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["check", "--no-cache", "seeds/002.txt"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[0] for line in out[:-1]] == ["seeds/002.txt:7:9"]
    assert "seeds/000.txt:7:9, seeds/001.txt:7:9" in out[0]
    assert out[-1] == "Found 1 error in 1 file (1 file checked)."


def test_two_projects_do_not_see_each_other(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a = _project(tmp_path / "a", count=1)
    b = _project(tmp_path / "b", count=1)
    assert lint_paths(a, _config(tmp_path / "a", cache), now=FIXED_NOW).diagnostics == []
    assert lint_paths(b, _config(tmp_path / "b", cache), now=FIXED_NOW).diagnostics == []


def test_second_run_reads_no_unchanged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
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
    monkeypatch.setattr(project_index, "RACY_NS", 0)
    # A changed file is read again, and its new webUrl counts.
    files[1].write_text(_seed("other"), encoding="utf-8")
    changed = lint_paths([files[0]], config, now=FIXED_NOW)
    assert changed.index_stats == {"hits": 4, "misses": 1}
    assert changed.diagnostics == []


def test_a_file_changed_within_one_clock_tick_is_read_again(tmp_path: Path) -> None:
    """Same size, and possibly the same mtime: the stamp alone cannot tell (racy git)."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, second = _project(root)
    config = _config(root, cache)
    assert len(lint_paths([first], config, now=FIXED_NOW).diagnostics) == 1
    second.write_text(_seed("eu-restrictionz"), encoding="utf-8")  # same size
    assert lint_paths([first], config, now=FIXED_NOW).diagnostics == []


@pytest.mark.parametrize("comment", ["# seedlint: ignore[C010]", "# SEEDLINT: Ignore[c010]"])
def test_inline_suppression_in_the_other_file_is_honoured(tmp_path: Path, comment: str) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, second = _project(root)
    text = second.read_text(encoding="utf-8").replace(
        'eu-restrictions"\ntype', f'eu-restrictions"  {comment}\ntype'
    )
    second.write_text(text, encoding="utf-8")
    assert [d.path for d in lint_paths([first, second], _config(root, cache)).diagnostics] == [
        "seeds/000.txt"
    ]


def test_corrupt_index_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, _ = _project(root)
    cache.mkdir()
    (cache / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    result = lint_paths([first], _config(root, cache), now=FIXED_NOW)
    assert len(result.diagnostics) == 1
    assert any(p.name.startswith(f"{DATABASE_NAME}.corrupt-") for p in cache.iterdir())
    assert any("moved aside" in notice for notice in result.notices)
    with sqlite3.connect(cache / DATABASE_NAME) as db:
        rows = db.execute(f"SELECT path FROM index_seeds_v{FORMAT}")
        assert sorted(row[0] for row in rows) == ["seeds/000.txt", "seeds/001.txt"]


def _tamper(cache: Path, sql: str, *parameters: object) -> None:
    """Run ``sql`` (statements separated by ";") on the cache file, as another program."""
    with contextlib.closing(sqlite3.connect(cache / DATABASE_NAME)) as db, db:
        for statement in sql.split(";"):
            db.execute(statement.replace("_v1", f"_v{FORMAT}"), parameters)


def test_damaged_or_planted_rows_are_dropped_and_their_seeds_read_again(
    tmp_path: Path, settled: None
) -> None:
    """Rows of the wrong type or out of range are not trusted: the seed is read again; rows
    of files that are not seeds of the project (planted in the cache) count for nothing."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _project(root, count=4)
    config = _config(root, cache)
    fresh = lint_paths([files[0]], Config(root=root, cache_dir=tmp_path / "fresh"), now=FIXED_NOW)
    assert len(fresh.diagnostics) == 1
    assert lint_paths([files[0]], config, now=FIXED_NOW).index_stats == {"hits": 0, "misses": 3}
    assert lint_paths([files[0]], config, now=FIXED_NOW).index_stats == {"hits": 3, "misses": 0}
    _tamper(cache, "UPDATE index_urls_v1 SET line = 0 WHERE path = 'seeds/001.txt'")
    _tamper(cache, "UPDATE index_seeds_v1 SET mtime_ns = 'x' WHERE path = 'seeds/002.txt'")
    _tamper(
        cache,
        "UPDATE index_values_v1 SET value = x'07' WHERE path = 'seeds/003.txt' AND field = 'type'",
    )
    _tamper(
        cache,
        "INSERT INTO index_urls_v1 SELECT project, 'seeds/planted.txt', key, url, 1, 1, 0"
        " FROM index_urls_v1 WHERE path = 'seeds/001.txt'",
    )
    again = lint_paths([files[0]], config, now=FIXED_NOW)
    assert again.index_stats == {"hits": 0, "misses": 3}
    assert again.diagnostics == fresh.diagnostics
    assert lint_paths([files[0]], config, now=FIXED_NOW).index_stats == {"hits": 3, "misses": 0}


def test_rows_another_run_writes_meanwhile_are_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """Stamps are compared once more inside the answer only when another connection wrote to
    the store after the stale seeds were listed; then a row it left at another stamp is
    read again."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _project(root, count=3, duplicate=False)
    config = _config(root, cache)
    assert lint_paths([files[0]], config, now=FIXED_NOW).diagnostics == []
    statements: list[str] = []
    real_database = cross_file.work_database

    def traced() -> sqlite3.Connection:
        conn = real_database()
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(cross_file, "work_database", traced)
    full_check = "SELECT EXISTS (SELECT 1 FROM walk w LEFT JOIN"
    assert lint_paths([files[0]], config, now=FIXED_NOW).diagnostics == []
    assert not any(full_check in statement for statement in statements)

    real_refresh = project_index.ProjectIndex.refresh
    meanwhile: list[str] = []

    def refresh(self: project_index.ProjectIndex, read: scratch.Reader) -> None:
        real_refresh(self, read)
        if not meanwhile:  # another run: 001's row at another stamp, sharing 000's webUrl
            meanwhile.append("wrote")
            _tamper(
                cache,
                "UPDATE index_urls_v1 SET key = (SELECT key FROM index_urls_v1"
                " WHERE path = 'seeds/000.txt') WHERE path = 'seeds/001.txt'",
            )
            _tamper(cache, "UPDATE index_seeds_v1 SET size = 1 WHERE path = 'seeds/001.txt'")

    monkeypatch.setattr(project_index.ProjectIndex, "refresh", refresh)
    statements.clear()
    result = lint_paths([files[0]], config, now=FIXED_NOW)
    assert (result.diagnostics, result.notices) == ([], [])
    assert any(full_check in statement for statement in statements)


def test_a_row_whose_path_is_lost_has_every_seed_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """Which seed lost its row cannot be told: all are read (one-file run; the run of a
    whole folder answered from the store is covered above)."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _variant_project(root, 12)
    config = _config(root, cache)
    fresh = lint_paths([files[-1]], _config(root, tmp_path / "fresh"), now=FIXED_NOW)
    assert [d.code for d in fresh.diagnostics] == ["C016"]
    lint_paths([files[-1]], config, now=FIXED_NOW)
    assert lint_paths([files[-1]], config, now=FIXED_NOW).index_stats == {"hits": 11, "misses": 0}
    _tamper(cache, "UPDATE index_values_v1 SET path = x'00' WHERE path = 'seeds/004.txt'")
    again = lint_paths([files[-1]], config, now=FIXED_NOW)
    assert again.diagnostics == fresh.diagnostics
    assert again.index_stats == {"hits": 0, "misses": 11}


def test_deleted_seeds_are_forgotten(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, second = _project(root)
    assert len(lint_paths([first], _config(root, cache), now=FIXED_NOW).diagnostics) == 1
    second.unlink()
    assert lint_paths([first], _config(root, cache), now=FIXED_NOW).diagnostics == []


def test_project_index_off_compares_the_linted_files_only(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, second = _project(root)
    # The result cache has its own switch (--no-cache); with both off nothing is written.
    config = Config(root=root, cache_dir=cache, project_index=False, cache=False)
    assert lint_paths([first], config, now=FIXED_NOW).diagnostics == []
    assert len(lint_paths([first, second], config, now=FIXED_NOW).diagnostics) == 2
    assert not cache.exists()


def test_duplicates_among_files_not_linted_are_not_reported(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _project(root, count=3, duplicate=True)  # 000 and 001 share a webUrl
    assert lint_paths([files[2]], _config(root, cache), now=FIXED_NOW).diagnostics == []


def test_a_file_outside_the_project_is_compared_with_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lint ../elsewhere/a/s.txt, delete it, lint a copy at ../elsewhere/b/s.txt."""
    project = tmp_path / "project"
    _project(project, count=1)
    elsewhere = tmp_path / "elsewhere"
    for folder in ("a", "b"):
        (elsewhere / folder).mkdir(parents=True)
    (elsewhere / "a" / "s.txt").write_text(_seed("eu-restrictions"), encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["check", "../elsewhere/a/s.txt"]) == 0
    shutil.rmtree(elsewhere / "a")
    (elsewhere / "b" / "s.txt").write_text(_seed("eu-restrictions"), encoding="utf-8")
    assert main(["check", "../elsewhere/b/s.txt"]) == 0
    assert "C010" not in capsys.readouterr().out


def test_one_file_by_relative_and_absolute_path_is_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    first, _ = _project(root, count=2, duplicate=False)
    monkeypatch.chdir(root)
    config = _config(root, cache)
    assert lint_paths([Path("seeds/000.txt")], config, now=FIXED_NOW).diagnostics == []
    assert lint_paths([first.resolve()], config, now=FIXED_NOW).diagnostics == []
    both = lint_paths([Path("seeds/000.txt"), first.resolve()], config, now=FIXED_NOW)
    assert both.diagnostics == [] and both.files_checked == 1


def test_seeds_in_a_nested_seeds_folder_are_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """site/seeds/ is accepted by the hook's pattern; C010 must see it as pre-commit runs it."""
    root = tmp_path / "repo"
    (root / "site" / "seeds").mkdir(parents=True)
    (root / "site" / "seeds" / "a.txt").write_text(_seed("x"), encoding="utf-8")
    (root / "site" / "seeds" / "b.txt").write_text(_seed("x"), encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "c.txt").write_text(_seed("x"), encoding="utf-8")  # not a seed folder
    monkeypatch.chdir(root)
    assert main(["check", "site/seeds/b.txt"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("site/seeds/b.txt:7:9: C010 ")
    assert "site/seeds/a.txt:7:9" in out and "docs/c.txt" not in out


def test_the_working_folder_does_not_change_c010(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped seeds, linted from their project and from another one, give one answer."""
    project, other = tmp_path / "project", tmp_path / "other"
    shutil.copytree(SEEDS, project / "seeds")
    (project / "seedlint.toml").write_text("", encoding="utf-8")
    shutil.copytree(SEEDS, other / "seeds")  # the same webUrls in another project
    (other / "seedlint.toml").write_text("", encoding="utf-8")
    outputs = []
    for cwd, target in (
        (project, "seeds"),
        (other, str(project / "seeds")),
        (project / "seeds", "."),
        (other, os.path.relpath(project / "seeds", other)),
    ):
        monkeypatch.chdir(cwd)
        main(["check", "--select", "C010", target])
        outputs.append(capsys.readouterr().out)
    assert outputs == [outputs[0]] * 4
    assert outputs[0] == "All clean: 6 files checked.\n"


def test_distinct_findings_at_one_place_stay_distinct() -> None:
    one = Diagnostic("a.txt", 1, 1, "E003", "expected an integer")
    two = Diagnostic("a.txt", 1, 1, "E003", "expected a string")
    assert one != two and len({one, two}) == 2
    assert sorted([one, two]) == sorted([two, one]) == [two, one]  # by message last


# -- the property: any history gives the answer of a fresh run -----------------

_PLACES = ("p1/seeds", "p1/site/seeds", "p1/docs", "p2/seeds", "outside")
_WORKING = (".", "p1", "p1/seeds", "p2", "outside")
_TARGETS = ("p1/seeds", "p1/site/seeds/s0.txt", "p1/seeds/s1.txt", "p2", "outside/s0.txt", "p1")

_write = st.tuples(
    st.just("write"), st.sampled_from(_PLACES), st.integers(0, 2), st.sampled_from("abc")
)
_delete = st.tuples(st.just("delete"), st.sampled_from(_PLACES), st.integers(0, 2))
_lint = st.tuples(st.just("lint"), st.sampled_from(_WORKING), st.sampled_from(_TARGETS))
_pause = st.tuples(st.just("pause"))


@contextlib.contextmanager
def _working_folder(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _run(
    top: Path, cwd: str, target: str, cache: Path, *, covering: bool = True
) -> list[tuple[str, int, int, str]]:
    folder = top / cwd
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(os.path.relpath(top / target, folder))
    if not (folder / path).exists():
        return []
    with _working_folder(folder), _covering(on=covering):
        config = load_config(None, [path]).with_overrides(cache_dir=cache)
        found = lint_paths([path], config, now=FIXED_NOW).diagnostics
        return sorted(
            (d.path, d.line, d.column, d.message)
            for d in found
            if d.code in ("C010", "C016", "C017")
        )


def _written(place: str, slug: str) -> str:
    """A seed whose webUrl ends in ``slug``; in a ``site`` folder, with a variant of its type."""
    return _seed(slug).replace("type: article", "type: artical") if "site" in place else _seed(slug)


@contextlib.contextmanager
def _covering(*, on: bool) -> Iterator[None]:
    """With ``on=False``, the project walk walks every folder again (discovery reports no
    folder as walked whole): the reference the shortcut is compared with."""
    real = linter.stream
    if not on:
        linter.stream = lambda *args, **kwargs: real(*args, **{**kwargs, "covered": None})  # type: ignore[assignment]
    try:
        yield
    finally:
        linter.stream = real  # type: ignore[assignment]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.one_of(_write, _write, _delete, _lint, _pause), min_size=1, max_size=16),
    served_from=st.sampled_from([0, project_index.SERVED_FROM]),
    linted_lookup=st.sampled_from([0, project_index.LINTED_LOOKUP]),
)
def test_any_history_gives_the_findings_of_a_fresh_run(
    steps: list[tuple[object, ...]],
    served_from: int,
    linted_lookup: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A short racy window, and pauses longer than it, so both the "trust the
    # stamp" and the "read it again" paths are taken; a clock tick is far shorter.
    monkeypatch.setattr(project_index, "RACY_NS", 30_000_000)
    # Unchanged linted files: answered from the store, or their rows copied.
    monkeypatch.setattr(project_index, "SERVED_FROM", served_from)
    # Linted files' stamps: looked up per folder batch in the walk, or stat()ed again.
    monkeypatch.setattr(project_index, "LINTED_LOOKUP", linted_lookup)
    # Any value is common enough for a rare variant (C016) in these small projects.
    monkeypatch.setattr(vocabulary, "COMMON_SEEDS", 1)
    monkeypatch.setattr(vocabulary, "COMMON_RATIO", 1)
    with tempfile.TemporaryDirectory() as name:
        top = Path(name)
        for project in ("p1", "p2"):
            (top / project).mkdir()
            (top / project / "seedlint.toml").write_text("", encoding="utf-8")
        cache = top / "cache"
        for number, step in enumerate(steps):
            if step[0] == "write":
                _, place, index, slug = step
                (top / str(place)).mkdir(parents=True, exist_ok=True)
                (top / str(place) / f"s{index}.txt").write_text(
                    _written(str(place), str(slug)), "utf-8"
                )
            elif step[0] == "delete":
                (top / str(step[1]) / f"s{step[2]}.txt").unlink(missing_ok=True)
            elif step[0] == "pause":
                import time

                time.sleep(0.04)
            else:
                _, cwd, target = step
                cached = _run(top, str(cwd), str(target), cache)
                fresh = _run(top, str(cwd), str(target), top / f"fresh-{number}", covering=False)
                assert cached == fresh


# -- the mechanism: SQL rows, no Python object per unchanged seed ------------------

_VARIANT = SEED.replace("type: article", "type: artical")


def _variant_project(root: Path, count: int) -> list[Path]:
    """``count`` seeds with distinct webUrls but two duplicates, and one rare keyword variant."""
    files = _project(root, count=count, duplicate=True)
    files[-1].write_text(_VARIANT.replace("eu-restrictions", "variant"), encoding="utf-8")
    return files


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count every stored text turned back into a Python string, and every seed read."""
    counts = {"decoded": 0, "read": 0}
    real_key, real_read = cross_file_queries.original_key, cross_file.read_seed_file

    def decoded(value: str) -> str:
        counts["decoded"] += 1
        return real_key(value)

    def read(*args: object) -> object:
        counts["read"] += 1
        return real_read(*args)  # type: ignore[arg-type]

    for module in (cross_file_queries, project_index, cross_file):
        monkeypatch.setattr(module, "original_key", decoded)
    monkeypatch.setattr(cross_file, "read_seed_file", read)
    return counts


def test_an_unchanged_project_is_answered_without_a_row_per_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """What a warm one-file run brings back to Python does not grow with the project."""
    decoded = []
    for count in (12, 48):
        root, cache = tmp_path / f"p{count}", tmp_path / f"cache{count}"
        files = _variant_project(root, count)
        config = _config(root, cache)
        cold = lint_paths([files[0], files[-1]], config, now=FIXED_NOW)
        assert sorted(d.code for d in cold.diagnostics) == ["C010", "C016"]
        counts = _counting(monkeypatch)
        warm = lint_paths([files[0], files[-1]], config, now=FIXED_NOW)
        monkeypatch.undo()
        monkeypatch.setattr(project_index, "RACY_NS", 0)
        assert warm.diagnostics == cold.diagnostics
        assert counts["read"] == 0  # no seed read by the cross-file pass
        decoded.append(counts["decoded"])
    assert decoded[0] == decoded[1]


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every seed the cross-file pass reads (rather than take from the index)."""
    read: list[Path] = []
    real = cross_file.read_seed_file

    def reading(path: Path, *rest: Any) -> Any:
        read.append(path)
        return real(path, *rest)

    monkeypatch.setattr(cross_file, "read_seed_file", reading)
    return read


def test_a_changed_seed_is_read_again_and_only_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _variant_project(root, 10)
    config = _config(root, cache)
    lint_paths([files[0]], config, now=FIXED_NOW)
    files[5].write_text(_seed("eu-restrictions"), encoding="utf-8")  # now a third duplicate
    read = _reads(monkeypatch)
    result = lint_paths([files[0]], config, now=FIXED_NOW)
    assert [path.name for path in read] == ["005.txt"]
    assert "seeds/005.txt:7:9" in result.diagnostics[0].message


def test_unchanged_linted_files_are_answered_from_their_stored_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """A warm run of the whole project copies no stored row of an unchanged linted file into
    the run's scratch tables: only the changed seed's facts are there, and the findings (the
    other seeds' C010 against it, the rare variant) are a fresh run's."""
    monkeypatch.setattr(project_index, "SERVED_FROM", 0)
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _variant_project(root, 12)
    config, folder = _config(root, cache), [root / "seeds"]
    cold = lint_paths(folder, config, now=FIXED_NOW)
    assert sorted(d.code for d in cold.diagnostics) == ["C010", "C010", "C016"]
    files[5].write_text(_seed("eu-restrictions"), encoding="utf-8")  # now a third duplicate
    scratch: list[tuple[object, ...]] = []
    real = cross_file.CrossFilePass._compare

    def compare(self: cross_file.CrossFilePass, *args: object) -> list[Diagnostic]:
        scratch.append(
            self.conn.execute(
                "SELECT (SELECT group_concat(path) FROM linted_urls),"
                " (SELECT group_concat(DISTINCT path) FROM linted_uses),"
                " (SELECT count(*) FROM linted_files WHERE known = 0)"
            ).fetchone()
        )
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cross_file.CrossFilePass, "_compare", compare)
    warm = lint_paths(folder, config, now=FIXED_NOW)
    assert warm.notices == []
    assert scratch == [("seeds/005.txt", "seeds/005.txt", 11)]
    fresh = lint_paths(folder, _config(root, tmp_path / "fresh"), now=FIXED_NOW)
    assert warm.diagnostics == fresh.diagnostics
    assert sorted(d.code for d in warm.diagnostics) == ["C010", "C010", "C010", "C016"]
    # Damaged rows of unchanged linted files: those files are read again, same findings.
    _tamper(cache, "UPDATE index_urls_v1 SET line = 0 WHERE path = 'seeds/001.txt'")
    _tamper(
        cache,
        "UPDATE index_values_v1 SET value = x'07' WHERE path = 'seeds/011.txt' AND field = 'type'",
    )
    scratch.clear()
    assert lint_paths(folder, config, now=FIXED_NOW).diagnostics == fresh.diagnostics
    read_again = ["seeds/001.txt", "seeds/011.txt"]
    assert [sorted(str(paths).split(",")) for paths in scratch[0][:2]] == [read_again] * 2


_PLANTED_USE = (
    "INSERT INTO index_uses_v1 SELECT project, 'seeds/003.txt', field, scope, value, 9, 7, 0"
    " FROM index_uses_v1 WHERE path = 'seeds/011.txt' AND field = 'type'"
)


@pytest.mark.parametrize("listed_up_to", [0, served_rows.LISTED_UP_TO])
@pytest.mark.parametrize(
    ("tamper", "read_again"),
    [
        # Rows an answer from the store reads: the seed is read again.
        ("UPDATE index_uses_v1 SET line = 0 WHERE path = 'seeds/011.txt'", ["011"]),
        ("UPDATE index_uses_v1 SET value = x'07' WHERE path = 'seeds/011.txt'", ["011"]),
        ("DELETE FROM index_uses_v1 WHERE path = 'seeds/011.txt'", ["011"]),
        ("UPDATE index_urls_v1 SET key = NULL WHERE path = 'seeds/001.txt'", ["001"]),
        ("UPDATE index_urls_v1 SET silenced = 7 WHERE path = 'seeds/000.txt'", ["000"]),
        ("UPDATE index_values_v1 SET scope = x'00' WHERE path = 'seeds/004.txt'", ["004"]),
        # A row whose path is lost: which seed it was cannot be told, so all are read.
        (
            "UPDATE index_values_v1 SET path = x'00' WHERE path = 'seeds/004.txt'",
            [f"{number:03d}" for number in range(12)],
        ),
        # Rows no answer reads are left alone, and a planted use counts for nothing.
        ("UPDATE index_uses_v1 SET line = 0 WHERE path = 'seeds/004.txt'", []),
        ("UPDATE index_urls_v1 SET line = 0 WHERE path = 'seeds/007.txt'", []),
        (_PLANTED_USE, []),
        # Damage of several kinds at once: each found in turn, still no fallback.
        (
            "UPDATE index_values_v1 SET value = x'07' WHERE path = 'seeds/009.txt';"
            "UPDATE index_urls_v1 SET key = NULL WHERE path = 'seeds/001.txt';"
            "UPDATE index_uses_v1 SET col = 0 WHERE path = 'seeds/011.txt'",
            ["001", "009", "011"],
        ),
    ],
)
@pytest.mark.usefixtures("settled")
def test_damaged_rows_that_take_part_in_an_answer_from_the_store_are_read_again(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tamper: str,
    read_again: list[str],
    listed_up_to: int,
) -> None:
    """A warm run answered from the stored rows gives a fresh run's findings whatever rows
    were damaged; only the seeds whose damaged rows would take part in it are read."""
    monkeypatch.setattr(project_index, "SERVED_FROM", 0)
    monkeypatch.setattr(served_rows, "LISTED_UP_TO", listed_up_to)
    root, cache = tmp_path / "project", tmp_path / "cache"
    _variant_project(root, 12)
    config, folder = _config(root, cache), [root / "seeds"]
    fresh = lint_paths(folder, _config(root, tmp_path / "fresh"), now=FIXED_NOW)
    assert sorted(d.code for d in fresh.diagnostics) == ["C010", "C010", "C016"]
    assert lint_paths(folder, config, now=FIXED_NOW).diagnostics == fresh.diagnostics
    _tamper(cache, tamper)
    read = _reads(monkeypatch)
    warm = lint_paths(folder, config, now=FIXED_NOW)
    assert (warm.diagnostics, warm.notices) == (fresh.diagnostics, [])
    assert sorted(path.stem for path in read) == read_again


def _pass_findings(
    config: Config,
    files: list[Path],
    *,
    unchanged: set[Path],
    bulk: bool = False,
    facts_first: bool = False,
) -> list[Diagnostic]:
    """The cross-file findings of ``files``, those in ``unchanged`` passed without facts (one
    by one, or with ``bulk`` in one add_unchanged_many call at the end). ``facts_first``: each
    of those is first passed with the facts of the file before it, which must not count."""
    from seedlint.linter import lint_file, make_context

    context = make_context(config, FIXED_NOW)
    scan = cross_file.CrossFilePass(config)
    rows: list[cross_file.StampRow] = []
    earlier = None
    for file in files:
        report = lint_file(file, context)
        assert report.stamp is not None
        if facts_first and file in unchanged and earlier is not None:
            assert earlier.web_url is not None and earlier.keywords is not None
            wrong = dataclasses.replace(earlier.web_url, path=report.path)
            uses = KeywordFacts(report.path, earlier.keywords.uses)
            scan.add(report.path, report.stamp, wrong, uses)
        if file not in unchanged:
            scan.add(report.path, report.stamp, report.web_url, report.keywords)
        elif bulk:
            stamp = report.stamp
            rows.append((report.path, *dataclasses.astuple(stamp)))
        else:
            scan.add_unchanged(report.path, report.stamp)
        earlier = report
        assert len(scan._files) < cross_file._BATCH  # streamed out, never piling up
    scan.add_unchanged_many(iter(rows))
    return scan.finish(lambda code, shown: True)


@pytest.mark.parametrize(("project_index_on", "served_from"), [(True, 0), (True, 500), (False, 0)])
def test_files_passed_without_facts_give_the_findings_of_files_passed_with_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settled: None,
    project_index_on: bool,
    served_from: int,
) -> None:
    """A result-cache hit hands the cross-file pass its stamp only: its facts come from the
    index row at that stamp (nothing read; copied, or answered from the store when there
    are many), else from the file; a suppression comment and a changed file are honoured."""
    monkeypatch.setattr(project_index, "SERVED_FROM", served_from)
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _variant_project(root, 12)
    text = files[1].read_text(encoding="utf-8")
    files[1].write_text(text.replace('"\ntype', '"  # seedlint: ignore[C010]\ntype'), "utf-8")
    config = Config(root=root, cache_dir=cache, project_index=project_index_on)
    given = _pass_findings(config, files, unchanged=set())
    assert sorted((d.path, d.code) for d in given) == [
        ("seeds/000.txt", "C010"),
        ("seeds/011.txt", "C016"),
    ]
    counts = _counting(monkeypatch)
    passed = _pass_findings(config, files, unchanged=set(files))
    assert passed == given
    # Besides lint_file's reading, the pass reads them only without an index to ask.
    assert counts["read"] == (0 if project_index_on else len(files))
    files[2].write_text(_seed("eu-restrictions"), encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setattr(project_index, "RACY_NS", 0)
    monkeypatch.setattr(project_index, "SERVED_FROM", served_from)
    assert _pass_findings(config, files, unchanged=set(files)) == _pass_findings(
        config, files, unchanged=set()
    )


@pytest.mark.parametrize("served_from", [0, 500])
def test_files_passed_in_bulk_give_the_findings_of_files_passed_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None, served_from: int
) -> None:
    """add_unchanged_many means what add_unchanged means row by row: also for names SQLite
    cannot store as text or that look escaped, over more than one batch, and for a file
    passed with (wrong) facts first: the last pass of a file wins."""
    monkeypatch.setattr(project_index, "SERVED_FROM", served_from)
    monkeypatch.setattr(cross_file, "_BATCH", 5)
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _variant_project(root, 12)
    odd = [
        root / "seeds" / os.fsdecode(b"bad\xff.txt"),
        root / "\ufdd0x" / "seeds" / "escaped-looking.txt",
        root / "seeds" / "\ufdd0.txt",
    ]
    odd[1].parent.mkdir(parents=True)
    for number, file in enumerate(odd):
        file.write_text(_seed("eu-restrictions" if number else f"odd-{number}"), "utf-8")
    files += odd
    config = _config(root, cache)
    given = _pass_findings(config, files, unchanged=set())
    assert sorted(d.code for d in given) == ["C010"] * 4 + ["C016"]
    for facts_first in (False, True):
        bulk = _pass_findings(
            config, files, unchanged=set(files[1:]), bulk=True, facts_first=facts_first
        )
        assert bulk == given
    assert _pass_findings(config, files, unchanged=set(files), bulk=True) == given


def test_counting_each_linted_value_or_whole_fields_gives_one_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few linted uses are counted one by one; many are matched against the rare values
    listed from the index, or (too many values to list) against every value counted whole:
    the findings agree, also for a linted file outside the seed folders (not walked, so its
    value is stored for no seed)."""
    root = tmp_path / "project"
    files = _variant_project(root, 9)
    files[4].write_text(_seed("own").replace("type: article", "type: articel"), "utf-8")
    draft = root / "drafts" / "draft.txt"
    draft.parent.mkdir()
    draft.write_text(_seed("draft").replace("type: article", "type: artikle"), "utf-8")
    answers = []
    for few, listed in ((0, 0), (0, served_rows.LISTED_UP_TO), (10_000, 0)):
        monkeypatch.setattr(cross_file_queries, "FEW_USES", few)
        monkeypatch.setattr(served_rows, "LISTED_UP_TO", listed)
        config = _config(root, tmp_path / f"cache-{few}-{listed}")
        answers.append(
            [
                lint_paths(targets, config, now=FIXED_NOW).diagnostics
                for targets in (
                    [files[0], files[-1]],
                    [root / "seeds"],
                    [files[3]],
                    [files[4]],
                    [root / "seeds", draft],
                )
            ]
        )
    assert answers[0] == answers[1] == answers[2]
    assert sorted(d.code for d in answers[0][1]) == ["C010", "C010", "C016", "C016"]
    assert [d.code for d in answers[0][3]] == ["C016"]
    assert ("drafts/draft.txt", "C016") in [(d.path, d.code) for d in answers[0][4]]


def test_the_project_walk_takes_a_folder_entry_by_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cross-file walk never holds a whole folder's entries: memory stays flat."""
    from seedlint import discovery

    root = tmp_path / "project"
    _project(root, count=40, duplicate=False)
    pulled: list[str] = []
    monkeypatch.setattr(discovery.os, "scandir", counting_scandir(pulled))
    seeds = discovery.project_seeds(root.resolve(), Config(root=root), batch=1)
    folder, first = next(seeds)
    assert folder == "seeds/" and len(first) == 1
    assert len(pulled) <= 3  # root entries and one seed
    assert sum(len(batch) for _, batch in seeds) == 39


# -- folders the per-file pass walked whole are not walked again ---------------------


def _covered_project(root: Path) -> None:
    """Seeds in ``seeds/`` (with a sub-folder) and in ``site/seeds/``: a webUrl shared across
    the two folders and within ``seeds/``, and a rare keyword variant."""
    (root / "seeds" / "sub").mkdir(parents=True)
    (root / "site" / "seeds").mkdir(parents=True)
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    for number in range(6):
        (root / "seeds" / f"s{number}.txt").write_text(_seed(f"a{number}"), encoding="utf-8")
    (root / "seeds" / "sub" / "twin.txt").write_text(_seed("a1"), encoding="utf-8")
    (root / "site" / "seeds" / "other.txt").write_text(_seed("a2"), encoding="utf-8")
    (root / "seeds" / "variant.txt").write_text(
        _VARIANT.replace("eu-restrictions", "variant"), encoding="utf-8"
    )


@pytest.mark.parametrize(
    "change",
    ["none", "link in the folder", "named file include leaves out", "seed changed"],
)
def test_a_folder_walked_whole_is_not_walked_again_and_gives_the_findings_of_a_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    root = tmp_path / "project"
    _covered_project(root)
    monkeypatch.chdir(root)
    named = [Path("seeds")]
    if change == "link in the folder":  # a link is linted, but is no seed of the project
        (root / "seeds" / "link.txt").symlink_to(root / "seeds" / "variant.txt")
    elif change == "named file include leaves out":  # linted, but no seed of the project
        (root / "seeds" / "draft.md").write_text(_seed("a4"), encoding="utf-8")
        named.append(Path("seeds/draft.md"))
    elif change == "seed changed":
        _run(tmp_path, "project", "project/seeds", tmp_path / "cache")
        (root / "site" / "seeds" / "other.txt").write_text(_seed("a5"), encoding="utf-8")

    def findings(*, covering: bool) -> list[Diagnostic]:
        config = load_config(None, named).with_overrides(cache_dir=tmp_path / "cache")
        with _covering(on=covering):
            return lint_paths(named, config, now=FIXED_NOW).diagnostics

    pulled: list[str] = []
    expected = findings(covering=False)
    monkeypatch.setattr(discovery_module.os, "scandir", counting_scandir(pulled))
    assert findings(covering=True) == expected
    assert {d.code for d in expected} >= {"C010", "C016"}
    walked_twice = change in ("link in the folder", "named file include leaves out")
    assert pulled.count("s0.txt") == (2 if walked_twice else 1)
    assert pulled.count("other.txt") == 1  # the other seeds folder is walked as ever


def test_walk_rows_leave_out_linted_seeds_and_mark_the_gone_ones(tmp_path: Path) -> None:
    """A batch's rows are sorted by name; a seed gone since it was listed has no stamp."""
    for name in ("b.txt", "a.txt", "c.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    entries = sorted(os.scandir(tmp_path), key=lambda entry: entry.name, reverse=True)
    names = [f"seeds/{entry.name}" for entry in entries]
    rows, gone = scratch.walk_rows(names, entries, frozenset({"seeds/b.txt"}))
    assert [row[0] for row in rows] == ["seeds/a.txt", "seeds/c.txt"] and not gone
    stat = (tmp_path / "a.txt").stat()
    assert rows[0][1:] == (5, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    (tmp_path / "c.txt").unlink()
    entries = sorted(os.scandir(tmp_path), key=lambda entry: entry.name)
    (tmp_path / "a.txt").unlink()  # listed, then gone
    rows, gone = scratch.walk_rows([entry.name for entry in entries], entries, frozenset())
    assert gone and rows == [("a.txt", None, None, None, None), rows[1]]
    assert rows[1][0] == "b.txt" and rows[1][1] == 5


def test_a_folder_walked_whole_whose_name_is_not_utf8_gives_the_findings_of_a_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request may add ``seeds/caf\\xff/``: its files' names are kept escaped in SQLite,
    and so is the folder's, which no text range can match."""
    root = tmp_path / "project"
    folder = root / "seeds" / os.fsdecode(b"caf\xff")
    folder.mkdir(parents=True)
    (root / "site" / "seeds").mkdir(parents=True)
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    (folder / "s0.txt").write_text(_seed("a1"), encoding="utf-8")
    (folder / os.fsdecode(b"tw\xfein.txt")).write_text(_seed("a1"), encoding="utf-8")
    (folder / "s2.txt").write_text(_seed("a2"), encoding="utf-8")
    (root / "site" / "seeds" / "other.txt").write_text(_seed("a2"), encoding="utf-8")
    monkeypatch.chdir(root)
    named = [Path("seeds") / folder.name]

    def findings(*, covering: bool) -> list[Diagnostic]:
        config = load_config(None, named).with_overrides(cache_dir=tmp_path / "cache")
        with _covering(on=covering):
            return lint_paths(named, config, now=FIXED_NOW).diagnostics

    expected = findings(covering=False)
    assert findings(covering=True) == expected
    assert [d.code for d in expected].count("C010") == 3  # the twins, and s2 with other.txt
