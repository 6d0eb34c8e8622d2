"""The copy-paste recipes: .pre-commit-hooks.yaml and the README's CI and pre-commit sections.

The README's YAML blocks are parsed and the seedlint commands they run are run
here, so the documentation cannot drift from what works. The end-to-end test
runs the real ``pre-commit try-repo`` against this repository; it is skipped
only when pre-commit or git is missing, and never in CI (``CI`` is set there).

Note: ``try-repo`` on a repository with uncommitted changes tests a shadow
copy holding the committed files plus tracked modifications; brand-new files
must be at least ``git add``-ed to take part.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from seedlint.cli import main
from seedlint.diagnostics import ExitCode
from tests.conftest import CASES, PROJECT, REAL_SEED, SEEDS
from tests.reporting import diagnostic_from_command, sarif_validator

HOOKS_FILE = PROJECT / ".pre-commit-hooks.yaml"
README = PROJECT / "README.md"
BAD_SEED = CASES / "E003_quality_string.txt"


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def _tool(name: str) -> str | None:
    """The executable, preferring the one next to this Python (the project's venv)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def _require(*names: str) -> list[str]:
    found = [_tool(name) for name in names]
    missing = [name for name, path in zip(names, found, strict=True) if path is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} must be installed in CI")
        pytest.skip(f"{', '.join(missing)} not installed")
    return [path for path in found if path is not None]


# --- .pre-commit-hooks.yaml ---------------------------------------------------------------


def test_hook_ids_and_commands() -> None:
    hooks = _hooks()
    assert list(hooks) == ["seedlint", "seedlint-probe"]
    pyproject = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'seedlint = "seedlint.cli:main"' in pyproject  # the entry's executable exists
    for hook in hooks.values():
        assert hook["entry"] == "seedlint check"
        assert hook["language"] == "python"
    assert "stages" not in hooks["seedlint"]
    assert hooks["seedlint-probe"]["stages"] == ["manual"]
    assert hooks["seedlint-probe"]["args"] == ["--probe"]


@pytest.mark.parametrize(
    ("path", "linted"),
    [
        ("seeds/x.txt", True),
        ("seeds/000_a54de1b34b45f04b.txt", True),
        ("seeds/sub/article.md", True),
        ("site/seeds/x.txt", True),
        ("src/x.py", False),
        ("README.md", False),
        ("seeds/README.md", False),
        ("seeds/readme.md", False),
        ("seeds/README.txt", True),
        ("docs/seeds.md", False),
        ("seeds/x.py", False),
        ("seeds/x.txt.bak", False),
        ("myseeds/x.txt", False),
        ("seeds.txt", False),
        ("tests/cases/D001_month_13.txt", False),
    ],
)
def test_hook_files_pattern(path: str, linted: bool) -> None:
    for hook in _hooks().values():
        # pre-commit matches with re.search against the repository-relative path.
        picked = bool(re.search(hook["files"], path))
        picked = picked and not re.search(hook.get("exclude", "(?!)"), path)
        assert picked is linted, (hook["id"], path)


def test_manifest_is_valid_for_pre_commit() -> None:
    (pre_commit,) = _require("pre-commit")
    subprocess.run([pre_commit, "validate-manifest", str(HOOKS_FILE)], check=True)


# --- README -------------------------------------------------------------------------------


def _readme_section(heading: str) -> str:
    """The text under a ``## heading`` up to the next heading of that level."""
    text = README.read_text(encoding="utf-8")
    # Fenced blocks may hold lines starting with "#" (YAML comments); skip over them.
    parts = re.split(r"^(```.*?^```)$", text, flags=re.MULTILINE | re.DOTALL)
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for index, part in enumerate(parts):
        if index % 2:  # a fenced block
            if current is not None:
                current.append(part)
            continue
        for chunk in re.split(r"^(## .*)$", part, flags=re.MULTILINE):
            if chunk.startswith("## "):
                current = sections.setdefault(chunk.strip(), [])
            elif current is not None:
                current.append(chunk)
    assert f"## {heading}" in sections, f"README has no '## {heading}' section"
    return "".join(sections[f"## {heading}"])


def _yaml_blocks(section: str) -> list[Any]:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    return [yaml.safe_load(block) for block in blocks]


def _workflow() -> dict[Any, Any]:
    (workflow,) = _yaml_blocks(_readme_section("Use in CI"))
    return workflow


def _steps() -> list[dict[str, Any]]:
    (job,) = _workflow()["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _seedlint_runs() -> list[list[str]]:
    runs = [shlex.split(step["run"]) for step in _steps() if "run" in step]
    return [argv for argv in runs if argv[0] == "seedlint"]


def test_readme_sections_hold_one_recipe_each() -> None:
    for heading in ("Use in CI", "Use with pre-commit"):
        section = _readme_section(heading)
        assert len(_yaml_blocks(section)) == 1, heading
        assert "\n# " not in re.sub(r"```.*?```", "", section, flags=re.S), heading


def test_ci_recipe_shape() -> None:
    workflow = _workflow()
    # YAML 1.1 (PyYAML, and GitHub's parser) read the key `on` as True.
    assert {"push", "pull_request"} <= set(workflow.get(True) or workflow["on"])
    assert workflow["permissions"]["security-events"] == "write"
    steps = _steps()
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert any(step.get("run") == "python -m pip install ." for step in steps)
    (upload,) = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    ]
    assert upload["if"] == "always()"
    sarif_run, github_run = _seedlint_runs()
    assert sarif_run[sarif_run.index("--output-format") + 1] == "sarif"
    assert sarif_run[sarif_run.index("--output-file") + 1] == upload["with"]["sarif_file"]
    assert "--exit-zero" in sarif_run  # the upload must happen even when there are findings
    assert github_run[github_run.index("--output-format") + 1] == "github"
    assert "--exit-zero" not in github_run  # this step is the one that fails the job
    assert steps.index(upload) < [s.get("run") for s in steps].index(shlex.join(github_run))


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's seeds/ as the working folder, as in the CI job."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_ci_recipe_commands_pass_on_the_real_seeds(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif_run, github_run = _seedlint_runs()
    assert main(sarif_run[1:]) == ExitCode.OK
    log = json.loads((checkout / "seedlint.sarif").read_text(encoding="utf-8"))
    assert sarif_validator().is_valid(log)
    assert log["runs"][0]["results"] == []
    capsys.readouterr()
    assert main(github_run[1:]) == ExitCode.OK
    assert capsys.readouterr().out == ""


def test_ci_recipe_commands_report_a_bad_seed(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(BAD_SEED, checkout / "seeds" / "bad.txt")
    sarif_run, github_run = _seedlint_runs()
    assert main(sarif_run[1:]) == ExitCode.OK  # --exit-zero: the upload step still runs
    log = json.loads((checkout / "seedlint.sarif").read_text(encoding="utf-8"))
    assert sarif_validator().is_valid(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "E003"
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "seeds/bad.txt", "uriBaseId": "%SRCROOT%"}
    capsys.readouterr()
    assert main(github_run[1:]) == ExitCode.FINDINGS
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert diagnostic_from_command(line).path == "seeds/bad.txt"
    assert captured.err == "1  E003  wrong-type\n"  # --statistics, into the job log


def test_pre_commit_recipe_names_the_offered_hooks(tmp_path: Path) -> None:
    (config,) = _yaml_blocks(_readme_section("Use with pre-commit"))
    (repo,) = config["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == list(_hooks())
    assert repo["rev"].startswith("v")
    (pre_commit,) = _require("pre-commit")
    written = tmp_path / ".pre-commit-config.yaml"
    written.write_text(yaml.safe_dump(config), encoding="utf-8")
    subprocess.run([pre_commit, "validate-config", str(written)], check=True)


# --- the real pre-commit ------------------------------------------------------------------


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No PYTHONPATH or virtualenv leaking in; pip's network settings pass through."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "SSL_CERT_FILE"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key in keep or key.startswith("PIP_") or key.lower().endswith("_proxy")
    }
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["NO_COLOR"] = "1"
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.slow
def test_pre_commit_try_repo_end_to_end(tmp_path: Path) -> None:
    pre_commit, _git_exe = _require("pre-commit", "git")
    env = _clean_env(tmp_path)
    user = tmp_path / "user-repo"
    (user / "seeds").mkdir(parents=True)
    shutil.copy(REAL_SEED, user / "seeds" / "good.txt")
    shutil.copy(BAD_SEED, user / "seeds" / "bad.txt")
    (user / "notes.md").write_text("not a seed\n", encoding="utf-8")
    _git(user, env, "init", "-q")
    _git(user, env, "add", ".")

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                pre_commit,
                "try-repo",
                str(PROJECT),
                "seedlint",
                "--color",
                "never",
                "--files",
                *files,
            ],
            cwd=user,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    good = try_repo("seeds/good.txt", "notes.md")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"^seedlint\.+Passed$", good.stdout, flags=re.MULTILINE), good.stdout

    bad = try_repo("seeds/good.txt", "seeds/bad.txt", "notes.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"^seedlint\.+Failed$", bad.stdout, flags=re.MULTILINE), bad.stdout
    assert "seeds/bad.txt:9:10: E003 " in bad.stdout
    assert "notes.md" not in bad.stdout.split("Failed", 1)[1]  # filtered out by `files`
