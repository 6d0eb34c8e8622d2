"""Bytes to text: byte order mark, binary files, UTF-8, raw control characters."""

from __future__ import annotations

from seedlint.catalogue import structure
from seedlint.diagnostics import Diagnostic
from seedlint.document.model import MAX_FINDINGS_PER_KIND


def decode(raw: bytes, path: str) -> tuple[str, bool] | Diagnostic:
    """The text of a seed file and whether it had a BOM, or the finding that stops reading it."""
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if has_bom else raw
    nul = body.find(b"\x00", 0, 8192)
    if nul >= 0:
        line, column = byte_position(body, nul)
        message = f"binary file: NUL byte at line {line}, column {column}; expected UTF-8 text"
        return structure.NOT_TEXT.at(path, 1, 1, message)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(body, error.start)
        message = f"byte 0x{body[error.start]:02x} is not valid UTF-8; save the file as UTF-8"
        return structure.NOT_TEXT.at(path, line, column, message)
    return text, has_bom


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def control_characters(text: str, path: str) -> list[Diagnostic]:
    """S010 for each raw control character, up to the per-kind cap."""
    found: list[Diagnostic] = []
    for match in structure.RAW_CONTROL_CHARACTERS.finditer(text):
        if len(found) == MAX_FINDINGS_PER_KIND:
            break
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        message = f"control character U+{ord(match.group()):04X}; remove it"
        found.append(structure.CONTROL_CHARACTER.at(path, line, column, message))
    return found
