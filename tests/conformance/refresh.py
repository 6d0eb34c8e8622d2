"""Re-download a vendored conformance suite at a given commit.

Each suite folder holds a ``SOURCE.json``: the repository, the pinned commit and
the files taken from it (``{"upstream/path": "local-name"}``). This script
fetches exactly those files at the commit you name, writes each one atomically,
and records the new commit. Review the diff and the deviation table
(docs/conformance.md) afterwards: the conformance tests say what changed.

    python tests/conformance/refresh.py json_schema 0123abcd...   # 40 hex digits
    python tests/conformance/refresh.py whatwg_url <commit> --repo web-platform-tests/wpt \\
        --file url/resources/urltestdata.json=urltestdata.json --file LICENSE.md=LICENSE.md
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"
_COMMIT = re.compile(r"[0-9a-f]{40}")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")


def _write_atomically(target: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read()
    return data


def refresh(suite: str, commit: str, repo: str | None, files: dict[str, str] | None) -> int:
    folder = (HERE / suite).resolve()
    if folder.parent != HERE or not (folder / "SOURCE.json").is_file():
        print(f"{suite}: no such suite folder with a SOURCE.json under {HERE}", file=sys.stderr)
        return 2
    if not _COMMIT.fullmatch(commit):
        print(f"{commit!r} is not a full 40-digit commit hash", file=sys.stderr)
        return 2
    source = json.loads((folder / "SOURCE.json").read_text(encoding="utf-8"))
    repo = repo or source["repo"]
    if not _REPO.fullmatch(repo):
        print(f"{repo!r} is not owner/name", file=sys.stderr)
        return 2
    wanted: dict[str, str] = files or source["files"]
    for local in wanted.values():
        if Path(local).name != local:
            print(f"{local!r}: local names are plain file names", file=sys.stderr)
            return 2
    # Download everything before writing anything: a failure leaves the old copy whole.
    fetched = {
        local: _download(RAW.format(repo=repo, commit=commit, path=upstream))
        for upstream, local in wanted.items()
    }
    for local, data in fetched.items():
        _write_atomically(folder / local, data)
        print(f"{suite}/{local}: {len(data)} bytes")
    if repo != source["repo"]:
        source.pop("note", None)  # the note explains where the old copy came from
    source.update(repo=repo, commit=commit, files=wanted)
    text = json.dumps(source, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(folder / "SOURCE.json", text.encode("utf-8"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", help="folder name under tests/conformance/")
    parser.add_argument("commit", help="the upstream commit to pin (40 hex digits)")
    parser.add_argument("--repo", help="take the files from this owner/name instead")
    parser.add_argument(
        "--file",
        action="append",
        metavar="UPSTREAM=LOCAL",
        help="replace the file list (repeatable)",
    )
    args = parser.parse_args(argv)
    files = None
    if args.file:
        pairs = [item.split("=", 1) for item in args.file]
        if any(len(pair) != 2 for pair in pairs):
            parser.error("--file takes UPSTREAM=LOCAL")
        files = {upstream: local for upstream, local in pairs}
    return refresh(args.suite, args.commit, args.repo, files)


if __name__ == "__main__":
    raise SystemExit(main())
