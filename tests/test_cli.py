"""The command line: exit codes, output shape, colour, rule documentation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.diagnostics import ExitCode
from seedlint.registry import all_rules
from tests.conftest import CASES, PROJECT, SEEDS


@pytest.fixture
def bad_seed(tmp_path: Path, real_seed_text: str) -> Path:
    seed = tmp_path / "bad.txt"
    seed.write_text(
        real_seed_text.replace("quality: 33", 'quality: "33"').replace("title:", "tittle:", 1)
    )
    return seed


def test_shipped_seeds_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS)]) == ExitCode.OK
    assert "All clean" in capsys.readouterr().out


def test_findings_exit_1_with_path_line_col_code(
    bad_seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(bad_seed), "--color", "never"]) == ExitCode.FINDINGS
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(':2:1: E001 error: front matter: missing required key "title"')
    assert lines[1].endswith(
        ':3:1: E002 error: unknown key "tittle" in the front matter; did you mean "title"?'
    )
    assert lines[2].endswith(':9:10: E003 error: quality: expected an integer, got the string "33"')
    assert lines[-1] == "Found 3 errors in 1 file (1 file checked)."


def test_warnings_pass_unless_strict(tmp_path: Path, real_seed_text: str) -> None:
    seed = tmp_path / "warn.txt"
    seed.write_text(
        real_seed_text.replace("category: news", "category: '1e3'  # fine").replace("'1e3'", "1e3")
    )
    assert main([str(seed), "--select", "S013"]) == ExitCode.OK
    assert main([str(seed), "--select", "S013", "--strict"]) == ExitCode.FINDINGS


def test_select_and_ignore_by_code_prefix_and_name(
    bad_seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(bad_seed), "--select", "E00", "--ignore", "E001,unknown-key", "-q"]) == 1
    out = capsys.readouterr().out
    assert "E003" in out and "E001" not in out and "E002" not in out


def test_unknown_rule_selector_is_a_usage_error(
    bad_seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(bad_seed), "--select", "Z999"]) == ExitCode.USAGE
    assert "unknown rule code or name: Z999" in capsys.readouterr().err


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope")]) == ExitCode.USAGE
    assert "no such file or folder" in capsys.readouterr().err


def test_bad_option_is_a_usage_error() -> None:
    assert main(["check", "--no-such-option"]) == ExitCode.USAGE


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == ExitCode.OK
    out = capsys.readouterr().out
    for rule in all_rules():
        assert rule.code in out and rule.name in out


def test_rule_shows_documentation_by_code_or_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "S007"]) == ExitCode.OK
    by_code = capsys.readouterr().out
    assert main(["rule", "duplicate-key"]) == ExitCode.OK
    assert capsys.readouterr().out == by_code
    assert by_code.startswith("S007 duplicate-key (error)")
    assert main(["rule", "X1"]) == ExitCode.USAGE


def test_every_rule_is_documented() -> None:
    for rule in all_rules():
        assert rule.summary.endswith(".") and len(rule.explanation.strip()) > 40, rule.code
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_codes_and_names_are_unique() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def _run(
    args: list[str], env: dict[str, str], cwd: Path = PROJECT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_colour_only_when_asked_and_never_with_no_color(bad_seed: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[" not in _run([str(bad_seed)], env).stdout  # not a terminal
    assert "\x1b[" in _run([str(bad_seed), "--color", "always"], env).stdout
    assert "\x1b[" not in _run([str(bad_seed)], {**env, "NO_COLOR": "1"}).stdout


def test_python_dash_m_defaults_to_the_seeds_folder() -> None:
    result = _run([], dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "file" in result.stdout and "checked" in result.stdout


def test_broken_cases_exit_1_in_a_subprocess_without_traceback() -> None:
    result = _run([str(CASES)], dict(os.environ))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr == ""


def test_rules_command_does_not_import_jsonschema_or_httpx() -> None:
    code = "import sys; from seedlint.cli import main; main(['rules']); print(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'httpx')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"


def test_check_does_not_import_httpx() -> None:
    code = f"import sys; from seedlint.cli import main; main([{str(SEEDS)!r}]); print('httpx' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "False"


def test_rules_reference_in_docs_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/rules.md is generated; regenerate with `seedlint rules --format markdown > docs/rules.md`."""
    assert main(["rules", "--format", "markdown"]) == ExitCode.OK
    generated = capsys.readouterr().out
    assert (PROJECT / "docs" / "rules.md").read_text(encoding="utf-8") == generated
    for rule in all_rules():
        assert f"### {rule.code} `{rule.name}`" in generated
