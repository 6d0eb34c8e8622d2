"""The report options of ``seedlint check``: formats, --output-file, --statistics, --quiet,
--exit-zero and ``output-format`` in the configuration."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.diagnostics import ExitCode
from tests.conftest import CASES, REAL_SEED
from tests.reporting import diagnostic_from_command, sarif_validator

BAD_SEED = CASES / "E003_quality_string.txt"
WARNING_SEED = CASES / "S013_yaml11_boolean.txt"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder, the working folder, with one good and one bad seed in seeds/."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(REAL_SEED, seeds / "good.txt")
    shutil.copy(BAD_SEED, seeds / "bad.txt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def test_json_to_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "seeds", "--output-format", "json"]) == ExitCode.FINDINGS
    document = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["line"], f["column"], f["code"]) for f in document["findings"]] == [
        ("seeds/bad.txt", 9, 10, "E003")
    ]
    assert document["summary"]["files_checked"] == 2


def test_sarif_to_a_file_is_valid_and_stdout_stays_empty(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "seeds", "--output-format", "sarif", "--output-file", "out.sarif"])
    assert code == ExitCode.FINDINGS
    assert capsys.readouterr().out == ""
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    assert sarif_validator().is_valid(log)
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    assert [r["ruleId"] for r in run["results"]] == ["E003"]
    assert [p.name for p in project.iterdir() if p.name.endswith(".tmp")] == []


def test_github_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "seeds", "--output-format", "github"]) == ExitCode.FINDINGS
    (line,) = capsys.readouterr().out.splitlines()
    finding = diagnostic_from_command(line)
    assert (finding.path, finding.line, finding.column, finding.code) == (
        "seeds/bad.txt",
        9,
        10,
        "E003",
    )


def test_junit_lists_clean_files_too(project: Path) -> None:
    assert main(["check", "--output-format", "junit", "--output-file", "r.xml"]) == 1
    suite = ET.parse(project / "r.xml").getroot().find("testsuite")
    assert suite is not None
    cases = {c.attrib["name"]: c for c in suite.findall("testcase")}
    assert sorted(cases) == ["seeds/bad.txt", "seeds/good.txt"]
    assert cases["seeds/good.txt"].find("failure") is None
    assert cases["seeds/bad.txt"].find("failure") is not None


def test_output_file_replaces_an_existing_file(project: Path) -> None:
    target = project / "report.json"
    target.write_text("old and much longer content " * 100, encoding="utf-8")
    main(["check", "seeds", "--output-format", "json", "--output-file", str(target)])
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1


def test_output_file_keeps_the_old_report_when_writing_fails(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "report.json"
    target.write_text("previous report", encoding="utf-8")

    def refuse(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    assert main(["check", "seeds", "--output-format", "json", "--output-file", "report.json"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in project.iterdir()) == ["report.json", "seeds"]


@pytest.mark.parametrize("where", ["missing/out.json", "seeds"])
def test_bad_output_path_is_a_usage_error(
    project: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "seeds", "--output-format", "json", "--output-file", where]) == 2
    err = capsys.readouterr().err
    assert err.startswith("seedlint: error: --output-file")
    assert ("does not exist" in err) if where.startswith("missing") else ("is a folder" in err)


def test_output_format_from_config_and_cli_override(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seedlint.toml").write_text('output-format = "github"\n', encoding="utf-8")
    main(["check", "seeds"])
    assert capsys.readouterr().out.startswith("::error file=seeds/bad.txt,")
    main(["check", "seeds", "--output-format", "json"])
    assert json.loads(capsys.readouterr().out)["version"] == 1


def test_bad_output_format_in_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "seedlint.toml").write_text('output-format = "xml"\n', encoding="utf-8")
    assert main(["check", "seeds"]) == ExitCode.USAGE
    assert "output-format: expected one of text, json, sarif, github, junit" in (
        capsys.readouterr().err
    )


def test_bad_output_format_on_the_command_line(project: Path) -> None:
    assert main(["check", "seeds", "--output-format", "xml"]) == ExitCode.USAGE
    assert main(["check", "seeds", "--output-format", "xml", "--exit-zero"]) == ExitCode.USAGE


def test_exit_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "seeds", "--exit-zero"]) == ExitCode.OK
    assert "E003" in capsys.readouterr().out
    assert main(["check", "missing-folder", "--exit-zero"]) == ExitCode.USAGE


def test_exit_zero_with_strict_warnings(project: Path) -> None:
    (project / "seeds" / "bad.txt").unlink()
    text = REAL_SEED.read_text(encoding="utf-8")
    assert "published: false" in text
    warn = project / "seeds" / "warn.txt"
    text = text.replace('-technology-exports"\ntype', '-technology-exports-2"\ntype')  # own webUrl
    warn.write_text(text.replace("published: false", "published: no"), encoding="utf-8")
    assert main(["check", "seeds"]) == ExitCode.OK  # a warning alone does not fail
    assert main(["check", "seeds", "--strict"]) == ExitCode.FINDINGS
    assert main(["check", "seeds", "--strict", "--exit-zero"]) == ExitCode.OK


def test_quiet_prints_only_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "seeds", "--quiet"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("seeds/bad.txt:9:10: E003 ")


def test_statistics_follow_the_text_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = WARNING_SEED.read_text(encoding="utf-8")
    own_url = text.replace(
        'webUrl: "https://www.biometricupdate.com/202010/eu-restrictions"',
        'webUrl: "https://www.biometricupdate.com/202010/other"',
    )
    (project / "seeds" / "warn.txt").write_text(own_url, encoding="utf-8")
    main(["check", "seeds", "--statistics", "--color", "never"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == ["2  E003  wrong-type", "1  S013  ambiguous-scalar"]
    assert lines[-3].startswith("Found 2 errors and 1 warning")


def test_statistics_keep_machine_output_parseable(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "seeds", "--statistics", "--output-format", "json"])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["by_code"] == {"E003": 1}
    assert captured.err == "1  E003  wrong-type\n"
    main(["check", "seeds", "--statistics", "--output-format", "json", "--output-file", "o.json"])
    assert capsys.readouterr().out == "1  E003  wrong-type\n"


def test_report_to_a_file_has_no_colour(project: Path) -> None:
    main(["check", "seeds", "--color", "always", "--output-file", "out.txt"])
    text = (project / "out.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert text.startswith("seeds/bad.txt:9:10: E003")
