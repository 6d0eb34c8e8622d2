"""Turn the paths on the command line into the list of seed files to lint."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from fnmatch import translate
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from seedlint.config import Config


class DiscoveryError(Exception):
    """A named path does not exist; reported with exit code 2."""


class Found(NamedTuple):
    """One file to lint, as discovery streams it."""

    path: str
    """As discovered (named, or joined onto a named folder): what is opened, and the
    result cache's key."""
    shown: str | None
    """Its display path when discovery knows it without resolving: a regular file (not a
    link) whose real path lies under the project root. None: resolve it to find out."""

    @property
    def key(self) -> str:
        """What the result cache files it under: its display path when known, the same from
        any working folder; else the path as discovered. (Two files under one key only miss:
        an entry holds its file's stamp, display path and the digest of its bytes.)"""
        return self.path if self.shown is None else self.shown


def discover(paths: Sequence[Path], config: Config) -> list[Path]:
    """Every file :func:`stream` yields, as a list of paths (for callers that need them all)."""
    return [Path(found.path) for found in stream(paths, config)]


def stream(
    paths: Sequence[Path],
    config: Config,
    *,
    ordered: bool = True,
    covered: list[str] | None = None,
) -> Iterator[Found]:
    """Files named directly, plus files under named folders that match include/exclude.

    Files named directly are always linted (pre-commit passes exactly the files
    it wants checked); folders are walked in sorted order so runs are repeatable.
    ``ordered=False`` (for callers whose output is sorted anyway) sorts only
    folders of fewer than :data:`SORTED_UP_TO` entries and takes larger ones as
    the file system lists them, so that no folder is ever held whole in memory.
    A file reachable twice (named twice, named and inside a named folder, in
    folders that overlap) is yielded once, at its first place; only those
    places are remembered, so memory does not grow with the files walked.
    Named paths are checked before anything is yielded: a missing one raises
    :class:`DiscoveryError` before any file is linted.

    ``covered`` receives, once each is walked whole, the display path (and a slash; "" for
    the root) of each named folder whose files are exactly the project seeds below it: a
    folder under the project root, in which no link was met and under which no file was
    named (a named file is linted whatever include says). The project walk takes those
    seeds from the linted files instead of walking the folder again.
    """
    under_root = _folder_prefix(str(config.root.resolve()))
    plan: list[tuple[Path, str, bool]] = []  # each named path, where it is, is it a file
    for path in paths:
        if path.is_file() or _dangling(path):
            plan.append((path, str(located(path)), True))
        elif path.is_dir():
            plan.append((path, str(path.resolve()), False))
        else:
            raise DiscoveryError(f"{path}: no such file or folder")
    return _stream(plan, config, under_root, ordered, covered)


SORTED_UP_TO = 4096
"""An unordered stream still sorts folders smaller than this (a stable order for small runs)."""


def _stream(
    plan: list[tuple[Path, str, bool]],
    config: Config,
    under_root: str,
    ordered: bool,
    covered: list[str] | None,
) -> Iterator[Found]:
    named = {where for _, where, is_file in plan if is_file}  # a folder walk may reach them
    folders = [where for _, where, is_file in plan if not is_file]
    # Folders that overlap (or one named twice) can reach a file twice: only then is
    # every walked file remembered.
    overlap = len(set(folders)) < len(folders) or any(
        a != b and b.startswith(_folder_prefix(a)) for a in folders for b in folders
    )
    seen: set[str] = set()
    for path, where, is_file in plan:
        if is_file:
            if where not in seen:
                seen.add(where)
                yield Found(str(path), _plain_shown(path, where, under_root))
            continue
        folder = _folder_prefix(where)  # real: each file's place is it and its path below
        under = folder.startswith(under_root)
        shown = folder[len(under_root) :]  # the display path of a file below is it and more
        whole = under and not any(n.startswith(folder) for n in named)
        remember = overlap or any(n.startswith(folder) for n in named)
        for entry, relative in _walk(path, config, ordered=ordered, sort_small=True):
            if under:
                inside = not entry.is_symlink()
                whole = whole and inside  # also for a file yielded earlier
                place = shown + relative if inside else None
            else:  # a folder holding the root: some of its files may lie under it
                spot = folder + relative
                inside = spot.startswith(under_root) and not entry.is_symlink()
                place = spot[len(under_root) :] if inside else None
            if remember:
                spot = folder + relative
                if spot in seen:
                    continue
                seen.add(spot)
            yield _found(entry.path, place)
        if whole and covered is not None:
            covered.append(shown)


