"""How findings name places and values: ``related[2].webUrl``, ``the integer 3``."""

from __future__ import annotations

import json
from typing import Any

from seedlint.document import JsonPath

MAX_QUOTED = 80
"""Quoted values longer than this many characters are cut, ending in an ellipsis."""


def describe_path(path: JsonPath) -> str:
    """``("related", 2, "webUrl")`` → ``related[2].webUrl``; the root is "front matter"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "front matter"


def describe_value(value: Any) -> str:
    """A short phrase naming a value and its type, for messages."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return "a list"


def quote(value: Any) -> str:
    """A value as JSON text (strings in double quotes), cut to :data:`MAX_QUOTED` characters."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 2] + '…"'
