"""JPEG 2000: JP2 files (boxes, the ihdr box) and raw codestreams (the SIZ segment)."""

from __future__ import annotations

from .base import MAX_ELEMENTS, Fail, FileView, Gen, ImageSize, oriented, u16be, u32be
from .bmff import bmff_box

JP2_SIG = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


def parse_jp2(src: FileView, head: bytes) -> Gen[ImageSize]:
    """JP2 file: signature box, ftyp, then the jp2h header box whose ihdr holds the size."""
    fmt = "JPEG2000"
    pos = 12
    for k in range(MAX_ELEMENTS):
        # Read ahead so that a jp2h header and its leading ihdr come in one request.
        yield from src.fetch(pos, 8, 30)
        box = yield from bmff_box(src, pos, None, fmt, looking_for="jp2h header box", family=fmt)
        if k == 0 and box.type != b"ftyp":
            raise Fail(f"corrupt {fmt}: first box after the signature is {box.type!r}, not ftyp")
        if box.type == b"jp2c":
            raise Fail(f"corrupt {fmt}: codestream box before the jp2h header box")
        if box.type == b"jp2h":
            break
        pos = box.end
    else:
        raise Fail(f"{fmt}: no jp2h header box among the first {MAX_ELEMENTS} boxes")
    pos = box.body
    while pos < box.end:
        sub = yield from bmff_box(src, pos, box.end, fmt, looking_for="ihdr box", family=fmt)
        if sub.type == b"ihdr":
            if sub.end - sub.body < 14:
                raise Fail(f"corrupt {fmt}: ihdr box of {sub.end - sub.body} bytes")
            d = yield from src.read(sub.body, 14, f"{fmt}: inside ihdr box")
            if u16be(d, 8) == 0:
                raise Fail(f"corrupt {fmt}: ihdr box declares 0 components")
            return oriented(fmt, u32be(d, 4), u32be(d, 0), False)
        pos = sub.end
    raise Fail(f"corrupt {fmt}: jp2h header box without an ihdr box")


def parse_j2k(src: FileView, head: bytes) -> Gen[ImageSize]:
    """Raw JPEG 2000 codestream: SOC, then the SIZ marker segment (reference grid size
    minus the image offset)."""
    fmt = "JPEG2000"
    d = yield from src.read(0, 24, f"{fmt}: SIZ marker segment")
    lsiz = u16be(d, 4)
    if lsiz < 41:
        raise Fail(f"corrupt {fmt}: SIZ segment length {lsiz}")
    xsiz, ysiz, xosiz, yosiz = (u32be(d, i) for i in (8, 12, 16, 20))
    if xosiz >= xsiz or yosiz >= ysiz:
        raise Fail(f"corrupt {fmt}: image offset {xosiz},{yosiz} outside grid {xsiz}x{ysiz}")
    return oriented(fmt, xsiz - xosiz, ysiz - yosiz, False)
