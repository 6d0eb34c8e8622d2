"""JPEG: the SOF marker's size, turned by the EXIF orientation of APP1."""

from __future__ import annotations

from .base import (
    JPEG_JUNK_LIMIT,
    JPEG_WINDOW,
    Fail,
    FileView,
    Gen,
    ImageSize,
    oriented,
    u16be,
    u16le,
    u32be,
    u32le,
)

# SOF0..SOF15 minus DHT (C4), JPG (C8) and DAC (CC), which share the range.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field (RSTn, TEM); they may appear anywhere.
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}


def _jpeg_find_marker(src: FileView, pos: int) -> Gen[tuple[int, int]]:
    """Find the marker at or after ``pos``: returns (offset of its last 0xFF, code).

    Fill bytes (runs of 0xFF) are legal before any marker.  Junk bytes (anything else) are
    not, but libjpeg -- and therefore browsers -- skip them with a warning, so we resync
    the same way, up to a bound.  Reads are small when the marker is where expected and
    grow to 512-byte windows only while scanning.
    """
    start = pos
    window = JPEG_WINDOW
    while True:
        if pos - start > JPEG_JUNK_LIMIT:
            raise Fail(f"corrupt JPEG: no marker within {JPEG_JUNK_LIMIT} bytes of offset {start}")
        data = yield from src.fetch(pos, 2, window)
        if len(data) < 2:
            raise Fail("truncated JPEG: no SOF marker before end of data")
        i = 0
        while i + 1 < len(data):
            if data[i] == 0xFF and data[i + 1] not in (0x00, 0xFF):
                return pos + i, data[i + 1]
            i += 1
        # Not found in this window: continue from its last byte (it may be the 0xFF of a
        # marker split across windows), reading bigger windows from now on.
        pos += len(data) - 1
        window = 512


def _jpeg_exif_orientation(src: FileView, tiff: int, end: int) -> Gen[int | None]:
    """EXIF orientation from the TIFF structure at ``[tiff, end)`` (inside one APP1).

    Mirrors what browsers do: only IFD0 entries that lie completely inside the segment are
    looked at, the tag must be SHORT with count 1, and broken EXIF means "no orientation",
    never "no size".  Returns the value (1..8), 1 for an invalid value, or None when the
    tag is absent (so a later Exif segment may still supply it).
    """
    if end - tiff < 8:
        return None
    # Read the TIFF header plus the IFD0 entry count, assuming (as nearly every writer
    # does) that IFD0 directly follows the header; one request instead of two.
    hdr = yield from src.read(tiff, min(10, end - tiff), "JPEG: EXIF header")
    if hdr[:4] == b"II*\x00":
        u16, u32 = u16le, u32le
    elif hdr[:4] == b"MM\x00*":
        u16, u32 = u16be, u32be
    else:
        return None
    ifd = tiff + u32(hdr, 4)
    if ifd < tiff + 8 or ifd + 2 > end:
        return None
    count = u16((yield from src.read(ifd, 2, "JPEG: EXIF IFD0")))
    fit = min(count, (end - ifd - 2) // 12)
    entries = yield from src.read(ifd + 2, fit * 12, "JPEG: EXIF IFD0")
    for k in range(fit):
        e = entries[12 * k : 12 * k + 12]
        if u16(e, 0) == 0x0112 and u16(e, 2) == 3 and u32(e, 4) == 1:
            value = u16(e, 8)
            return value if 1 <= value <= 8 else 1
    return None


def parse_jpeg(src: FileView, head: bytes) -> Gen[ImageSize]:
    """JPEG: walk markers from SOI to the first SOFn, jumping over segment payloads."""
    orientation: int | None = None
    pos = 2
    while True:
        mpos, code = yield from _jpeg_find_marker(src, pos)
        if code in _JPEG_STANDALONE:
            pos = mpos + 2
            continue
        if code == 0xD8:
            raise Fail(f"corrupt JPEG: second SOI marker at offset {mpos}")
        if code == 0xD9:
            raise Fail("corrupt JPEG: EOI marker before any SOF marker")
        if code == 0xDA:
            raise Fail("corrupt JPEG: SOS marker before any SOF marker")
        seg = yield from src.fetch(mpos, 4, JPEG_WINDOW)
        if len(seg) < 4:
            raise Fail("truncated JPEG: no SOF marker before end of data")
        length = u16be(seg, 2)
        if length < 2:
            raise Fail(f"corrupt JPEG: segment length {length} at offset {mpos}")
        if code in _JPEG_SOF:
            if length < 8:
                raise Fail(f"corrupt JPEG: SOF segment length {length} at offset {mpos}")
            sof = yield from src.read(mpos, 9, "JPEG: inside SOF segment")
            height, width = u16be(sof, 5), u16be(sof, 7)
            if height == 0:
                # Legal but rare: the height comes in a DNL marker after the first scan,
                # i.e. after the compressed data.  We will not fetch the whole file.
                raise Fail("JPEG height is defined by a DNL marker after the scan (unsupported)")
            swap = orientation is not None and orientation >= 5
            return oriented("JPEG", width, height, swap)
        if code == 0xE1 and orientation is None:
            if len(seg) < JPEG_WINDOW:
                seg = yield from src.fetch(mpos, min(JPEG_WINDOW, 2 + length))
            if seg[4:10] == b"Exif\x00\x00":
                orientation = yield from _jpeg_exif_orientation(src, mpos + 10, mpos + 2 + length)
        pos = mpos + 2 + length
