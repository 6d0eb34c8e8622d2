"""Symlinks and ``--fix`` on files a pull request controls.

Threat model: a pull request controls the bytes of every file it adds or
changes, their names, and symbolic links; it does not control the command
line, the CI workflow or the root configuration. So a seed path that resolves
outside the project root is reported (S015) without being read, whether a
folder walk finds it or pre-commit names it; ``--fix`` never turns a symlink
into a regular file; and ``--fix`` never loses an edit: a file is written only
if it still holds the bytes that were linted (compare-and-swap right before
the atomic rename), and a file that changed, a read-only file or an
unwritable folder gets a finding (S016) while the run goes on.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from seedlint import atomic, fix
from seedlint.atomic import TEMP_SUFFIX, remove_leftovers, temporary_path, write_atomically
from seedlint.cli import main
from tests.conftest import CASES

SECRET = "---\naws_secret_access_key: AKIAEXAMPLE\nquality: hunter2\n---\n"
WHITESPACE = (CASES / "C003_surrounding_whitespace.txt").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root (its own seedlint.toml) with a secret file beside it, outside."""
    root = tmp_path / "repo"
    (root / "seeds").mkdir(parents=True)
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "creds.yml").write_text(SECRET, encoding="utf-8")
    (root / "seeds" / "evil.txt").symlink_to(Path("../../secret/creds.yml"))
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("fmt", ["text", "github", "json", "junit"])
@pytest.mark.parametrize("named", [["seeds"], ["seeds/evil.txt"]], ids=["folder", "pre-commit"])
def test_a_link_out_of_the_project_is_reported_not_read(
    project: Path, fmt: str, named: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--output-format", fmt, *named]) == 1  # result cache on
    out = capsys.readouterr().out
    assert "S015" in out and "seeds/evil.txt" in out
    for secret in ("aws_secret_access_key", "hunter2", "AKIAEXAMPLE"):
        assert secret not in out


@pytest.mark.parametrize("named", ["seeds", "seeds/gone.txt"])
def test_a_dangling_link_out_of_the_project_is_reported_not_a_usage_error(
    project: Path, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "gone.txt").symlink_to(Path("../../nothing/here.yml"))
    assert main(["check", "--no-cache", named]) == 1
    assert (
        "seeds/gone.txt:1:1: S015 error: leads outside the project root" in capsys.readouterr().out
    )


def test_a_linked_folder_out_of_the_project_is_not_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "evil.txt").unlink()
    (project / "seeds" / "more").symlink_to(project.parent / "secret", target_is_directory=True)
    (project.parent / "secret" / "creds.txt").write_text(SECRET, encoding="utf-8")
    assert main(["check", "--no-cache", "seeds/more"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("seeds/more/creds.txt:1:1: S015 error: ")
    assert "hunter2" not in out


@pytest.mark.parametrize("cache", [["--no-cache"], []], ids=["uncached", "result-cache"])
def test_a_link_inside_the_project_is_reported_under_its_own_name(
    project: Path, cache: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "evil.txt").unlink()
    (project / "secret").mkdir()
    (project / "secret" / "creds.yml").write_text(SECRET, encoding="utf-8")
    (project / "seeds" / "in.txt").symlink_to(Path("../secret/creds.yml"))
    (project / "seeds" / "real.txt").write_text(WHITESPACE, encoding="utf-8")
    (project / "seeds" / "link.txt").symlink_to("real.txt")
    for _ in range(2):  # cold, then from the result cache
        main(["check", *cache, "seeds/in.txt", "seeds/link.txt"])
        paths = {line.split(":")[0] for line in capsys.readouterr().out.splitlines()[:-2]}
        assert paths == {"seeds/in.txt", "seeds/link.txt"}


def test_fix_writes_through_a_link_and_keeps_it_a_link(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "evil.txt").unlink()
    real, link = project / "seeds" / "real.txt", project / "seeds" / "link.txt"
    real.write_text(WHITESPACE, encoding="utf-8")
    link.symlink_to("real.txt")
    main(["check", "--no-cache", "--fix", "seeds/link.txt"])
    assert link.is_symlink() and link.readlink() == Path("real.txt")
    assert real.read_text(encoding="utf-8") != WHITESPACE  # the target was fixed
    assert "C003" not in capsys.readouterr().out


def test_fix_never_touches_a_link_out_of_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = project.parent / "secret" / "creds.yml"
    outside.write_text(WHITESPACE, encoding="utf-8")
    main(["check", "--no-cache", "--fix", "seeds"])
    assert (project / "seeds" / "evil.txt").is_symlink()
    assert outside.read_text(encoding="utf-8") == WHITESPACE
    assert "S015" in capsys.readouterr().out


# -- --fix: compare-and-swap, unwritable files, temporary files ------------------


def _fixable(project: Path) -> Path:
    (project / "seeds" / "evil.txt").unlink()
    seed = project / "seeds" / "a.txt"
    seed.write_text(WHITESPACE, encoding="utf-8")
    return seed


def test_an_edit_made_while_fixing_is_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = _fixable(project)
    edited = WHITESPACE.replace("restrictions", "RESTRICTIONS")
    real_fix_text = fix.fix_text

    def edit_meanwhile(*args: object, **kwargs: object) -> fix.FixedText:
        fixed = real_fix_text(*args, **kwargs)  # type: ignore[arg-type]
        seed.write_text(edited, encoding="utf-8")  # the user saves in an editor
        return fixed

    monkeypatch.setattr(fix, "fix_text", edit_meanwhile)
    assert main(["check", "--no-cache", "--fix", "seeds/a.txt"]) == 1
    assert seed.read_text(encoding="utf-8") == edited
    out = capsys.readouterr().out
    assert "seeds/a.txt:1:1: S016 warning: changed while seedlint ran; not fixed" in out
    assert "C003" in out  # what the fix would have repaired is still reported


def test_a_read_only_file_is_not_replaced(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = _fixable(project)
    seed.chmod(0o444)
    inode = seed.stat().st_ino
    assert main(["check", "--no-cache", "--fix", "seeds/a.txt"]) == 1
    assert seed.stat().st_ino == inode and seed.read_text(encoding="utf-8") == WHITESPACE
    out = capsys.readouterr().out
    assert "S016 warning: is read-only; not fixed" in out
    assert out.count("S016") == 1  # not also a false "changed while seedlint ran"


def test_an_unwritable_folder_gives_a_finding_and_the_run_goes_on(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = _fixable(project)
    # The temporary file's name is taken by a folder: creating it fails as in a
    # read-only folder (which root, running these tests in CI, could still write).
    temporary_path(seed).mkdir()
    assert main(["check", "--no-cache", "--fix", "seeds/a.txt"]) == 1
    out = capsys.readouterr().out
    assert "seeds/a.txt:1:1: S016 warning: cannot be written (" in out and "C003" in out
    assert seed.read_text(encoding="utf-8") == WHITESPACE


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0555 folder")
def test_a_read_only_folder_gives_a_finding(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = _fixable(project)
    seed.parent.chmod(0o555)
    try:
        assert main(["check", "--no-cache", "--fix", "seeds/a.txt"]) == 1
    finally:
        seed.parent.chmod(0o755)
    assert (
        "S016 warning: cannot be written (Permission denied); not fixed" in capsys.readouterr().out
    )


def test_leftover_temporary_files_are_removed_by_the_next_fix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = _fixable(project)
    leftover = temporary_path(seed)
    leftover.write_bytes(b"half a fi")  # what a kill -9 during a write leaves
    other = project / "seeds" / f".gone.txt{TEMP_SUFFIX}"
    other.write_bytes(b"")
    main(["check", "--no-cache", "--fix", "seeds/a.txt"])
    assert not leftover.exists() and not other.exists()
    assert [p.name for p in seed.parent.iterdir()] == ["a.txt"]


def test_a_live_write_of_another_run_is_not_removed(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    fcntl = pytest.importorskip("fcntl")
    live = temporary_path(target)
    with live.open("wb") as stream:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        assert remove_leftovers(tmp_path) == 0
        assert live.exists()
    assert remove_leftovers(tmp_path) == 1


def test_write_atomically_is_compare_and_swap(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"linted")
    target.chmod(0o640)
    write_atomically(target, b"fixed", expected=b"linted")
    assert target.read_bytes() == b"fixed" and stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(atomic.FileChanged):
        write_atomically(target, b"again", expected=b"linted")
    assert target.read_bytes() == b"fixed"
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with pytest.raises(OSError, match="symbolic link"):
        write_atomically(link, b"x")
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "link.txt"]


def test_output_file_and_fix_share_one_atomic_write() -> None:
    from seedlint.reporters import output

    assert output.write_atomically is fix.write_atomically is atomic.write_atomically


def test_kill_during_fix_leaves_the_old_or_the_new_file_and_the_next_run_cleans_up(
    project: Path,
) -> None:
    """SIGKILL at random moments of ``--fix`` on a large seed: never half a file."""
    import random
    import signal
    import subprocess
    import sys
    import time

    seed = _fixable(project)
    big = WHITESPACE.replace(
        'excerpt: "The European Union', 'excerpt: "' + "padding " * 40_000 + "The European Union"
    )
    command = [sys.executable, "-m", "seedlint", "check", "--no-cache", "--fix", "-q", str(seed)]
    subprocess.run(command, capture_output=True, check=False, cwd=project)
    randomness = random.Random(8)
    seed.write_text(big, encoding="utf-8")
    subprocess.run(command, capture_output=True, check=False, cwd=project)
    fixed = seed.read_bytes()
    assert fixed != big.encode()
    for _ in range(6):
        seed.write_text(big, encoding="utf-8")
        process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL)
        time.sleep(randomness.uniform(0.1, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert seed.read_bytes() in (big.encode(), fixed)
    subprocess.run(command, capture_output=True, check=False, cwd=project)
    assert seed.read_bytes() == fixed
    assert [p.name for p in seed.parent.iterdir()] == ["a.txt"]


def test_a_link_to_a_seed_is_not_its_duplicate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "evil.txt").unlink()
    (project / "seeds" / "good.txt").write_text(WHITESPACE, encoding="utf-8")
    (project / "seeds" / "alias.txt").symlink_to("good.txt")
    for named in (["seeds/alias.txt"], ["seeds"], ["seeds/alias.txt", "seeds/good.txt"]):
        main(["check", "--select", "C010", *named])
        assert "C010" not in capsys.readouterr().out


def test_fix_with_nothing_to_fix_still_removes_leftovers(project: Path) -> None:
    (project / "seeds" / "evil.txt").unlink()
    clean = project / "seeds" / "clean.txt"
    clean.write_text((CASES / "valid" / "minimal.txt").read_text(encoding="utf-8"), "utf-8")
    leftover = temporary_path(clean)
    leftover.write_bytes(b"half")
    assert main(["check", "--no-cache", "--fix", "seeds"]) == 0
    assert [p.name for p in clean.parent.iterdir()] == ["clean.txt"]
