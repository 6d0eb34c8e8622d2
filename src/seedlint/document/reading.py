"""One seed file, from bytes to a :class:`SeedDocument` and the findings made on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seedlint.catalogue import structure
from seedlint.diagnostics import Diagnostic
from seedlint.document.composer import Composer
from seedlint.document.decoding import control_characters, decode
from seedlint.document.frontmatter import split_front_matter
from seedlint.document.loader import FastLoader
from seedlint.document.model import ReadResult, SeedDocument
from seedlint.document.syntax import check_syntax


def read_seed_file(path: Path, display_path: str, max_size: int) -> ReadResult:
    """Read and parse one seed file, reporting (not raising) every problem with it."""
    try:
        size = path.stat().st_size
        if size > max_size:
            message = f"file is {size:,} bytes, over the {max_size:,}-byte limit; not read"
            return ReadResult(None, [structure.TOO_LARGE.at(display_path, 1, 1, message)])
        with path.open("rb") as stream:
            # Read one byte past the limit: the file may have grown since stat().
            raw = stream.read(max_size + 1)
    except OSError as error:
        message = f"cannot read file: {error.strerror or error}"
        return ReadResult(None, [structure.NOT_TEXT.at(display_path, 1, 1, message)])
    if len(raw) > max_size:
        message = f"file is over the {max_size:,}-byte limit; not read"
        return ReadResult(None, [structure.TOO_LARGE.at(display_path, 1, 1, message)])
    return parse_seed(raw, display_path)


def parse_seed(raw: bytes, path: str = "<text>", loader: type[Any] = FastLoader) -> ReadResult:
    """Parse the bytes of one seed file."""
    decoded = decode(raw, path)
    if isinstance(decoded, Diagnostic):
        return ReadResult(None, [decoded])
    text, has_bom = decoded
    if not text.strip():
        return ReadResult(
            None, [structure.EMPTY.at(path, 1, 1, "file is empty; expected front matter")]
        )
    diagnostics = control_characters(text, path, raw)
    front_matter = split_front_matter(text, path)
    if isinstance(front_matter, Diagnostic):
        return ReadResult(None, [*diagnostics, front_matter])
    document = SeedDocument(path=path, text=text, data=None, has_bom=has_bom)
    found = compose_yaml(document, *front_matter, loader=loader, known=diagnostics)
    diagnostics.extend(found.diagnostics)
    if found.document is None:
        return ReadResult(None, diagnostics)
    if document.data is None and not document.values:
        message = "front matter is empty; expected the article's keys"
        diagnostics.append(structure.EMPTY.at(path, 1, 1, message))
        return ReadResult(None, diagnostics)
    return ReadResult(document, diagnostics)


def compose_yaml(
    document: SeedDocument,
    yaml_text: str,
    offset: int = 0,
    first_line: int = 1,
    *,
    loader: type[Any] = FastLoader,
    known: list[Diagnostic] | None = None,
) -> ReadResult:
    """Compose ``yaml_text`` into ``document``; the document is None when that failed.

    ``known`` are findings already made on the same text (control characters):
    a parse error on one of their lines is explained by them and not repeated.
    """
    composer = Composer(document, yaml_text, offset, first_line, loader)
    composed = composer.compose()
    error = composer.syntax_error
    tab_lines = check_syntax(composer, error.line if error is not None else None)
    diagnostics = composer.diagnostics
    if error is not None:
        # A raw control character, a tab or one of the syntax checks explains a parse
        # error on its line; an anchor or a tag there does not.
        explaining = (structure.CONTROL_CHARACTER.code, structure.YAML_SYNTAX.code)
        explained = {d.line for d in [*diagnostics, *(known or ())] if d.code in explaining}
        explained |= tab_lines
        if error.line not in explained:
            diagnostics.append(error)
    # Invalid YAML is not checked further, whichever check found it.
    invalid = error is not None or any(d.code == structure.YAML_SYNTAX.code for d in diagnostics)
    return ReadResult(document if composed and not invalid else None, diagnostics)
