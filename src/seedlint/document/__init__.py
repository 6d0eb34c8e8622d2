"""From bytes to a :class:`SeedDocument`: decode, split the front matter, compose YAML.

- :mod:`~seedlint.document.decoding`: bytes to text (BOM, binary, UTF-8, control characters);
- :mod:`~seedlint.document.frontmatter`: the YAML between the two ``---`` lines;
- :mod:`~seedlint.document.composer`: events to plain data with positions;
- :mod:`~seedlint.document.syntax`: the YAML rules libyaml does not enforce;
- :mod:`~seedlint.document.yaml11`: how PyYAML (YAML 1.1) reads plain scalars;
- :mod:`~seedlint.document.loader`: libyaml, or a pure-Python parser that agrees with it.
"""

from __future__ import annotations

from seedlint.document.model import (
    MAX_DEPTH,
    MAX_FINDINGS_PER_KIND,
    JsonPath,
    ReadResult,
    SeedDocument,
    Span,
)
from seedlint.document.reading import compose_yaml, parse_seed, read_seed_file
from seedlint.document.yaml11 import Ambiguity

__all__ = [
    "MAX_DEPTH",
    "MAX_FINDINGS_PER_KIND",
    "Ambiguity",
    "JsonPath",
    "ReadResult",
    "SeedDocument",
    "Span",
    "compose_yaml",
    "parse_seed",
    "read_seed_file",
]
