"""The embeddable Python API: typed findings from text or paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import seedlint
from seedlint import Config, Diagnostic, Severity, lint_paths, lint_text
from tests.conftest import REAL_SEED, SEEDS


def test_lint_text_returns_typed_sorted_findings(real_seed_text: str) -> None:
    text = real_seed_text.replace("heat: -1", "heat: -2").replace("quality: 33", "quality: 3.5")
    findings = lint_text(text, "mine.txt")
    assert all(isinstance(d, Diagnostic) for d in findings)
    assert [(d.path, d.line, d.column, d.code, d.severity) for d in findings] == [
        ("mine.txt", 9, 10, "E003", Severity.ERROR),
        ("mine.txt", 10, 7, "E004", Severity.ERROR),
    ]
    assert findings[0].location == "mine.txt:9:10"


def test_lint_paths_on_the_shipped_seeds() -> None:
    result = lint_paths([SEEDS])
    shipped = [p for p in SEEDS.iterdir() if p.suffix in (".txt", ".md")]
    assert result.diagnostics == [] and result.files_checked == len(shipped) >= 6


def test_parallel_and_serial_runs_agree(tmp_path: Path, real_seed_text: str) -> None:
    for index in range(150):
        text = (
            real_seed_text if index % 3 else real_seed_text.replace("heat: -1", f"heat: {-index}")
        )
        (tmp_path / f"{index:03d}.txt").write_text(text)
    shutil.copy(REAL_SEED, tmp_path / "real.txt")
    serial = lint_paths([tmp_path], Config(root=tmp_path, jobs=1))
    parallel = lint_paths([tmp_path], Config(root=tmp_path, jobs=2))
    assert serial.diagnostics == parallel.diagnostics
    heat_findings = [d for d in serial.diagnostics if d.code == "E004"]
    assert len(heat_findings) == 49  # index 0 has heat 0, which is valid
    assert {d.code for d in serial.diagnostics} == {"E004", "C010"}  # all copies share a webUrl
    assert serial.files_checked == parallel.files_checked == 151


def test_public_names() -> None:
    assert set(seedlint.__all__) <= set(dir(seedlint)) | {
        name for name in seedlint.__all__ if hasattr(seedlint, name)
    }
    assert seedlint.lint_text is lint_text
