"""The architecture holds: import-linter's contracts in pyproject.toml are kept.

The contracts (layers, no cycles, what reporters and the probe may see) live in
``[tool.importlinter]``; running them here makes the README's test command
enforce them, so a new cycle fails CI instead of growing quietly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT

SRC = PROJECT / "src"


def _lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package found under ``source_root`` with the project's contracts."""
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        f"sys.exit(lint_imports(config_filename={str(PROJECT / 'pyproject.toml')!r},"
        " no_cache=True, no_logo=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=source_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_contracts_are_kept() -> None:
    result = _lint_imports(SRC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_contracts(tmp_path: Path) -> None:
    """A rule reaching up into the engine, even lazily, is caught as a layer breach and a cycle."""
    shutil.copytree(SRC / "seedlint", tmp_path / "seedlint")
    fields = tmp_path / "seedlint" / "rules" / "fields.py"
    fields.write_text(
        fields.read_text(encoding="utf-8")
        + "\n\ndef _engine() -> object:\n    from seedlint import linter\n\n    return linter\n",
        encoding="utf-8",
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.endswith(" BROKEN")]
    assert broken == [
        "Layers: command line > engine > rules > document > catalogue BROKEN",
        "No import cycle between sibling modules, at any depth BROKEN",
        "Rules and documents do no network I/O BROKEN",  # through the engine, to httpx
    ]


MAX_MODULE_LINES = 600
"""A module longer than this does more than one job; split it along its concerns."""


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {
        path.relative_to(SRC).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in (SRC / "seedlint").rglob("*.py")
    }
    assert sizes, "no modules found"
    too_long = {path: lines for path, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, f"modules over {MAX_MODULE_LINES} lines: {too_long}"
