"""Writing a report to ``--output-file``: all or nothing.

A CI step that uploads ``seedlint.sarif`` must never pick up half a file from
an interrupted run, so the report goes to a temporary file in the same folder
first and replaces the target in one ``os.replace`` (``Path.replace``).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class OutputPathError(Exception):
    """The output file cannot be written; reported with exit code 2."""


def check_output_path(path: Path) -> None:
    """Fail early (before linting) when ``path`` can obviously not be written."""
    if path.is_dir():
        raise OutputPathError(f"--output-file {path}: is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise OutputPathError(f"--output-file {path}: folder {folder} does not exist")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file and ``os.replace``."""
    check_output_path(path)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputPathError(f"--output-file {path}: {error.strerror or error}") from error
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        temporary.chmod(_mode_for(path))
        temporary.replace(path)  # os.replace: atomic on POSIX and Windows
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise OutputPathError(f"--output-file {path}: {error.strerror or error}") from error


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
