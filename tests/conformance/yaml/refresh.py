"""Refresh the vendored yaml-test-suite data from a pinned commit of its ``data`` branch.

Usage::

    python tests/conformance/yaml/refresh.py [--repo URL_OR_PATH] [--commit SHA]

``--repo`` defaults to the suite's GitHub repository (cloned into a temporary
folder); a local clone or bare mirror works too. Only each case's ``===``
(its name), ``in.yaml``, ``in.json`` and ``error`` marker are copied, into
``data/<case>/``; the commit is recorded in ``SOURCE``. After a refresh, run
the conformance test and review ``docs/conformance.md``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SOURCE = HERE / "SOURCE"
REPOSITORY = "https://github.com/yaml/yaml-test-suite"
PINNED = "6ad3d2c62885d82fc349026c136ef560838fdf3d"
"""The ``data`` branch, "Regenerated data from main 45db50ae" (2022-01-17)."""
LICENCE_COMMIT = "45db50aecf9b1520f8258938c88f396e96f30831"
"""The ``main`` commit the data was generated from; the data branch has no licence file."""
KEPT = ("===", "in.yaml", "in.json", "error")


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], check=True, capture_output=True
    ).stdout


def _git_dir(path: Path) -> Path:
    dot_git = path / ".git"
    return dot_git if dot_git.exists() else path


def refresh(repo: Path, commit: str) -> int:
    """Copy the kept files of every case at ``commit``; return the number of cases."""
    listing = _git(repo, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
    wanted = [
        name
        for name in listing
        if name.rsplit("/", 1)[-1] in KEPT and not name.startswith(("name/", "tags/"))
    ]
    if DATA.exists():
        shutil.rmtree(DATA)
    cases = set()
    for name in wanted:
        target = DATA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(repo, "show", f"{commit}:{name}"))
        cases.add(name.rsplit("/", 1)[0])
    licence = _git(repo, "show", f"{LICENCE_COMMIT}:License")
    (HERE / "LICENSE").write_bytes(licence)
    SOURCE.write_text(
        f"repository: {REPOSITORY}\nbranch: data\ncommit: {commit}\n"
        f"licence: MIT, License at {LICENCE_COMMIT}\ncases: {len(cases)}\n",
        encoding="utf-8",
    )
    return len(cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=REPOSITORY, help="URL or local clone of the suite")
    parser.add_argument("--commit", default=PINNED, help="commit of the data branch")
    args = parser.parse_args(argv)
    local = Path(args.repo)
    if local.exists():
        return _report(refresh(_git_dir(local), args.commit))
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "suite.git"
        subprocess.run(["git", "clone", "--bare", "--quiet", args.repo, str(clone)], check=True)
        return _report(refresh(clone, args.commit))


def _report(cases: int) -> int:
    print(f"{cases} cases written to {DATA}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
