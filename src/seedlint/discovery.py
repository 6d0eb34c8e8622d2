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
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not _excluded(d, Path(current, d), config))
        for name in sorted(filenames):
            file = Path(current, name)
            if any(fnmatch(name, pattern) for pattern in config.include) and not _excluded(
                name, file, config
            ):
                yield file


def _excluded(name: str, path: Path, config: Config) -> bool:
    relative = display_path(path, config.root)
    return any(fnmatch(name, pattern) or fnmatch(relative, pattern) for pattern in config.exclude)


def display_path(path: Path, root: Path) -> str:
    """The path as shown in findings: relative to the project root when inside it, with /."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
