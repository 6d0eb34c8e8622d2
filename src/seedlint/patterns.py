"""Regular expressions compiled on first use.

Compiling a pattern costs tens to hundreds of microseconds in pure Python, and
most of the package's patterns serve findings a clean file never has (an
escape sequence to neutralise, a YAML error to rephrase, a tab in an
indentation). Compiled at import, they would cost every short run, a
pre-commit check of one file among them, a few milliseconds for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache


def lazy_pattern(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function returning ``re.compile(pattern, flags)``, compiled on its first call."""

    @cache
    def compiled() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return compiled
