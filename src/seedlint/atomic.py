"""The one way seedlint writes a file: all or nothing, and only over what it read.

The new bytes go to a temporary file beside the target, named
``.<name>.seedlint-tmp``, are flushed to disk (``fsync``), and replace the
target in one ``os.replace``; the folder is synced too, so a crash leaves the
old file or the new one, never half of either. With ``expected``, the target's
bytes are compared with the ones the edit was computed from right before the
rename (compare-and-swap): a file changed meanwhile is left alone.

A writer holds an advisory lock on its temporary file for its whole life, so
:func:`remove_leftovers` can tell the leftovers of a killed run (unlocked)
from a live write of a concurrent run (locked).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

TEMP_SUFFIX = ".seedlint-tmp"
"""Every temporary file seedlint creates is named ``.<target name>.seedlint-tmp``."""


class FileChanged(Exception):
    """The target's bytes are no longer the ones the new content was computed from."""


class ReadOnly(Exception):
    """The target exists and its permissions forbid writing it."""


def temporary_path(path: Path) -> Path:
    """The temporary file that stands in for ``path`` while it is written."""
    return path.with_name(f".{path.name}{TEMP_SUFFIX}")


def write_atomically(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path`` (a regular file or a new name, never a symlink) with ``data``.

    The mode of an existing file is kept; a new file gets the umask's default.
    Raises :class:`ReadOnly` for a file without write permission,
    :class:`FileChanged` when ``expected`` is given and the file no longer
    holds it (or is gone), and :class:`OSError` when the folder cannot be written.
    """
    try:
        current = os.lstat(path)
    except FileNotFoundError:
        if expected is not None:
            raise FileChanged(f"{path} was removed") from None
        mode = _default_mode()
    else:
        if stat.S_ISLNK(current.st_mode):
            raise OSError(f"{path} is a symbolic link; it is never replaced")
        # The mode bits too: a 0444 file stays as it is even for root.
        if not current.st_mode & 0o222 or not os.access(path, os.W_OK):
            raise ReadOnly(f"{path} is read-only")
        mode = stat.S_IMODE(current.st_mode)
    temporary = temporary_path(path)
    descriptor = _create(temporary)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            _lock(stream.fileno())
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            os.fchmod(stream.fileno(), mode)
            if expected is not None and _read(path) != expected:
                raise FileChanged(f"{path} changed while seedlint ran")
            temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_folder(path.parent)


def remove_leftovers(folder: Path) -> int:
    """Delete temporary files of killed runs in ``folder``; return how many went."""
    removed = 0
    try:
        names = [
            entry.name
            for entry in folder.iterdir()
            if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)
        ]
    except OSError:
        return 0
    for name in names:
        leftover = folder / name
        try:
            descriptor = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            # A symlink or something odd planted under our name: remove the name only.
            with contextlib.suppress(OSError):
                if stat.S_ISLNK(os.lstat(leftover).st_mode):
                    leftover.unlink()
                    removed += 1
            continue
        try:
            if _try_lock(descriptor):
                leftover.unlink()
                removed += 1
        except OSError:
            pass
        finally:
            os.close(descriptor)
    return removed


def _create(temporary: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(temporary, flags, 0o600)
    except FileExistsError:
        remove_leftovers(temporary.parent)
        return os.open(temporary, flags, 0o600)  # still there: a live write of another run


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _lock(descriptor: int) -> None:
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _try_lock(descriptor: int) -> bool:
    """True when no live writer holds the file (or locks are not available)."""
    try:
        import fcntl
    except ImportError:
        return False  # without advisory locks a live write cannot be told apart: keep it
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
