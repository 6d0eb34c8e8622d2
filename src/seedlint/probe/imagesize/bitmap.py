"""Bitmaps of the Windows family and TGA: BMP, ICO/CUR, and TGA 2.0 (confirmed by its footer)."""

from __future__ import annotations

from .base import Fail, FileView, Gen, ImageSize, first_bytes, oriented, u16le, u32le

_BMP_WINDOWS_HEADERS = frozenset({40, 52, 56, 108, 124})
_BMP_OS2_HEADERS = frozenset({16, 64})


def parse_bmp(src: FileView, head: bytes) -> Gen[ImageSize]:
    """BMP: BITMAPCOREHEADER (OS/2, 16-bit) or BITMAPINFOHEADER and later (signed 32-bit)."""
    d = yield from src.read(0, 18, "BMP: file header")
    hsize = u32le(d, 14)
    if hsize == 12:
        d = yield from src.read(0, 26, "BMP: inside BITMAPCOREHEADER")
        width, height, bpp = u16le(d, 18), u16le(d, 20), u16le(d, 24)
        if bpp not in (1, 4, 8, 24):
            raise Fail(f"corrupt BMP: bit depth {bpp}")
        return oriented("BMP", width, height, False)
    if hsize not in _BMP_WINDOWS_HEADERS | _BMP_OS2_HEADERS:
        raise Fail(f"unsupported BMP: DIB header size {hsize}")
    n = 30 if hsize == 16 else 34
    d = yield from src.read(0, n, "BMP: inside BITMAPINFOHEADER")
    width = int.from_bytes(d[18:22], "little", signed=True)
    height = int.from_bytes(d[22:26], "little", signed=True)
    bpp = u16le(d, 28)
    if hsize in _BMP_WINDOWS_HEADERS and u32le(d, 30) in (4, 5):
        # BI_JPEG/BI_PNG: a JPEG/PNG wrapped in BMP; meant for printers, no browser (or
        # Pillow) renders it, so no size we report would be what a reader sees.
        kind = "JPEG" if u32le(d, 30) == 4 else "PNG"
        raise Fail(f"unsupported BMP: embedded {kind} data (BI_{kind}) is not rendered")
    if bpp not in (1, 2, 4, 8, 16, 24, 32):
        raise Fail(f"corrupt BMP: bit depth {bpp}")
    if width <= 0:
        raise Fail(f"corrupt BMP: width {width}")
    # Negative height means top-down row order; the size is its absolute value.
    return oriented("BMP", width, abs(height), False)


def parse_ico(src: FileView, head: bytes) -> Gen[ImageSize]:
    """ICO/CUR: the largest directory entry; a stored 0 means 256."""
    fmt = "ICO" if head[2] == 1 else "CUR"
    d = yield from src.read(0, 6, f"{fmt}: header")
    count = u16le(d, 4)
    if count == 0:
        raise Fail(f"corrupt {fmt}: no images in directory")
    d = yield from src.read(6, 16 * count, f"{fmt}: inside image directory")
    best = (0, 0)
    for k in range(count):
        w, h = d[16 * k] or 256, d[16 * k + 1] or 256
        if w * h > best[0] * best[1]:
            best = (w, h)
    return oriented(fmt, best[0], best[1], False)


_TGA_FOOTER = b"TRUEVISION-XFILE.\x00"
_TGA_COLORMAPPED = frozenset({1, 9})
_TGA_TYPES = frozenset({1, 2, 3, 9, 10, 11})


def tga_plausible(head: bytes) -> bool:
    """Could these first bytes be a TGA header?  (TGA has no magic bytes.)"""
    if len(head) < 18:
        return False
    cmap_type, image_type, depth, alpha = head[1], head[2], head[16], head[17] & 0x0F
    if image_type not in _TGA_TYPES or cmap_type not in (0, 1):
        return False
    if image_type in _TGA_COLORMAPPED and (cmap_type != 1 or u16le(head, 5) == 0):
        return False
    if cmap_type == 1 and head[7] not in (15, 16, 24, 32):
        return False
    if depth not in (8, 15, 16, 24, 32) or alpha > depth:
        return False
    return u16le(head, 12) >= 1 and u16le(head, 14) >= 1


def parse_tga(src: FileView, head: bytes) -> Gen[ImageSize]:
    """TGA 2.0: a plausible header confirmed by the footer in the file's last 18 bytes."""
    footer = yield from src.tail(len(_TGA_FOOTER), "a TGA 2.0 footer in the last 18 bytes")
    if len(footer) < len(_TGA_FOOTER):
        raise Fail(
            f"unknown format (first bytes {first_bytes(head)}): plausible TGA header, but the "
            "file's last 18 bytes (the TGA 2.0 footer) could not be read"
        )
    if footer != _TGA_FOOTER:
        raise Fail(
            f"unknown format (first bytes {first_bytes(head)}): plausible TGA header, but no magic "
            "bytes; TGA without a 2.0 footer cannot be told from noise"
        )
    # The origin bits (top/bottom, left/right) flip rows or columns, never the size.
    return oriented("TGA", u16le(head, 12), u16le(head, 14), False)
