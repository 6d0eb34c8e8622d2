"""Turn the paths on the command line into the list of seed files to lint."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path

from seedlint.config import Config


class DiscoveryError(Exception):
    """A named path does not exist; reported with exit code 2."""


def discover(paths: Sequence[Path], config: Config) -> list[Path]:
    """Files named directly, plus files under named folders that match include/exclude.

    Files named directly are always linted (pre-commit passes exactly the files
    it wants checked); folders are walked in sorted order so runs are repeatable.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_file():
            found[path] = None
        elif path.is_dir():
            found.update(dict.fromkeys(_walk(path, config)))
        else:
            raise DiscoveryError(f"{path}: no such file or folder")
    return list(found)


def _walk(folder: Path, config: Config) -> Iterator[Path]:
    """Regular files below ``folder``, in sorted order.

    Symlinked folders are not followed (no loops), and only regular files are
    yielded: a FIFO or device named ``x.txt`` would block or never end.
    """
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable folder: nothing to lint in it
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if _excluded(entry.name, path, config):
                continue
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(path)
            elif entry.is_file() and any(fnmatch(entry.name, p) for p in config.include):
                yield path
        pending.extend(reversed(subfolders))


def _excluded(name: str, path: Path, config: Config) -> bool:
    relative = display_path(path, config.root)
    return any(fnmatch(name, pattern) or fnmatch(relative, pattern) for pattern in config.exclude)


def display_path(path: Path, root: Path) -> str:
    """The path as shown in findings: relative to the project root when inside it, with /."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
