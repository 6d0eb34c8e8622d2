"""Shared fixtures: the project's folders and a fixed "now" for date rules."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
CASES = TESTS / "cases"
SEEDS = PROJECT / "seeds"
REAL_SEED = SEEDS / "000_a54de1b34b45f04b.txt"
FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
"""The instant case files are judged at, so date rules give the same answer every day."""


@pytest.fixture
def real_seed_text() -> str:
    return REAL_SEED.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never let a test read or write the user's real ~/.cache/seedlint."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


def defects_project(root: Path) -> Path:
    """``root`` as a project of seeds with defects of every kind, two sharing a webUrl (C010),
    linted in one process."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    for case in sorted(CASES.glob("*.txt")):
        shutil.copyfile(case, seeds / case.name)
    shutil.copyfile(REAL_SEED, seeds / "clean.txt")
    shutil.copyfile(REAL_SEED, seeds / "clean_twin.txt")
    (root / "seedlint.toml").write_text("jobs = 1\n")
    return root


def watched_scandir(taken: Callable[[os.DirEntry[str]], Any]) -> Any:
    """A stand-in for ``os.scandir`` that hands each entry to ``taken`` as it is taken and
    yields what ``taken`` returns."""
    real = os.scandir

    class Watched:
        def __init__(self, path: str) -> None:
            self.inner = real(path)

        def __enter__(self) -> Watched:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

        def __iter__(self) -> Iterator[Any]:
            return (taken(entry) for entry in self.inner)

    return Watched


def counting_scandir(pulled: list[str]) -> Any:
    """A stand-in for ``os.scandir`` that appends each entry's name to ``pulled`` as it is
    taken (to show that a folder is read entry by entry, not listed whole)."""

    def count(entry: os.DirEntry[str]) -> os.DirEntry[str]:
        pulled.append(entry.name)
        return entry

    return watched_scandir(count)