def _found(path: str, shown: str | None) -> Found:
    """A :class:`Found` made without its generated ``__new__`` (one per file walked)."""
    return tuple.__new__(Found, (path, shown))


def _folder_prefix(folder: str) -> str:
    """``folder`` with one trailing slash: what the paths of the files below it start with."""
    return folder if folder.endswith("/") else folder + "/"


def _plain_shown(path: Path, where: str, under_root: str) -> str | None:
    """The display path of a named file that is no link and lies under the root, else None."""
    if not where.startswith(under_root) or path.is_symlink():
        return None
    return where[len(under_root) :]


def _dangling(path: Path | os.DirEntry[str]) -> bool:
    """A symlink to nothing: linted, so that it is reported (S015 or unreadable), not skipped."""
    return path.is_symlink() and not Path(path).exists()


@lru_cache(maxsize=16)
def _pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    """All globs as one compiled regex: one match per name instead of one fnmatch per glob."""
    return re.compile("|".join(translate(glob) for glob in globs) or "(?!)")


def _walk(
    folder: Path, config: Config, *, ordered: bool, prefix: str = "", sort_small: bool = False
) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Regular files below ``folder`` that match include/exclude, with their path below it.

    Unordered, entries come as scandir lists them; with ``sort_small`` a folder of
    fewer than :data:`SORTED_UP_TO` entries is sorted all the same.

    Symlinked folders are not followed (no loops), and only regular files are
    yielded: a FIFO or device named ``x.txt`` would block or never end. Exclude
    globs without a ``/`` match names; those with one match the path relative
    to the project root (``prefix`` is the folder's display path and a slash).
    """
    include = _pattern(config.include).match
    name_globs = tuple(g for g in config.exclude if "/" not in g)
    exclude_name = _pattern(name_globs).match if name_globs else None
    path_globs = tuple(g for g in config.exclude if "/" in g)
    exclude_path = _pattern(path_globs).match if path_globs else None
    if exclude_path is not None and not prefix:
        relative = display_path(folder, config.root)
        prefix = "" if relative == "." else relative + "/"
    pending: list[tuple[str, str]] = [(str(folder), "")]
    while pending:
        current, below = pending.pop()
        try:
            scan = os.scandir(current)
        except OSError:
            continue  # unreadable folder: nothing to lint in it
        subfolders = []
        with scan:
            # Unordered callers take each entry as it comes: a folder of 100,000 seeds
            # is never held as 100,000 DirEntry objects at once.
            listed = _listed(scan)
            entries: Iterable[os.DirEntry[str]] = listed
            if ordered:
                entries = sorted(listed, key=_name)
            elif sort_small:
                head = list(islice(listed, SORTED_UP_TO))
                small = len(head) < SORTED_UP_TO
                entries = sorted(head, key=_name) if small else chain(_drained(head), listed)
            for entry in entries:
                name = entry.name
                if (exclude_name and exclude_name(name)) or (
                    exclude_path and exclude_path(prefix + below + name)
                ):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append((entry.path, f"{below}{name}/"))
                elif include(name) and (entry.is_file() or _dangling(entry)):
                    yield entry, below + name
        pending.extend(reversed(subfolders))


def _drained(entries: list[os.DirEntry[str]]) -> Iterator[os.DirEntry[str]]:
    """The entries of ``entries`` in order, each let go of as it is taken (a big folder's
    first entries, listed to see whether it is small, are not all kept while it is walked)."""
    entries.reverse()
    while entries:
        yield entries.pop()


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _listed(scan: Iterator[os.DirEntry[str]]) -> Iterator[os.DirEntry[str]]:
    """The entries of a folder; a folder that cannot be read (further) has no more."""
    try:
        yield from scan
    except OSError:
        return


BY_DESCRIPTOR = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")
"""Whether the project walk lists folders through a descriptor (not on Windows)."""
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
"""A folder, never a link put in its place since it was listed."""

SEED_FOLDER = "seeds"
"""Seeds in any folder of this name belong to the project (the pre-commit hook's pattern)."""


def project_seeds(
    root: Path,
    config: Config,
    named: Sequence[Path] = (),
    *,
    batch: int = 500,
    covered: Collection[str] = (),
) -> Iterator[tuple[str, list[os.DirEntry[str]] | None]]:
    """The seeds of the project at ``root``, unordered: what C010 compares with.

    Files under the root that include/exclude select and that lie in one of
    the configured ``paths`` folders, in a folder ``named`` on the command
    line, or in any folder named ``seeds`` (what the pre-commit hook passes).
    Symbolic links are left out: a link inside the project names a file that
    is itself a seed or none, and one leading out of it is not the project's.

    They come a folder at a time, at most ``batch`` entries each, with the folder's display
    path and a slash (a seed's display path is that and its name): whether a folder's files
    are seeds depends on the folder only, so each entry costs a few checks and no object.
    A batch's entries can be stat()ed only until the next batch is asked for.

    A folder whose display path (and slash) is in ``covered`` is not walked: it comes as
    its display path and None, meaning that its seeds are the files the per-file pass walked
    there (see :func:`stream`).
    """
    folders = [root / p for p in config.paths] + [p for p in named if p.is_dir()]
    prefixes = set()
    for folder in folders:
        if inside_root(folder, root):
            shown = display_path(folder, root)
            prefixes.add("" if shown == "." else shown + "/")
    starts = (*prefixes, SEED_FOLDER + "/")
    include = _pattern(config.include).match
    name_globs = tuple(g for g in config.exclude if "/" not in g)
    exclude_name = _pattern(name_globs).match if name_globs else None
    path_globs = tuple(g for g in config.exclude if "/" in g)
    exclude_path = _pattern(path_globs).match if path_globs else None
    pending: list[tuple[str, str]] = [(str(root), "")]
    while pending:
        current, below = pending.pop()
        if below in covered:
            yield below, None
            continue
        handle: int | None = None
        try:
            # Listed through a descriptor: each entry's stat() then looks up one name, not
            # the whole path again. Entries are only valid while it is open.
            if BY_DESCRIPTOR:
                handle = os.open(current, _FOLDER_FLAGS)
        except OSError:
            continue  # unreadable folder (or no longer a folder): nothing to lint in it
        seeds = below.startswith(starts) or f"/{SEED_FOLDER}/" in below
        subfolders = []
        found: list[os.DirEntry[str]] = []
        try:
            with os.scandir(current if handle is None else handle) as scan:
                for entry in _listed(scan):
                    name = entry.name
                    if (exclude_name and exclude_name(name)) or (
                        exclude_path and exclude_path(below + name)
                    ):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        subfolders.append((f"{current}/{name}", f"{below}{name}/"))
                    elif seeds and include(name) and entry.is_file(follow_symlinks=False):
                        found.append(entry)
                        if len(found) >= batch:
                            yield below, found
                            found = []
                if found:
                    yield below, found
        except OSError:
            pass  # unreadable folder (os.scandir): nothing to lint in it
        finally:
            if handle is not None:
                os.close(handle)
        pending.extend(reversed(subfolders))


def inside_root(path: Path, root: Path) -> bool:
    """True when ``path``, symlinks and ``..`` resolved, lies under ``root``."""
    return path.resolve().is_relative_to(root.resolve())


def escapes_root(path: Path, root: Path) -> bool:
    """True for a path inside the root as written that resolves outside it (a symlink).

    Such a path comes from the repository (a folder walk, or pre-commit naming
    the changed files), so its target is not the project's to read. A path
    outside the root as written was named on the trusted command line.
    """
    return _lexically_inside(path, root) and not inside_root(path, root)


def _absolute(path: Path) -> Path:
    """The absolute path as written: ``..`` folded, symlinks not followed."""
    return Path(os.path.normpath(Path.cwd() / path))


def _lexically_inside(path: Path, root: Path) -> bool:
    absolute = _absolute(path)
    return absolute.is_relative_to(_absolute(root)) or absolute.is_relative_to(root.resolve())


def located(path: Path) -> Path:
    """Where ``path`` stands: its folder resolved, its own name kept (a link stays a link).

    A finding about a symbolic link is about the file a pull request added (the
    link), so it is shown, and told apart from other files, by the link's name.
    """
    absolute = _absolute(path)
    return absolute.parent.resolve() / absolute.name


def display_path(path: Path, root: Path) -> str:
    """The path as shown in findings: relative to the project root when inside it, with /.

    A symbolic link is shown by its own name, wherever it leads.
    """
    here = located(path)
    for base in (root.resolve(), _absolute(root)):
        if here.is_relative_to(base):
            return here.relative_to(base).as_posix()
    return path.as_posix()
