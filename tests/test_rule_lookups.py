"""Mechanism: the rules look up each field of a seed once, however many rules read it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from seedlint import lint_text
from seedlint.document import JsonPath, SeedDocument
from seedlint.rules import fields
from tests.conftest import FIXED_NOW

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_each_field_of_a_seed_is_walked_to_once(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: Counter[JsonPath] = Counter()
    find_text = fields._find_text

    def counting(document: SeedDocument, path: JsonPath) -> str | None:
        walks[path] += 1
        return find_text(document, path)

    seed = sorted(SEEDS.glob("*.txt"))[1]
    expected = lint_text(seed.read_bytes(), seed.name, now=FIXED_NOW)
    monkeypatch.setattr(fields, "_find_text", counting)
    assert lint_text(seed.read_bytes(), seed.name, now=FIXED_NOW) == expected
    assert walks, "the rules read no field"
    assert max(walks.values()) == 1, [path for path, count in walks.items() if count > 1]
    assert ("webUrl",) in walks
