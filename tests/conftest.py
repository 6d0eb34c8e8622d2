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
