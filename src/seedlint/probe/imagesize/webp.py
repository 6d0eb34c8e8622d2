"""WebP: lossy (VP8), lossless (VP8L) and extended (VP8X) RIFF files."""

from __future__ import annotations

from .base import Fail, FileView, Gen, ImageSize, oriented, u16le, u32le


def parse_webp(src: FileView, head: bytes) -> Gen[ImageSize]:
    """WebP: first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended canvas).

    EXIF orientation is not applied: in WebP the EXIF chunk follows the image data and
    browsers ignore such late metadata (CSS Images 3, "image-orientation").
    """
    hdr = yield from src.read(0, 20, "WEBP: no image chunk header")
    kind = hdr[12:16]
    if kind == b"VP8 ":
        d = yield from src.read(0, 30, "WEBP: inside VP8 frame header")
        if d[20] & 1:
            raise Fail("corrupt WEBP: VP8 frame is not a key frame")
        if d[23:26] != b"\x9d\x01\x2a":
            raise Fail("corrupt WEBP: VP8 start code missing")
        # 14-bit sizes; the top two bits are upscaling hints, not part of the size.
        return oriented("WEBP", u16le(d, 26) & 0x3FFF, u16le(d, 28) & 0x3FFF, False)
    if kind == b"VP8L":
        d = yield from src.read(0, 25, "WEBP: inside VP8L header")
        if d[20] != 0x2F:
            raise Fail("corrupt WEBP: VP8L signature byte missing")
        bits = u32le(d, 21)
        if bits >> 29:
            raise Fail(f"corrupt WEBP: VP8L version {bits >> 29}")
        return oriented("WEBP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, False)
    if kind == b"VP8X":
        d = yield from src.read(0, 30, "WEBP: inside VP8X header")
        width = int.from_bytes(d[24:27], "little") + 1
        height = int.from_bytes(d[27:30], "little") + 1
        return oriented("WEBP", width, height, False)
    raise Fail(f"corrupt WEBP: unknown first chunk {kind!r}")
