"""A tiny stand-in for ``seedlint.probe.imagesize`` (PNG, GIF, JPEG), for engine tests.

Same interface as the real parser: a generator that yields ByteRequest,
is sent bytes and returns ImageSize or SizeUnknown. JPEG segments are
skipped by jumping forward, like the real one may.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Generator
from dataclasses import dataclass


@dataclass(frozen=True)
class ByteRequest:
    offset: int
    length: int


@dataclass(frozen=True)
class ImageSize:
    format: str
    width: int
    height: int
    display_width: int
    display_height: int


@dataclass(frozen=True)
class SizeUnknown:
    reason: str


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read_size(max_bytes: int = 1 << 20) -> Generator[ByteRequest, bytes, ImageSize | SizeUnknown]:
    head = yield ByteRequest(0, 26)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return ImageSize("png", width, height, width, height)
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return ImageSize("gif", width, height, width, height)
    if head[:2] == b"\xff\xd8":
        pos = 2
        while pos < max_bytes:
            seg = yield ByteRequest(pos, 4)
            if len(seg) < 4 or seg[0] != 0xFF:
                return SizeUnknown("truncated or corrupt JPEG")
            marker, length = seg[1], struct.unpack(">H", seg[2:4])[0]
            if marker in _SOF:
                body = yield ByteRequest(pos + 4, 5)
                if len(body) < 5:
                    return SizeUnknown("truncated JPEG frame header")
                height, width = struct.unpack(">HH", body[1:5])
                return ImageSize("jpeg", width, height, width, height)
            pos += 2 + length  # jump over the segment
        return SizeUnknown("no JPEG frame header within the byte cap")
    if not head:
        return SizeUnknown("empty file")
    return SizeUnknown("not a known image format")


def png(width: int, height: int, extra: int = 0) -> bytes:
    """A PNG header (signature + IHDR), plus ``extra`` filler bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
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
