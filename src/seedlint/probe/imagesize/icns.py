"""Apple ICNS: the largest icon element of a known type."""

from __future__ import annotations

from .base import MAX_ELEMENTS, Fail, FileView, Gen, ImageSize, oriented, u32be

# Apple's icon element types -> pixel size (width, height); "@2x" types count their real
# pixels (ic10 is 512pt@2x = 1024 px).  Masks (s8mk...) share their image's size.  Other
# types (TOC, icnV, name, info, the dark-mode and selected-variant containers) are not
# images.
_ICNS_SIZES: dict[bytes, tuple[int, int]] = {
    b"ICON": (32, 32),
    b"ICN#": (32, 32),
    b"icm#": (16, 12),
    b"icm4": (16, 12),
    b"icm8": (16, 12),
    b"ics#": (16, 16),
    b"ics4": (16, 16),
    b"ics8": (16, 16),
    b"is32": (16, 16),
    b"s8mk": (16, 16),
    b"icl4": (32, 32),
    b"icl8": (32, 32),
    b"il32": (32, 32),
    b"l8mk": (32, 32),
    b"ich#": (48, 48),
    b"ich4": (48, 48),
    b"ich8": (48, 48),
    b"ih32": (48, 48),
    b"h8mk": (48, 48),
    b"it32": (128, 128),
    b"t8mk": (128, 128),
    b"icp4": (16, 16),
    b"icp5": (32, 32),
    b"icp6": (64, 64),
    b"ic07": (128, 128),
    b"ic08": (256, 256),
    b"ic09": (512, 512),
    b"ic10": (1024, 1024),
    b"ic11": (32, 32),
    b"ic12": (64, 64),
    b"ic13": (256, 256),
    b"ic14": (512, 512),
    b"ic04": (16, 16),
    b"ic05": (32, 32),
    b"icsb": (18, 18),
    b"icsB": (36, 36),
    b"sb24": (24, 24),
    b"SB24": (48, 48),
}


def _icns_types(src: FileView, total: int) -> Gen[list[bytes]]:
    """Element types of an ICNS file of ``total`` bytes.

    If the first element is a ``TOC `` whose entries account for exactly the rest of the
    file, its list is used: one read, wherever the elements are.  Otherwise the element
    headers are walked, jumping over each element's data.
    """
    hdr = yield from src.read(8, 8, "ICNS: first element header")
    if hdr[:4] == b"TOC ":
        toc_len = u32be(hdr, 4)
        if 8 <= toc_len <= 8 + 8 * MAX_ELEMENTS and toc_len % 8 == 0:
            toc = yield from src.read(16, toc_len - 8, "ICNS: inside TOC element")
            entries = [(toc[k : k + 4], u32be(toc, k + 4)) for k in range(0, len(toc), 8)]
            if 8 + toc_len + sum(n for _, n in entries) == total:
                return [t for t, _ in entries]
    types: list[bytes] = []
    pos = 8
    while pos < total:
        if len(types) == MAX_ELEMENTS:
            raise Fail(f"ICNS: more than {MAX_ELEMENTS} elements")
        hdr = yield from src.read(pos, 8, f"ICNS: element header at offset {pos}")
        length = u32be(hdr, 4)
        if length < 8 or pos + length > total:
            raise Fail(f"corrupt ICNS: element {hdr[:4]!r} at offset {pos} has bad size {length}")
        types.append(hdr[:4])
        pos += length
    return types


def parse_icns(src: FileView, head: bytes) -> Gen[ImageSize]:
    """ICNS: the largest icon element, sized by its documented type code."""
    hdr = yield from src.read(0, 8, "ICNS: header")
    total = u32be(hdr, 4)
    if total < 16:
        raise Fail(f"corrupt ICNS: file length {total} in header")
    sizes = [_ICNS_SIZES[t] for t in (yield from _icns_types(src, total)) if t in _ICNS_SIZES]
    if not sizes:
        raise Fail("ICNS: no icon element of a known type")
    width, height = max(sizes, key=lambda s: s[0] * s[1])
    return oriented("ICNS", width, height, False)
