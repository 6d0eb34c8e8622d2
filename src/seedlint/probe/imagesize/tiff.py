"""TIFF, classic and BigTIFF: the first IFD's width and length, turned by its orientation."""

from __future__ import annotations

from typing import Literal

from .base import Fail, FileView, Gen, ImageSize, oriented


def parse_tiff(src: FileView, head: bytes) -> Gen[ImageSize]:
    """TIFF/BigTIFF: ImageWidth/ImageLength/Orientation from IFD0."""
    hdr = yield from src.read(0, 8, "TIFF: header")
    order: Literal["little", "big"] = "little" if hdr[:2] == b"II" else "big"

    def uint(b: bytes, i: int, n: int) -> int:
        return int.from_bytes(b[i : i + n], order)

    if uint(hdr, 2, 2) == 43:  # BigTIFF: 8-byte offsets, 20-byte entries
        hdr = yield from src.read(0, 16, "TIFF: BigTIFF header")
        if uint(hdr, 4, 2) != 8 or uint(hdr, 6, 2) != 0:
            raise Fail("corrupt TIFF: bad BigTIFF offset size")
        ifd, count_size, entry_size, value_size, first = uint(hdr, 8, 8), 8, 20, 8, 16
    else:
        ifd, count_size, entry_size, value_size, first = uint(hdr, 4, 4), 2, 12, 4, 8
    if ifd < first:
        raise Fail(f"corrupt TIFF: IFD0 offset {ifd}")
    n = uint((yield from src.read(ifd, count_size, "TIFF: IFD0 entry count")), 0, count_size)
    if n == 0:
        raise Fail("corrupt TIFF: IFD0 has no entries")
    if n * entry_size > src.max_bytes:
        raise Fail(f"corrupt TIFF: IFD0 claims {n} entries")
    entries = yield from src.read(ifd + count_size, n * entry_size, "TIFF: inside IFD0")

    # Width/length may be SHORT or LONG (or LONG8 in BigTIFF).  We insist on exactly
    # one consistent value: fuzzed/corrupt files repeat these tags with other types,
    # counts or values, and then nobody can say which size is right.
    sizes_by_type = {3: 2, 4: 4, 16: 8}
    found: dict[int, int] = {}
    orientation = 1
    for k in range(n):
        e = entries[k * entry_size : (k + 1) * entry_size]
        tag, typ = uint(e, 0, 2), uint(e, 2, 2)
        count = uint(e, 4, value_size)
        if tag in (0x0100, 0x0101):
            vsize = sizes_by_type.get(typ)
            if vsize is None or vsize > value_size or count != 1:
                raise Fail(f"corrupt TIFF: tag {tag:#06x} has type {typ}, count {count}")
            value = uint(e, 4 + value_size, vsize)
            if found.setdefault(tag, value) != value:
                raise Fail(f"corrupt TIFF: conflicting values for tag {tag:#06x}")
        elif tag == 0x0112 and typ == 3 and count == 1:
            value = uint(e, 4 + value_size, 2)
            orientation = value if 1 <= value <= 8 else 1
    if 0x0100 not in found or 0x0101 not in found:
        raise Fail("corrupt TIFF: IFD0 lacks ImageWidth or ImageLength")
    return oriented("TIFF", found[0x0100], found[0x0101], orientation >= 5)
