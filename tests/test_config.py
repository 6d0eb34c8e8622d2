"""Configuration files: discovery, validation, per-file ignores, custom schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedlint import lint_paths
from seedlint.cli import main
from seedlint.config import Config, ConfigError, load_config
from seedlint.diagnostics import ExitCode


@pytest.fixture
def project(tmp_path: Path, real_seed_text: str) -> Path:
    seeds = tmp_path / "seeds" / "2020"
    seeds.mkdir(parents=True)
    (seeds / "good.txt").write_text(real_seed_text)
    other = real_seed_text.replace("-technology-exports", "-technology-exports-2")  # its own webUrl
    (seeds / "bad.txt").write_text(other.replace("quality: 33", 'quality: "33"'))
    (seeds / "notes.rst").write_text("not a seed")
    return tmp_path


def test_pyproject_is_found_by_walking_up(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.seedlint]\nignore = ["E003"]\n')
    config = load_config(None, [project / "seeds" / "2020"])
    assert config.ignore == ("E003",) and config.root == project.resolve()
    assert lint_paths([project / "seeds"], config).diagnostics == []


def test_pyproject_without_our_table_is_skipped(project: Path) -> None:
    (project / "seeds" / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    (project / "seedlint.toml").write_text('select = ["S"]\n')
    config = load_config(None, [project / "seeds" / "2020" / "bad.txt"])
    assert (
        config.source == (project / "seedlint.toml").resolve()
        or config.source == project / "seedlint.toml"
    )
    assert config.select == ("S",)


def test_default_paths_and_include(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["-q"]) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    assert out.startswith("seeds/2020/bad.txt:9:10: E003")
    assert "notes.rst" not in out


def test_exclude_globs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "seedlint.toml").write_text('exclude = ["*/bad.txt"]\n')
    assert main([str(project / "seeds")]) == ExitCode.OK


def test_per_file_ignores(project: Path) -> None:
    (project / "seedlint.toml").write_text(
        '[per-file-ignores]\n"seeds/2020/bad.*" = ["wrong-type"]\n'
    )
    config = load_config(None, [project / "seeds"])
    assert lint_paths([project / "seeds"], config).diagnostics == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("selct = ['E']\n", "unknown option 'selct'"),
        ("max-file-size = 'big'\n", "max-file-size: expected a whole number"),
        ("ignore = [1]\n", "ignore: expected a list of strings"),
        ("strict = 'yes'\n", "strict: expected true or false"),
        ("this is not toml\n", "cannot read configuration"),
        ("schema = 'missing.json'\n", "cannot read schema"),
        ("select = ['NOPE']\n", "unknown rule code or name: NOPE"),
    ],
)
def test_bad_config_exits_2_with_a_clear_message(
    project: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seedlint.toml").write_text(content)
    assert main([str(project / "seeds")]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_explicit_config_flag(project: Path) -> None:
    other = project / "other.toml"
    other.write_text('ignore = ["E"]\n')
    assert main(["--config", str(other), str(project / "seeds")]) == ExitCode.OK
    assert (
        main(["--config", str(project / "absent.toml"), str(project / "seeds")]) == ExitCode.USAGE
    )


def test_invalid_schema_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text(json.dumps({"type": 12}))
    (tmp_path / "seedlint.toml").write_text('schema = "schema.json"\n')
    (tmp_path / "s.txt").write_text("---\na: 1\n---\n")
    assert main([str(tmp_path / "s.txt")]) == ExitCode.USAGE


def test_custom_schema_with_other_keywords_reports_e007(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"kind": {"not": {"const": "forbidden"}}},
        "$defs": {"loop": {"$ref": "#/$defs/loop"}},
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "seedlint.toml").write_text('schema = "schema.json"\n')
    (tmp_path / "s.txt").write_text("---\nkind: forbidden\n---\n")
    assert main([str(tmp_path / "s.txt"), "--color", "never"]) == ExitCode.FINDINGS
    assert "s.txt:2:7: E007 error: kind:" in capsys.readouterr().out


def test_config_is_immutable() -> None:
    with pytest.raises(AttributeError):
        Config().strict = True  # type: ignore[misc]


def test_config_error_type() -> None:
    with pytest.raises(ConfigError):
        load_config(Path("/nonexistent/seedlint.toml"))
