"""Writing a report to ``--output-file``: all or nothing.

A CI step that uploads ``seedlint.sarif`` must never pick up half a file from
an interrupted run, so the report goes to a temporary file in the same folder
first and replaces the target in one ``os.replace``, through the one atomic
write of :mod:`seedlint.atomic`.
"""

from __future__ import annotations

from pathlib import Path

from seedlint.atomic import ReadOnly, remove_leftovers, write_atomically


class OutputPathError(Exception):
    """The output file cannot be written; reported with exit code 2."""


def check_output_path(path: Path) -> None:
    """Fail early (before linting) when ``path`` can obviously not be written."""
    if path.is_dir():
        raise OutputPathError(f"--output-file {path}: is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise OutputPathError(f"--output-file {path}: folder {folder} does not exist")


def write_report(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` at once (:func:`seedlint.atomic.write_atomically`)."""
    check_output_path(path)
    target = path.resolve() if path.is_symlink() else path  # the command line is trusted
    remove_leftovers(target.parent)
    try:
        write_atomically(target, text.encode("utf-8"))
    except (OSError, ReadOnly) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise OutputPathError(f"--output-file {path}: {reason}") from error
