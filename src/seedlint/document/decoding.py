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


_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2])
"""The bytes of every character S010 reports, in UTF-8: C0 controls (but tab, LF, CR),
DEL, and 0xC2, the lead byte of U+0080-U+00BF, where the C1 controls are."""
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def control_characters(text: str, path: str, raw: bytes | None = None) -> list[Diagnostic]:
    """S010 for each raw control character, up to the per-kind cap.

    ``raw``, the UTF-8 bytes ``text`` was decoded from, settles the usual case (none
    of those bytes) with one ``bytes.translate``, several times faster than a regex
    search of text that is not ASCII.
    """
    if raw is not None and not raw.translate(None, _OTHER_BYTES):
        return []
    found: list[Diagnostic] = []
    for match in structure.RAW_CONTROL_CHARACTERS.finditer(text):
        if len(found) == MAX_FINDINGS_PER_KIND:
            break
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        message = f"control character U+{ord(match.group()):04X}; remove it"
        found.append(structure.CONTROL_CHARACTER.at(path, line, column, message))
    return found
