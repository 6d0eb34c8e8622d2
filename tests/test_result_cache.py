"""The result cache never changes a result; it only saves linting unchanged files again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint import lint_text, linter
from seedlint.cache import ResultCache, kept_as_they_are, original_key, stored_key
from seedlint.cli import main
from seedlint.config import CACHE_FILE_NAME, Config
from seedlint.result_cache import CLEAN_NAMESPACE, NAMESPACE, TIME_DEPENDENT
from tests.conftest import CASES, FIXED_NOW, PROJECT, REAL_SEED, defects_project

FORMATS = ("text", "json")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of seeds with defects of every kind, two sharing a webUrl (C010)."""
    root = defects_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def _run(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", "--cache-dir", "cache", *options])
    return code, capsys.readouterr().out


def _assert_cache_changes_nothing(capsys: pytest.CaptureFixture[str], *options: str) -> None:
    """Cold (whatever is stored), warm and uncached runs print the same bytes, every format."""
    for output in FORMATS:
        uncached = _run(capsys, "--no-cache", "--output-format", output, *options)
        first = _run(capsys, "--output-format", output, *options)
        second = _run(capsys, "--output-format", output, *options)
        assert first == uncached
        assert second == uncached


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the per-file pass checks (rather than take from the cache)."""
    parsed: list[str] = []
    original = linter._finish

    def counting(result: Any, shown: str, *args: Any) -> Any:
        parsed.append(shown)
        return original(result, shown, *args)

    monkeypatch.setattr(linter, "_finish", counting)
    return parsed


def test_cold_warm_and_edited_runs_print_the_same_bytes_as_uncached_runs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = project / "seeds"
    _assert_cache_changes_nothing(capsys)
    assert _run(capsys)[0] == 1

    # Edit files: fix one, break another, delete one, add a third twin (C010).
    fixed = seeds / "E003_quality_string.txt"
    fixed.write_text(fixed.read_text(encoding="utf-8").replace('quality: "33"', "quality: 33"))
    broken = seeds / "clean.txt"
    broken.write_text(broken.read_text(encoding="utf-8").replace("quality: 33", "quality: -3"))
    (seeds / "E002_typo_tittle.txt").unlink()
    shutil.copyfile(REAL_SEED, seeds / "clean_triplet.txt")
    _assert_cache_changes_nothing(capsys)

    # Change the configuration: ignores, per-file ignores, a limit.
    (project / "seedlint.toml").write_text(
        'jobs = 1\nignore = ["C003"]\nmax-file-size = 4000\n'
        '[per-file-ignores]\n"seeds/D*" = ["D"]\n'
    )
    _assert_cache_changes_nothing(capsys)
    _assert_cache_changes_nothing(capsys, "--select", "E,C010")

    # Change the schema: a copy that also limits quality to 10.
    schema = json.loads((PROJECT / "schemas" / "seed.schema.json").read_text(encoding="utf-8"))
    schema["$defs"]["quality"]["maximum"] = 10
    (project / "mine.schema.json").write_text(json.dumps(schema))
    (project / "seedlint.toml").write_text('jobs = 1\nschema = "mine.schema.json"\n')
    _assert_cache_changes_nothing(capsys)
    schema["$defs"]["quality"]["maximum"] = 100
    (project / "mine.schema.json").write_text(json.dumps(schema))
    _assert_cache_changes_nothing(capsys)


def test_parallel_runs_print_the_same_bytes_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(70):  # above the threshold for a worker pool
        text = REAL_SEED.read_text(encoding="utf-8")
        (project / "seeds" / f"copy{index:02d}.txt").write_text(
            text.replace("/202010/", f"/202010/{index}-")
        )
    _assert_cache_changes_nothing(capsys, "-j", "2")


def test_unchanged_files_are_not_linted_again(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _parses(monkeypatch)
    _run(capsys)
    total = len(parsed)
    assert total > 40
    parsed.clear()
    _run(capsys)
    assert parsed == []
    seed = project / "seeds" / "clean.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("heat: -1", "heat: 5"))
    _run(capsys)
    assert parsed == ["seeds/clean.txt"]
    parsed.clear()
    _run(capsys, "--no-cache")
    assert len(parsed) == total


def test_no_cache_neither_reads_nor_writes(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capsys, "--no-cache")
    database = project / "cache" / CACHE_FILE_NAME
    if database.exists():
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                "SELECT COUNT(*) FROM entries WHERE namespace LIKE ?", (NAMESPACE + "%",)
            ).fetchone()
        assert rows == (0,)
    _run(capsys)
    parsed = _parses(monkeypatch)
    _run(capsys, "--no-cache")
    assert len(parsed) > 40


def test_damaged_entries_are_dropped_and_relinted(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _run(capsys, "--no-cache")
    _run(capsys)
    database = project / "cache" / CACHE_FILE_NAME
    with sqlite3.connect(database) as connection:
        keys = [
            key
            for (key,) in connection.execute(
                "SELECT key FROM entries WHERE namespace LIKE ? ORDER BY key", (NAMESPACE + "%",)
            )
        ]
        damage = ["not json", "[]", '{"digest": 1}', json.dumps({"digest": "x", "findings": 3})]
        # A well-formed entry whose content changed on disk (its own check no longer fits).
        (value,) = connection.execute(
            "SELECT value FROM entries WHERE namespace LIKE ? AND key = ?",
            (NAMESPACE + "%", keys[len(damage)]),
        ).fetchone()
        check, altered = json.loads(value)
        assert altered["findings"], "the first files have findings"
        altered["findings"][0][4] = "a message the linter never wrote"
        damage.append(json.dumps([check, altered]))
        for key, value in zip(keys, damage, strict=False):
            connection.execute(
                "UPDATE entries SET value = ? WHERE namespace LIKE ? AND key = ?",
                (value, NAMESPACE + "%", key),
            )
    parsed = _parses(monkeypatch)
    assert _run(capsys) == expected
    damaged = keys[: len(damage)]
    assert sorted(parsed) == sorted(damaged)  # keys are display paths
    parsed.clear()
    assert _run(capsys) == expected
    assert parsed == []


def test_a_future_date_is_judged_again_as_time_passes(tmp_path: Path) -> None:
    seed = tmp_path / "seeds" / "future.txt"
    seed.parent.mkdir()
    text = REAL_SEED.read_text(encoding="utf-8")
    soon = FIXED_NOW + timedelta(days=10)
    seed.write_text(text.replace("2020-10-19T00:00:00Z", soon.strftime("%Y-%m-%dT%H:%M:%SZ"), 1))
    config = Config(root=tmp_path, jobs=1, cache_dir=tmp_path / "cache")
    uncached = Config(root=tmp_path, jobs=1, cache_dir=tmp_path / "cache", cache=False)
    moments = [FIXED_NOW, FIXED_NOW + timedelta(days=30), FIXED_NOW, FIXED_NOW]
    for now in moments:
        with_cache = linter.lint_paths([seed], config, now=now).diagnostics
        without = linter.lint_paths([seed], uncached, now=now).diagnostics
        assert with_cache == without
        assert [(d.message) for d in with_cache] == [d.message for d in without]
    assert "D003" in {d.code for d in linter.lint_paths([seed], config, now=FIXED_NOW).diagnostics}


def test_concurrent_runs_share_the_cache_safely(project: Path) -> None:
    command = [sys.executable, "-m", "seedlint", "check", "--cache-dir", "cache", "-j", "1"]
    expected = subprocess.run(
        [*command, "--no-cache"], cwd=project, capture_output=True, text=True, check=False
    ).stdout
    runs = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert outputs == [expected] * 3
    again = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert again.stdout == expected


def test_judged_now_is_recorded_for_every_entry(project: Path) -> None:
    config = Config(root=project, jobs=1, cache_dir=project / "cache")
    linter.lint_paths([project / "seeds"], config, now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    with sqlite3.connect(project / "cache" / CACHE_FILE_NAME) as connection:
        values = [
            json.loads(value)[1]
            for (value,) in connection.execute(
                "SELECT value FROM entries WHERE namespace LIKE ?", (NAMESPACE + "%",)
            )
        ]
    assert values
    assert {entry["now"] for entry in values} == {
        datetime(2030, 1, 1, tzinfo=timezone.utc).timestamp()
    }


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every file whose bytes the cached path reads."""
    read: list[Path] = []
    original = linter._read_raw

    def counting(file: Path, max_size: int) -> bytes | None:
        read.append(file)
        return original(file, max_size)

    monkeypatch.setattr(linter, "_read_raw", counting)
    return read


def test_settled_unchanged_files_are_not_even_read(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _run(capsys, "--no-cache")
    read = _reads(monkeypatch)
    _run(capsys)  # the files were just written: stored without a trusted stamp
    time.sleep(1.2)  # now they have settled
    assert _run(capsys) == expected  # read once more, and their stamps stored
    read.clear()
    assert _run(capsys) == expected
    assert read == []


def test_a_rewrite_that_keeps_size_and_mtime_is_still_noticed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = project / "seeds" / "clean.txt"
    _run(capsys)
    time.sleep(1.2)
    _run(capsys)  # stamps of settled files stored
    before = seed.stat()
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("quality: 33", "quality: -3"), encoding="utf-8")
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    assert seed.stat().st_size == before.st_size
    assert _run(capsys) == _run(capsys, "--no-cache")
    assert "E004" in _run(capsys)[1]


@pytest.mark.parametrize("case", sorted(CASES.rglob("*.txt")), ids=lambda p: p.name)
def test_only_time_dependent_findings_change_with_the_clock_and_only_disappear(
    case: Path,
) -> None:
    """What lets an entry judged earlier stand later: time passing never adds a finding,
    and only codes listed in TIME_DEPENDENT change."""
    raw = case.read_bytes()
    earlier = {(d.line, d.column, d.code, d.message) for d in lint_text(raw, now=FIXED_NOW)}
    later_now = FIXED_NOW + timedelta(days=365 * 200)
    later = {(d.line, d.column, d.code, d.message) for d in lint_text(raw, now=later_now)}
    assert later <= earlier
    assert {code for _, _, code, _ in earlier - later} <= TIME_DEPENDENT


def test_a_run_that_writes_sweeps_expired_result_entries_and_retired_layouts_only(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys)
    database = project / "cache" / CACHE_FILE_NAME
    rows = [("results:1:an-old-fingerprint", "a"), ("probe:links:x", "b")]
    with sqlite3.connect(database) as connection:
        for namespace, key in rows:
            connection.execute("INSERT INTO entries VALUES (?, ?, '{}', 0, 1)", (namespace, key))
        # An earlier version's project index entry, which never expires: a layout no one reads.
        connection.execute("INSERT INTO entries VALUES ('project-index:5:x', 'c', '{}', 0, NULL)")
    seed = project / "seeds" / "clean.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("heat: -1", "heat: 7"))
    _run(capsys)
    with sqlite3.connect(database) as connection:
        left = connection.execute(
            "SELECT namespace FROM entries WHERE key IN ('a', 'b', 'c') ORDER BY namespace"
        ).fetchall()
    assert left == [("probe:links:x",)]


def test_a_run_on_a_few_named_files_leaves_the_result_cache_alone(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    named = ["seeds/clean.txt", "seeds/clean_twin.txt"]
    expected = _run(capsys, "--no-cache", *named)
    opened: list[object] = []
    monkeypatch.setattr(linter.ResultStore, "for_config", lambda *a: opened.append(a))
    assert _run(capsys, *named) == expected
    assert opened == []
    _run(capsys, "seeds")  # a folder: the cache is used
    assert len(opened) == 1


def _clean_copies(project: Path, count: int) -> list[str]:
    """``count`` clean seeds (each with its own webUrl); their display paths."""
    text = REAL_SEED.read_text(encoding="utf-8")
    shown = []
    for index in range(count):
        name = f"seeds/copy{index:02d}.txt"
        (project / name).write_text(text.replace("/202010/", f"/202010/{index}-"))
        shown.append(name)
    return shown


def _answered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file whose stored entry is opened in the parent (not proven clean)."""
    opened: list[str] = []
    original = linter._answered

    def counting(found: Any, sealed: str, context: Any) -> Any:
        opened.append(found.shown)
        return original(found, sealed, context)

    monkeypatch.setattr(linter, "_answered", counting)
    return opened


def _clean_records(project: Path) -> dict[str, str]:
    with sqlite3.connect(project / "cache" / CACHE_FILE_NAME) as connection:
        rows = connection.execute(
            "SELECT key, value FROM entries WHERE namespace LIKE ?", (CLEAN_NAMESPACE + "%",)
        ).fetchall()
    return dict(rows)  # keyed by display path


def _settled_cache(capsys: pytest.CaptureFixture[str]) -> None:
    """Runs that leave every file's entry and clean record stored at a settled stamp."""
    _run(capsys)
    time.sleep(1.2)
    _run(capsys)


def test_clean_unchanged_files_are_proven_by_their_clean_records_alone(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_copies(project, 5)
    uncached = Config(root=project, jobs=1, cache=False)
    flagged = {
        d.path
        for d in linter.lint_paths([project / "seeds"], uncached).diagnostics
        if d.code != "C010"  # a cross-file finding: the file itself is clean
    }
    seeds = {f"seeds/{path.name}" for path in (project / "seeds").iterdir()}
    clean = seeds - flagged
    assert {"seeds/clean.txt", "seeds/clean_twin.txt", "seeds/copy04.txt"} <= clean
    expected = _run(capsys, "--no-cache")
    _settled_cache(capsys)
    assert set(_clean_records(project)) == clean
    opened, read = _answered(monkeypatch), _reads(monkeypatch)
    assert _run(capsys) == expected
    assert read == []
    assert opened, "files with findings open their entries"
    assert not set(opened) & set(clean)


def test_damaged_or_planted_clean_records_prove_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = _clean_copies(project, 5)
    expected = _run(capsys, "--no-cache")
    _settled_cache(capsys)
    records = _clean_records(project)
    judged, seal, rest = records[copies[1]].split(" ", 2)
    earlier = f"{float(judged) - 3600!r}"
    damage = {
        copies[0]: "not a record",
        copies[1]: f"{earlier} {seal} {rest}",  # judged earlier: the seal no longer fits
        copies[2]: f"{judged} {'0' * len(seal)} {rest}",
        copies[3]: f"nan {seal} {rest}",
        # A record copied onto a file with findings (a planted "clean").
        "seeds/E003_quality_string.txt": records[copies[4]],
    }
    with sqlite3.connect(project / "cache" / CACHE_FILE_NAME) as connection:
        for shown, value in damage.items():
            connection.execute(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, 0, NULL)",
                (f"{CLEAN_NAMESPACE}{_fingerprint_of(connection)}", shown, value),
            )
    opened = _answered(monkeypatch)
    assert _run(capsys) == expected
    assert set(damage) <= set(opened)


def _fingerprint_of(connection: sqlite3.Connection) -> str:
    (namespace,) = connection.execute(
        "SELECT DISTINCT namespace FROM entries WHERE namespace LIKE ?", (CLEAN_NAMESPACE + "%",)
    ).fetchone()
    return str(namespace)[len(CLEAN_NAMESPACE) :]


def test_a_file_that_gains_findings_loses_its_clean_record(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _settled_cache(capsys)
    assert "seeds/clean.txt" in _clean_records(project)
    seed = project / "seeds" / "clean.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("quality: 33", "quality: -3"))
    _run(capsys)
    assert "seeds/clean.txt" not in _clean_records(project)


def test_a_clean_record_judged_after_the_run_s_now_is_not_trusted(project: Path) -> None:
    config = Config(root=project, jobs=1, cache_dir=project / "cache")
    later = FIXED_NOW + timedelta(days=3650)
    linter.lint_paths([project / "seeds"], config, now=later)
    time.sleep(1.2)
    linter.lint_paths([project / "seeds"], config, now=later)  # settled: records stored
    assert "seeds/clean.txt" in _clean_records(project)
    judged = float(_clean_records(project)["seeds/clean.txt"].split(" ")[0])
    assert judged == later.timestamp()
    uncached = Config(root=project, jobs=1, cache=False)
    assert (
        linter.lint_paths([project / "seeds"], config, now=FIXED_NOW).diagnostics
        == linter.lint_paths([project / "seeds"], uncached, now=FIXED_NOW).diagnostics
    )


_KEYS = st.lists(
    st.one_of(
        st.text(max_size=12).filter(lambda key: "\0" not in key),
        st.sampled_from(["\ufdd0", "\ufdd0abc", "a\udcff", "s\u00e9e", "x\ufdd0"]),
    ),
    max_size=6,
    unique=True,
)


@given(keys=_KEYS)
def test_keys_kept_as_they_are_are_exactly_those_stored_as_they_are(keys: list[str]) -> None:
    assert kept_as_they_are(keys) == all(stored_key(key) == key for key in keys)


@settings(max_examples=50, deadline=None)
@given(keys=_KEYS, missing=_KEYS)
def test_values_of_a_batch_are_those_stored_under_its_keys(
    tmp_path_factory: pytest.TempPathFactory, keys: list[str], missing: list[str]
) -> None:
    with ResultCache(tmp_path_factory.mktemp("cache") / "c.sqlite3") as cache:
        cache.put_many(
            "n", [(key, f"v{index}") for index, key in enumerate(keys)], None, encoded=True
        )
        asked = [*keys, *(key for key in missing if key not in keys)]
        assert cache.values_of("n", asked) == {key: f"v{index}" for index, key in enumerate(keys)}


def test_a_cold_run_looks_nothing_up_and_a_warm_run_finds_everything(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    real = ResultCache.values_of

    def counting(self: ResultCache, namespace: str, keys: list[str]) -> dict[str, str]:
        asked.append(len(keys))
        return real(self, namespace, keys)

    monkeypatch.setattr(ResultCache, "values_of", counting)
    expected = _run(capsys, "--no-cache")
    assert _run(capsys) == expected
    assert asked == []  # an empty cache: no file is looked up
    parsed = _parses(monkeypatch)
    assert _run(capsys) == expected
    assert asked and parsed == []


def test_a_project_linted_from_another_folder_is_answered_from_the_cache(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _run(capsys, "--no-cache")
    _settled_cache(capsys)
    parsed = _parses(monkeypatch)
    monkeypatch.chdir(project / "seeds")
    capsys.readouterr()
    code = main(["check", "--cache-dir", "../cache", "."])
    assert (code, capsys.readouterr().out) == expected
    assert parsed == []


def test_a_file_name_that_is_not_utf8_is_cached_without_a_clean_record(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request may add ``caf\\xff.txt``: its clean record cannot be stored as text, so
    it has none, and its cache entry answers for it instead."""
    name = os.fsdecode(b"caf\xff.txt")
    shutil.copyfile(REAL_SEED, project / "seeds" / name)
    expected = _run(capsys, "--no-cache")
    _settled_cache(capsys)
    parsed = _parses(monkeypatch)
    assert _run(capsys) == expected
    assert parsed == []
    assert f"seeds/{name}" not in {original_key(key) for key in _clean_records(project)}


def test_values_of_more_keys_than_one_statement_binds_come_from_several_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedlint import cache

    monkeypatch.setattr(cache, "KEYS_PER_QUERY", 3)
    with ResultCache(tmp_path / "c.sqlite3") as store:
        store.put_many("n", [(f"k{i}", f"v{i}") for i in range(0, 10, 2)], None, encoded=True)
        assert store.values_of("n", [f"k{i}" for i in range(10)]) == {
            f"k{i}": f"v{i}" for i in range(0, 10, 2)
        }
