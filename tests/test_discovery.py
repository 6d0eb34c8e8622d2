"""Discovery streams the files to lint: each once, shown as display_path shows it, and
without resolving (or remembering) every file it walks."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from seedlint import discovery, linter, result_cache
from seedlint.cli import main
from seedlint.config import Config
from seedlint.discovery import DiscoveryError, display_path, stream
from tests.conftest import REAL_SEED, counting_scandir, watched_scandir


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with seeds in a folder and a subfolder, and a folder outside it."""
    project = tmp_path / "project"
    (project / "seeds" / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sub/c.txt", "sub/d.txt"):
        (project / "seeds" / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "e.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    monkeypatch.chdir(project)
    return project


def _shown(names: list[str], root: Path) -> list[str]:
    config = Config(root=root)
    return [
        found.shown or display_path(Path(found.path), root)
        for found in stream([Path(name) for name in names], config)
    ]


@pytest.mark.parametrize(
    "named",
    [
        ["seeds", "seeds"],
        ["seeds", "seeds/sub"],
        ["seeds/sub", "seeds"],
        ["seeds/a.txt", "seeds"],
        ["seeds", "seeds/a.txt", "seeds/sub/c.txt"],
        ["seeds", "link"],
        ["seeds", "seeds/../seeds"],
    ],
)
def test_a_file_reachable_twice_is_yielded_once(root: Path, named: list[str]) -> None:
    (root / "link").symlink_to(root / "seeds", target_is_directory=True)
    shown = _shown(named, root)
    assert Counter(shown) == Counter(
        ["seeds/a.txt", "seeds/b.txt", "seeds/sub/c.txt", "seeds/sub/d.txt"]
    )


def test_a_walk_keeps_its_sorted_order_and_named_files_their_place(root: Path) -> None:
    assert _shown(["seeds/sub/d.txt", "seeds"], root) == [
        "seeds/sub/d.txt",
        "seeds/a.txt",
        "seeds/b.txt",
        "seeds/sub/c.txt",
    ]


def test_what_discovery_shows_is_what_display_path_shows(root: Path, tmp_path: Path) -> None:
    (root / "seeds" / "to_a.txt").symlink_to("a.txt")
    (root / "seeds" / "out.txt").symlink_to(tmp_path / "outside" / "e.txt")
    named = [Path("seeds"), tmp_path / "outside", Path("seeds/sub/c.txt"), Path("seeds/out.txt")]
    found = list(stream(named, Config(root=root)))
    assert len(found) == 7  # six walked in seeds/, one outside; the named two are among them
    for item in found:
        if item.shown is not None:
            assert item.shown == display_path(Path(item.path), root)
    known = {Path(item.path).name for item in found if item.shown is not None}
    # Links and files outside the root are left for the linter to resolve (S015 ...).
    assert known == {"a.txt", "b.txt", "c.txt", "d.txt"}


def test_a_walk_resolves_per_folder_not_per_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    original = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        nonlocal calls
        calls += 1
        return original(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    config = Config(root=root)
    assert len(list(stream([Path("seeds")], config))) == 4
    few = calls
    for n in range(200):
        (root / "seeds" / f"more{n}.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    calls = 0
    assert len(list(stream([Path("seeds")], config))) == 204
    assert calls == few


def test_a_missing_path_fails_before_anything_is_yielded(root: Path) -> None:
    with pytest.raises(DiscoveryError, match=r"nothing\.txt"):
        stream([Path("seeds"), Path("nothing.txt")], Config(root=root))


def test_an_unchanged_project_is_answered_without_workers_nor_decoded_facts(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(150):
        text = REAL_SEED.read_text(encoding="utf-8").replace("/202010/", f"/202010/{n}-")
        (root / "seeds" / f"seed{n:03d}.txt").write_text(text, encoding="utf-8")
    argv = ["check", "seeds", "--cache-dir", "cache", "-j", "2"]
    monkeypatch.setattr("seedlint.project_index.RACY_NS", 0)  # every stamp counts as settled
    started: list[int] = []
    real_start = linter._start_pool

    def counting(jobs: int, context: object) -> object:
        started.append(jobs)
        return real_start(jobs, context)  # type: ignore[arg-type]

    monkeypatch.setattr(linter, "_start_pool", counting)
    cold = main(argv), capsys.readouterr().out
    assert started == [2]
    started.clear()
    decoded: list[str] = []
    real_decode = result_cache.decode_uses

    def counting_decode(path: str, rows: object) -> object:
        decoded.append(path)
        return real_decode(path, rows)

    monkeypatch.setattr(result_cache, "decode_uses", counting_decode)
    assert (main(argv), capsys.readouterr().out) == cold
    assert started == []
    assert decoded == []  # the cross-file pass takes unchanged seeds' facts from its index


def test_an_unordered_stream_takes_a_big_folder_entry_by_entry(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linting without probing never holds a whole big folder; small ones stay sorted."""
    pulled: list[str] = []
    for n in range(40):
        (root / "seeds" / "sub" / f"more{n:02d}.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(discovery.os, "scandir", counting_scandir(pulled))
    monkeypatch.setattr(discovery, "SORTED_UP_TO", 8)
    found = stream([Path("seeds")], Config(root=root), ordered=False)
    first = [next(found).shown for _ in range(2)]
    assert first == ["seeds/a.txt", "seeds/b.txt"]  # seeds/ has 3 entries: sorted
    assert len(pulled) == 3
    rest = [next(found).shown]
    # seeds/sub/ has 42 entries: its first file comes once 8 are read, not all 42
    assert len(pulled) == 3 + 8
    rest += [item.shown for item in found]
    assert len(pulled) == 3 + 42 and len(rest) == 42
    assert rest == [f"seeds/sub/{name}" for name in pulled[3:]]  # as the folder lists them


@pytest.mark.parametrize(
    ("named", "covered"),
    [
        (["seeds"], ["seeds/"]),
        (["."], [""]),
        (["seeds", "seeds/sub"], ["seeds/", "seeds/sub/"]),
        (["seeds/sub", "seeds/a.txt"], ["seeds/sub/"]),
        (["seeds/a.txt", "seeds"], []),  # a file named below it: linted whatever include says
        (["../outside"], []),  # not the project's
        (["link"], ["seeds/"]),  # a link to a folder of the project: walked as that folder
    ],
)
def test_a_folder_walked_whole_is_reported_as_covered_once_walked(
    root: Path, named: list[str], covered: list[str]
) -> None:
    (root / "link").symlink_to(root / "seeds", target_is_directory=True)
    reported: list[str] = []
    files = stream([Path(name) for name in named], Config(root=root), covered=reported)
    next(files)
    assert reported == []  # not before the folder was walked whole
    list(files)
    assert reported == covered


def test_a_folder_holding_a_link_is_not_covered(root: Path) -> None:
    (root / "seeds" / "sub" / "e.txt").symlink_to(root / "seeds" / "a.txt")
    reported: list[str] = []
    list(stream([Path("seeds/sub"), Path("seeds")], Config(root=root), covered=reported))
    assert reported == []


@pytest.mark.parametrize("by_descriptor", [True, False])
def test_the_project_walk_lists_the_same_seeds_with_or_without_descriptors(
    root: Path, monkeypatch: pytest.MonkeyPatch, by_descriptor: bool
) -> None:
    (root / "seeds" / "link.txt").symlink_to(root / "seeds" / "a.txt")
    (root / "docs").mkdir()
    (root / "docs" / "f.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    monkeypatch.setattr(discovery, "BY_DESCRIPTOR", by_descriptor)
    walked = sorted(
        (folder + entry.name, entry.stat().st_ino)
        for folder, batch in discovery.project_seeds(root.resolve(), Config(root=root))
        for entry in batch or ()
    )
    assert walked == sorted(
        (name, (root / name).stat().st_ino)
        for name in ("seeds/a.txt", "seeds/b.txt", "seeds/sub/c.txt", "seeds/sub/d.txt")
    )


def test_a_big_folder_s_first_entries_are_let_go_as_they_are_taken(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat: the entries listed to see whether a folder is small are not all kept
    while the rest of it is walked."""
    import weakref

    alive: weakref.WeakSet[Any] = weakref.WeakSet()

    class Entry:  # a folder entry that can be watched (os.DirEntry takes no weak reference)
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry, self.name, self.path = entry, entry.name, entry.path
            alive.add(self)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.entry, name)

    for n in range(40):
        (root / "seeds" / "sub" / f"more{n:02d}.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(discovery.os, "scandir", watched_scandir(Entry))
    monkeypatch.setattr(discovery, "SORTED_UP_TO", 8)
    found = stream([Path("seeds/sub")], Config(root=root), ordered=False)
    for _ in range(12):  # past the first 8 entries
        next(found)
    assert len(alive) <= 2
    assert len(list(found)) == 42 - 12


def test_a_folder_holding_the_root_shows_the_files_under_the_root(root: Path) -> None:
    """Named above the project root (``seedlint check ..``), a walk still shows the files that
    lie under the root by their display path, and the others not."""
    found = list(stream([root.parent], Config(root=root), ordered=True))
    shown = {Path(item.path).name: item.shown for item in found}
    assert shown["a.txt"] == "seeds/a.txt" and shown["c.txt"] == "seeds/sub/c.txt"
    assert shown["e.txt"] is None  # outside the root
    for item in found:
        if item.shown is not None:
            assert item.shown == display_path(Path(item.path), root)
