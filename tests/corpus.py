"""Generated corpora with a realistic spread of keyword values, for the vocabulary rules.

``benchmarks/generate_seeds.py`` writes realistic seeds with one type and
one category; here each seed's ``type`` (and each related article's) and
``category`` are redrawn from skewed distributions like a news site's: most
seeds are articles filed under news, a long tail is rare (an obituary, a
fact check) without being a variant of anything common.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import PROJECT

TYPES = {
    "article": 70,
    "video": 12,
    "opinion": 8,
    "podcast": 4,
    "gallery": 3,
    "liveblog": 2,
    "interview": 1,
    "obituary": 0.3,
}
CATEGORIES = {
    "news": 40,
    "politics": 12,
    "business": 10,
    "technology": 9,
    "sport": 8,
    "science": 6,
    "culture": 5,
    "health": 4,
    "environment": 3,
    "travel": 2,
    "fact-check": 0.3,
}
_TYPE_LINE = re.compile(r"^( *)type: article$", re.MULTILINE)
_CATEGORY_LINE = re.compile(r"^category: news$", re.MULTILINE)


def _generator() -> ModuleType:
    name = "generate_seeds"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, PROJECT / "benchmarks" / "generate_seeds.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _draw(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` realistic seeds in ``folder`` with a spread of types and categories."""
    files: list[Path] = _generator().generate(count, folder, seed)
    rng = random.Random(seed)
    for file in files:
        text = file.read_text(encoding="utf-8")
        text = _TYPE_LINE.sub(lambda m: f"{m.group(1)}type: {_draw(rng, TYPES)}", text)
        text = _CATEGORY_LINE.sub(lambda m: f"category: {_draw(rng, CATEGORIES)}", text)
        file.write_text(text, encoding="utf-8", newline="\n")
    return files


def plant(files: list[Path], start: int, old: str, new: str) -> tuple[Path, tuple[int, int]]:
    """Replace the first ``old`` line (stripped) of the first of ``files[start:]`` having one.

    Returns the file, and the line and column where the value after ``key: `` starts.
    """
    for file in files[start:]:
        lines = file.read_text(encoding="utf-8").split("\n")
        matches = [number for number, line in enumerate(lines) if line.strip() == old]
        if matches:
            break
    else:
        raise LookupError(old)
    number = matches[0]
    indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
    lines[number] = indent + new
    file.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return file, (number + 1, len(indent) + new.index(": ") + 3)
