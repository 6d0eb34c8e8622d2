"""PNG and APNG: the IHDR chunk, checked by its CRC."""

from __future__ import annotations

import zlib

from .base import Fail, FileView, Gen, ImageSize, oriented, u32be

PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Allowed bit depths per colour type (PNG spec, table 11.1).
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def parse_png(src: FileView, head: bytes) -> Gen[ImageSize]:
    """PNG/APNG: validate IHDR (libpng rejects bad ones, so would a browser)."""
    pos = 8
    first = yield from src.read(pos, 8, "PNG: no IHDR chunk")
    if first[4:8] == b"CgBI":
        # Apple's "optimised" PNGs put a CgBI chunk before IHDR; skip it.
        pos += 12 + u32be(first)
        first = yield from src.read(pos, 8, "PNG: no IHDR chunk")
    if first[4:8] != b"IHDR" or u32be(first) != 13:
        raise Fail(f"corrupt PNG: first chunk is {first[4:8]!r}, not a 13-byte IHDR")
    ihdr = yield from src.read(pos, 25, "PNG: inside IHDR chunk")
    if zlib.crc32(ihdr[4:21]) != u32be(ihdr, 21):
        raise Fail("corrupt PNG: IHDR CRC mismatch")
    width, height = u32be(ihdr, 8), u32be(ihdr, 12)
    depth, ctype, compression, filt, interlace = ihdr[16:21]
    if depth not in _PNG_DEPTHS.get(ctype, set()):
        raise Fail(f"corrupt PNG: bit depth {depth} invalid for colour type {ctype}")
    if compression != 0 or filt != 0 or interlace > 1:
        raise Fail(
            f"corrupt PNG: IHDR compression/filter/interlace = {compression}/{filt}/{interlace}"
        )
    # APNG iff an acTL chunk precedes the first IDAT.  We only look at chunk headers in
    # bytes we already have (the first request): usually acTL directly follows IHDR, so
    # this is free.  If something else (iCCP, tEXt, ...) sits in between and runs past
    # those bytes, we report "PNG" rather than pay extra round trips -- size is the same.
    fmt = "PNG"
    pos += 25
    while True:
        chunk = src.peek(pos, 8)
        if len(chunk) < 8 or chunk[4:8] == b"IDAT":
            break
        if chunk[4:8] == b"acTL":
            fmt = "APNG"
            break
        pos += 12 + u32be(chunk)
    return oriented(fmt, width, height, False)
