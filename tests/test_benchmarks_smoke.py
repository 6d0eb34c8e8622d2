"""The benchmark's synthetic seeds are valid seeds: seedlint finds nothing in them.

No timing here: speed goals live in ``benchmarks/bench_offline.py``, not in tests.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import seedlint
from tests.conftest import PROJECT

GENERATOR = PROJECT / "benchmarks" / "generate_seeds.py"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_seeds", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def test_generated_seeds_lint_clean(tmp_path: Path) -> None:
    generator = _load_generator()
    seeds, copies = tmp_path / "seeds", tmp_path / "yaml"
    assert generator.main(["--count", "20", "--out", str(seeds), "--yaml-copies", str(copies)]) == 0

    written = sorted(seeds.glob("*.txt"))
    assert len(written) == 20
    assert len(list(copies.glob("*.yaml"))) == 20
    result = seedlint.lint_paths([seeds], seedlint.Config(jobs=1))
    assert result.files_checked == 20
    assert [f"{d.location}: {d.code} {d.message}" for d in result.diagnostics] == []


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generator = _load_generator()
    first, second = tmp_path / "a", tmp_path / "b"
    generator.generate(5, first, seed=3)
    generator.generate(5, second, seed=3)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
