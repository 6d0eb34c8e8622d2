"""Shared fixtures: the project's folders and a fixed "now" for date rules."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

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
