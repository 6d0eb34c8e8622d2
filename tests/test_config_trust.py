"""Configuration on untrusted pull requests: the project root and its one trusted config.

Threat model: a pull request controls the bytes of every file it adds or
changes — seeds, any ``seedlint.toml`` or ``pyproject.toml`` below the
repository root, symlinks, file names. It does not control the command line,
the CI workflow, or the configuration at the repository root as it is on the
base branch. The person running seedlint may run it from any folder.

So a configuration file below the root is never read (it could open the
address guard, move the cache, or switch rules off), the root is found the
same way whatever the working folder, and report paths stay relative to it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.config import find_project, load_config
from seedlint.diagnostics import ExitCode
from tests.probe.servers import LocalServer, ok, start_server

PLANTED = """allow-private = true
probe-allow = ["127.0.0.0/8"]
ignore = ["ALL"]
cache-dir = "{cache}"
"""


@pytest.fixture
def internal() -> Iterator[LocalServer]:
    """A server on 127.0.0.1 standing for an internal admin endpoint; it logs every request."""
    server = start_server()
    server.route("/secret-admin", ok(b"internal secret"))
    yield server
    server.stop()


def _git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def _seed(origin: str, *, quality: str = "33") -> str:
    """A seed whose every URL points at ``origin`` (never at the internet)."""
    return f"""---
category: news
title: "Local article"
excerpt: "An article about an internal endpoint."
publishedDateTime: 2020-10-19T00:00:00Z
originalUrl: "{origin}/secret-admin"
webUrl: "{origin}/secret-admin"
type: article
quality: {quality}
heat: -1
published: false
provider:
  name: Local News
  domain: example.com
topics:
  - AI
images:
  - url: "{origin}/secret-admin"
    width: 10
    height: 10
