"""Formats whose size sits at a fixed place of a fixed header: GIF, PSD/PSB, QOI."""

from __future__ import annotations

from .base import Fail, FileView, Gen, ImageSize, oriented, u16be, u16le, u32be


def parse_gif(src: FileView, head: bytes) -> Gen[ImageSize]:
    """GIF: the logical screen size (what browsers and Pillow report)."""
    hdr = yield from src.read(0, 10, "GIF: inside logical screen descriptor")
    return oriented("GIF", u16le(hdr, 6), u16le(hdr, 8), False)


# Colour modes of the PSD spec: bitmap, grey, indexed, RGB, CMYK, multichannel, duotone, Lab.
_PSD_MODES = frozenset({0, 1, 2, 3, 4, 7, 8, 9})


def parse_psd(src: FileView, head: bytes) -> Gen[ImageSize]:
    """PSD (version 1) / PSB (version 2, "large document"): the 26-byte file header."""
    d = yield from src.read(0, 26, "PSD: file header")
    version = u16be(d, 4)
    if version not in (1, 2):
        raise Fail(f"corrupt PSD: version {version}")
    fmt = "PSD" if version == 1 else "PSB"
    channels, height, width = u16be(d, 12), u32be(d, 14), u32be(d, 18)
    depth, mode = u16be(d, 22), u16be(d, 24)
    if not 1 <= channels <= 56:
        raise Fail(f"corrupt {fmt}: {channels} channels")
    if depth not in (1, 8, 16, 32):
        raise Fail(f"corrupt {fmt}: bit depth {depth}")
    if mode not in _PSD_MODES:
        raise Fail(f"corrupt {fmt}: colour mode {mode}")
    return oriented(fmt, width, height, False)


def parse_qoi(src: FileView, head: bytes) -> Gen[ImageSize]:
    """QOI: ``qoif``, width, height (big-endian uint32), channels, colour space."""
    d = yield from src.read(0, 14, "QOI: header")
    if d[12] not in (3, 4):
        raise Fail(f"corrupt QOI: {d[12]} channels")
    if d[13] > 1:
        raise Fail(f"corrupt QOI: colour space {d[13]}")
    return oriented("QOI", u32be(d, 4), u32be(d, 8), False)
