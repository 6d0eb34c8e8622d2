"""Make ``seedlint.probe`` importable from this checkout.

The shared virtualenv has an editable install of another checkout of seedlint; its regular
``seedlint`` package shadows this tree's ``src/seedlint`` (which, on this branch, holds only
the ``probe`` subpackage).  If ``seedlint.probe`` is not found through the installed package,
add this checkout's ``src/seedlint`` to the package path.  Once both live in one tree this is
a no-op.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import seedlint

_HERE = Path(__file__).resolve().parents[2] / "src" / "seedlint"

if importlib.util.find_spec("seedlint.probe") is None and _HERE.is_dir():
    seedlint.__path__.append(str(_HERE))