---
"""


@pytest.mark.parametrize("layout", ["git", "root-config"])
def test_planted_config_does_not_open_the_guard(
    tmp_path: Path,
    internal: LocalServer,
    layout: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "project"
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    if layout == "git":
        _git_init(project)
    else:
        (project / "seedlint.toml").write_text('paths = ["seeds"]\n')
    planted_cache = tmp_path / "planted-cache"
    (seeds / "seedlint.toml").write_text(PLANTED.format(cache=planted_cache.as_posix()))
    (seeds / "a.txt").write_text(_seed(internal.origin, quality='"33"'))
    monkeypatch.chdir(project)

    code = main(["check", "--probe", "seeds", "--color", "never"])

    assert internal.requests() == []
    captured = capsys.readouterr()
    assert code == ExitCode.FINDINGS  # the planted ignore = ["ALL"] switched nothing off
    lines = [line for line in captured.out.splitlines() if line.startswith("seeds/")]
    assert lines and all(line.startswith("seeds/a.txt:") for line in lines)
    assert "E003" in captured.out
    assert "internal secret" not in captured.out
    assert "seeds/seedlint.toml: ignored: only the configuration at the project root" in (
        captured.err
    )
    assert not planted_cache.exists()


def test_output_is_the_same_from_any_working_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "project"
    seeds = project / "seeds" / "2020"
    seeds.mkdir(parents=True)
    _git_init(project)
    (project / "seeds" / "seedlint.toml").write_text('ignore = ["E003"]\n')
    (seeds / "a.txt").write_text(_seed("https://example.com", quality='"33"'))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outputs = []
    for cwd in (project, project / "seeds", seeds, elsewhere):
        monkeypatch.chdir(cwd)
        assert main([str(project / "seeds"), "-q", "--color", "never"]) == ExitCode.FINDINGS
        outputs.append(capsys.readouterr().out)
    assert "\nseeds/2020/a.txt:9:10: E003" in outputs[0]
    assert outputs == [outputs[0]] * 4


def test_root_is_the_git_top_and_nested_configs_are_listed(tmp_path: Path) -> None:
    _git_init(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.seedlint]\nstrict = true\n")
    nested = tmp_path / "site" / "seeds"
    nested.mkdir(parents=True)
    (tmp_path / "site" / "seedlint.toml").write_text("allow-private = true\n")
    (nested / "pyproject.toml").write_text("[tool.seedlint]\njobs = 1\n")
    project = find_project(nested / "x.txt")
    assert project.root == tmp_path.resolve()
    assert project.config_file == tmp_path.resolve() / "pyproject.toml"
    assert set(project.ignored) == {
        tmp_path.resolve() / "site" / "seedlint.toml",
        nested.resolve() / "pyproject.toml",
    }
    config = load_config(None, [nested])
    assert config.strict and not config.allow_private and config.jobs == 0


def test_outside_git_the_outermost_config_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "seedlint.toml").write_text("strict = true\n")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "seedlint.toml").write_text("allow-private = true\n")
    config = load_config(None, [tmp_path / "seeds"])
    assert config.root == tmp_path.resolve() and config.strict and not config.allow_private


def test_explicit_config_sets_the_root_and_is_trusted(tmp_path: Path) -> None:
    _git_init(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "seedlint.toml").write_text('allow-private = true\nprobe-allow = ["10.0.0.0/8"]\n')
    config = load_config(site / "seedlint.toml", [site])
    assert config.root == site.resolve() and config.allow_private
    assert config.probe_allow == ("10.0.0.0/8",)


@pytest.mark.parametrize(
    ("toml", "argv", "expected"),
    [
        ("probe-per-host = 0", ["--probe-per-host", "0"], "expected a whole number ≥ 1, got 0"),
        ("max-file-size = 0", ["--max-file-size", "0"], "expected a whole number ≥ 1, got 0"),
        ("probe-concurrency = 0", ["--probe-concurrency", "0"], "≥ 1, got 0"),
        ("jobs = -1", ["--jobs", "-1"], "expected a whole number ≥ 0, got -1"),
        ("probe-timeout = 0", ["--probe-timeout", "0"], "expected a number > 0, got 0"),
        ("probe-timeout = inf", ["--probe-timeout", "inf"], "expected a finite number > 0"),
        ('probe-allow = ["127.0.0.1:abc"]', ["--allow", "127.0.0.1:abc"], "port 'abc'"),
        ('probe-allow = ["127.0.0.1:0"]', ["--allow", "127.0.0.1:0"], "from 1 to 65535"),
        ('probe-allow = ["10.0.0.0/33"]', ["--allow", "10.0.0.0/33"], "is not a CIDR network"),
        ('probe-allow = ["fe80::1::2"]', ["--allow", "fe80::1::2"], "is neither host:port"),
        ('probe-allow = ["[::1]x"]', ["--allow", "[::1]x"], "is not [IPv6] or [IPv6]:port"),
        ('select = ["E999"]', ["--select", "E999"], "unknown rule code or name: E999"),
    ],
)
def test_file_and_command_line_share_one_validation(
    tmp_path: Path,
    toml: str,
    argv: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "s.txt").write_text("---\ntitle: no URL here, nothing to probe\n---\n")
    (tmp_path / "seedlint.toml").write_text(toml + "\n")
    assert main([str(tmp_path / "s.txt"), "--probe"]) == ExitCode.USAGE
    from_file = capsys.readouterr().err
    (tmp_path / "seedlint.toml").write_text("")
    assert main([str(tmp_path / "s.txt"), "--probe", *argv]) == ExitCode.USAGE
    from_flag = capsys.readouterr().err
    for err in (from_file, from_flag):
        assert expected in err
        assert "internal error" not in err and "Traceback" not in err
    assert "seedlint.toml:1:1: " in from_file
    assert f"error: {argv[0]}: " in from_flag


@pytest.mark.parametrize(
    "entry", ["example.com", "example.com:8080", "10.0.0.1:8443", "[::1]:8080", "::1", "10.0.0.0/8"]
)
def test_good_allow_entries_pass_both_ways(tmp_path: Path, entry: str) -> None:
    (tmp_path / "seedlint.toml").write_text(f'probe-allow = ["{entry}"]\n')
    assert load_config(None, [tmp_path]).probe_allow == (entry,)


def test_isolated_reads_no_configuration_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _git_init(tmp_path)
    (tmp_path / "seedlint.toml").write_text('ignore = ["ALL"]\nallow-private = true\n')
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(_seed("https://example.com", quality='"33"'))
    monkeypatch.chdir(seeds)
    assert main(["a.txt", "-q"]) == ExitCode.OK
    assert main(["a.txt", "-q", "--isolated", "--color", "never"]) == ExitCode.FINDINGS
    assert "seeds/a.txt:9:10: E003" in capsys.readouterr().out
    config = load_config(None, [seeds], isolated=True)
    assert config.root == tmp_path.resolve() and not config.allow_private
    assert main(["a.txt", "--isolated", "--config", "../seedlint.toml"]) == ExitCode.USAGE


def test_no_configuration_file_means_no_toml_parser_imported(tmp_path: Path) -> None:
    """Start-up stays cheap: tomllib (and difflib) load only when a file is read or wrong."""
    import sys

    _git_init(tmp_path)
    (tmp_path / "s.txt").write_text("---\ntitle: x\n---\n")
    script = (
        "import sys; from seedlint.cli import main; main([sys.argv[1], '-q']); "
        "print(sorted(m for m in ('tomllib', 'tomli', 'difflib') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "s.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr


def test_default_paths_are_found_from_a_subfolder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _git_init(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(_seed("https://example.com", quality='"33"'))
    monkeypatch.chdir(tmp_path / "docs")
    assert main(["-q", "--color", "never"]) == ExitCode.FINDINGS
    assert "seeds/a.txt:9:10: E003" in capsys.readouterr().out


def test_root_is_found_from_a_symlink_as_given(tmp_path: Path) -> None:
    """A seed linked to a file outside the project belongs to the project holding the link."""
    project, outside = tmp_path / "x", tmp_path / "outside"
    (project / "seeds").mkdir(parents=True)
    outside.mkdir()
    _git_init(project)
    (outside / "creds.yml").write_text("---\nk: 1\n---\n")
    (outside / "seedlint.toml").write_text("allow-private = true\n")
    link = project / "seeds" / "evil.txt"
    link.symlink_to("../../outside/creds.yml")
    assert find_project(link).root == project
    config = load_config(None, [link])
    assert config.root == project and not config.allow_private
    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(project)
    assert find_project(linked_folder / "seeds" / "evil.txt").root == linked_folder
