"""Synthetic image bytes for probe tests (the real parser measures them)."""

from __future__ import annotations

import struct
import zlib


def png(width: int, height: int, extra: int = 0) -> bytes:
    """A PNG header (signature + IHDR), plus ``extra`` filler bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = (
        struct.pack(">I", len(ihdr))
        + b"IHDR"
        + ihdr
        + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    )
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\0" * extra


def jpeg(width: int, height: int, app1: int = 0, tail: int = 0) -> bytes:
    """SOI, JFIF APP0, an optional big APP1 (``app1`` bytes), SOF0, then ``tail`` filler."""
    out = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    remaining = app1
    while remaining > 0:  # APP1 segments hold at most 65533 bytes of payload
        size = min(remaining, 65533)
        out += b"\xff\xe1" + struct.pack(">H", size + 2) + b"\x11" * size
        remaining -= size
    out += b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return out + b"\0" * tail


def tga(width: int, height: int, footer: bool = True) -> bytes:
    """An uncompressed 24-bit TGA (its pixels, and a TGA 2.0 footer if ``footer``)."""
    head = struct.pack("<BBBHHBHHHHBB", 0, 0, 2, 0, 0, 0, 0, 0, width, height, 24, 0x20)
    pixels = bytes(i % 251 for i in range(width * height * 3))
    return head + pixels + (b"\0" * 8 + b"TRUEVISION-XFILE.\0" if footer else b"")
