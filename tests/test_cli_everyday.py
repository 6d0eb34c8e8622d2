"""Everyday command-line use: standard input, configuration errors with positions, quiet nothings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.diagnostics import ExitCode


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.fixture
def project(tmp_path: Path, real_seed_text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "seedlint.toml").write_text('[per-file-ignores]\n"seeds/legacy/*" = ["E003"]\n')
    (tmp_path / "seeds" / "legacy").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- standard input


def test_stdin_is_linted_under_the_given_name(
    project: Path,
    real_seed_text: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = real_seed_text.replace("quality: 33", 'quality: "33"')
    _stdin(monkeypatch, bad.encode())
    assert main(["check", "-", "--stdin-filename", "seeds/x.txt", "--color", "never"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        'seeds/x.txt:9:10: E003 error: quality: expected an integer, got the string "33"'
    )
    assert out.endswith("Found 1 error in 1 file (1 file checked).\n")


def test_stdin_name_is_used_for_config_matching(
    project: Path,
    real_seed_text: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stdin(monkeypatch, real_seed_text.replace("quality: 33", 'quality: "33"').encode())
    monkeypatch.chdir(project / "seeds")  # the name is relative to the working folder
    assert main(["-", "--stdin-filename", "legacy/x.txt"]) == ExitCode.OK
    assert "All clean" in capsys.readouterr().out


def test_stdin_fix_writes_the_fixed_text_to_stdout(
    project: Path,
    real_seed_text: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    padded = real_seed_text.replace('title: "', 'title: " ', 1)
    assert padded != real_seed_text
    _stdin(monkeypatch, padded.encode())
    code = main(["-", "--fix", "--stdin-filename", "seeds/x.txt", "--color", "never"])
    captured = capsys.readouterr()
    assert code == ExitCode.OK
    assert captured.out == real_seed_text
    assert "All clean" in captured.err


def test_stdin_without_a_name_is_shown_as_dash(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, b"no front matter\n")
    assert main(["-", "-q", "--select", "S001"]) == ExitCode.FINDINGS
    assert capsys.readouterr().out.startswith("-:1:1: S001")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-", "seeds"], "cannot be combined with other paths"),
        (["-", "--probe"], "--probe needs files"),
        (["-", "--shard", "1/2"], "--shard needs files"),
        (["seeds", "--stdin-filename", "x.txt"], "--stdin-filename needs -"),
    ],
)
def test_stdin_misuse_is_a_usage_error(
    project: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == ExitCode.USAGE
    assert message in capsys.readouterr().err


# --- configuration errors


def test_unknown_option_has_position_snippet_and_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seedlint.toml").write_text('strict = true\n  selct = ["E"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["."]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert (
        "seedlint: error: seedlint.toml:2:3: unknown option 'selct'; did you mean \"select\"?\n"
        '   2 |   selct = ["E"]\n'
        "     |   ^^^^^\n"
    ) in err
    assert "known options" not in err


def test_bad_value_in_pyproject_points_at_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.seedlint]\nstrict = true\nprobe-per-host = 0\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["."]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "pyproject.toml:6:1: probe-per-host: expected a whole number ≥ 1, got 0" in err


def test_toml_syntax_error_has_a_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seedlint.toml").write_text("strict = true\nselect = [\n")
    monkeypatch.chdir(tmp_path)
    assert main(["."]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert (
        "seedlint.toml:2:11: cannot read configuration: Invalid value at the end" in err
        and "Traceback" not in err
    )


def test_tool_seedlint_table_is_accepted_in_seedlint_toml(
    tmp_path: Path, real_seed_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seedlint.toml").write_text('[tool.seedlint]\nignore = ["E003"]\n')
    (tmp_path / "s.txt").write_text(real_seed_text.replace("quality: 33", 'quality: "33"'))
    assert main([str(tmp_path / "s.txt")]) == ExitCode.OK


def test_tool_seedlint_table_mixed_with_top_level_options_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seedlint.toml").write_text('strict = true\n[tool.seedlint]\nignore = ["E003"]\n')
    assert main([str(tmp_path)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert ":1:1: seedlint.toml has both a [tool.seedlint] table and other settings" in err
    assert "put every option at the top level" in err


def test_unknown_codes_in_per_file_ignores_are_warned(
    tmp_path: Path, real_seed_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seedlint.toml").write_text(
        '[per-file-ignores]\n"seeds/*" = ["E003"]\n"legacy/*" = ["E0022", "wrong-type"]\n'
    )
    (tmp_path / "s.txt").write_text(real_seed_text)
    assert main([str(tmp_path / "s.txt")]) == ExitCode.OK
    err = capsys.readouterr().err
    assert (
        "seedlint: warning: seedlint.toml:3:1: per-file-ignores 'legacy/*': "
        "unknown rule code or name 'E0022'; it silences nothing"
    ) in err.replace(str(tmp_path) + "/", "")
    assert "wrong-type" not in err and "E003" not in err


# --- quiet nothings


def test_no_seed_files_is_a_warning_and_fails_only_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "seeds"
    empty.mkdir()
    (empty / "notes.rst").write_text("not a seed")
    assert main([str(empty)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "warning: no seed files found in " in err and "seeds (looked for *.txt, *.md" in err
    assert main([str(empty), "--strict", "-q"]) == ExitCode.FINDINGS
    assert "warning: no seed files found" in capsys.readouterr().err


def test_readme_beside_the_seeds_is_not_linted(
    tmp_path: Path, real_seed_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "README.md").write_text("# Our seeds\n\nOne article per file.\n")
    (seeds / "a.txt").write_text(real_seed_text)
    assert main([str(seeds)]) == ExitCode.OK
    assert "1 file checked" in capsys.readouterr().out
    # Named explicitly it is linted, as every named file is.
    assert main([str(seeds / "README.md"), "-q"]) == ExitCode.FINDINGS


def test_diff_with_probe_is_refused_clearly(
    tmp_path: Path, real_seed_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(real_seed_text)
    assert main([str(tmp_path / "a.txt"), "--diff", "--probe"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "--diff shows only the offline fixes" in err and "--fix --probe" in err


def test_bad_per_file_ignores_entry_points_at_its_glob(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seedlint.toml").write_text(
        'strict = true\n\n[per-file-ignores]\n"a/*" = ["E003"]\n"b/*" = "E0[3]"\n"c/*" = 3\n'
    )
    assert main([str(tmp_path)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "seedlint.toml:6:1: per-file-ignores: c/*: expected a list of strings, got 3" in err
    assert '   6 | "c/*" = 3\n     | ^^^^^\n' in err


def test_a_whole_table_of_the_wrong_type_points_at_its_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seedlint.toml").write_text("strict = true\n\n[select]\nE = true\n")
    assert main([str(tmp_path)]) == ExitCode.USAGE
    assert "seedlint.toml:3:1: select: expected a list of strings" in capsys.readouterr().err


def test_every_command_line_flag_maps_to_a_known_option(
    tmp_path: Path, real_seed_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from seedlint.cli import _command_line_options, build_parser
    from seedlint.config.options import OPTION_BY_KEY

    args = build_parser().parse_args(["check"])
    assert set(_command_line_options(args)) <= set(OPTION_BY_KEY)
    (tmp_path / "a.txt").write_text(real_seed_text)
    assert main([str(tmp_path / "a.txt"), "--refresh", "--no-cache", "-q"]) == ExitCode.OK
    assert "internal error" not in capsys.readouterr().err
