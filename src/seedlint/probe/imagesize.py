"""Sans-IO image-size parser.

:func:`read_size` is a generator that asks for byte ranges (:class:`ByteRequest`), is sent
the bytes, and finally returns an :class:`ImageSize` or a :class:`SizeUnknown`.  It never
does I/O itself, so an HTTP fetcher can answer each request with a Range request, and tests
can answer from memory (:func:`measure_bytes`).

Formats are recognised by magic bytes.  Supported: JPEG, PNG/APNG, GIF, WebP, AVIF/HEIF,
BMP, TIFF (classic and BigTIFF), ICO/CUR, SVG, PSD/PSB, QOI, PNM (PBM/PGM/PPM/PAM), ICNS,
JPEG 2000 (JP2 files and raw codestreams) and TGA.  TGA has no magic bytes: it is only
tried when nothing else matched, and only believed when its header is plausible *and* the
file ends with the TGA 2.0 footer (one suffix request, see :class:`ByteRequest`).  The
parser reads as few bytes as it can and jumps over data it does not need (APPn segments,
PNG/ISO-BMFF/JP2 boxes, ICNS elements), but it never guesses: broken, truncated, ambiguous
or absurd data gives ``SizeUnknown`` with a reason a human can act on.
"""

from __future__ import annotations

import math
import re
import struct
import zlib
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Literal, TypeVar

__all__ = [
    "ByteRequest",
    "ImageSize",
    "Measurement",
    "SizeReader",
    "SizeUnknown",
    "measure",
    "measure_bytes",
    "read_size",
]


@dataclass(frozen=True)
class ByteRequest:
    """A request for ``length`` bytes at absolute ``offset``.

    Answer with exactly those bytes; fewer (or ``b""``) only at end of file.

    A negative ``offset`` is a *suffix request*: like a negative Python index it counts
    from the end of the file, and ``length == -offset`` always, so ``ByteRequest(-18, 18)``
    asks for the file's last 18 bytes (HTTP ``Range: bytes=-18``; ``data[-18:]`` in
    memory).  Answer with those bytes, or with the whole file if it is shorter.  A driver
    that cannot reach the end (say, a forward-only stream that would pass its byte cap)
    answers ``b""`` or stops with its own reason.  Only formats without magic bytes (TGA)
    use suffix requests, and only after their header looked plausible.
    """

    offset: int
    length: int

    @property
    def from_end(self) -> bool:
        """True for a suffix request (the last ``length`` bytes of the file)."""
        return self.offset < 0


@dataclass(frozen=True)
class ImageSize:
    """A trustworthy size: as stored, and as displayed after orientation metadata."""

    format: str
    width: int
    height: int
    display_width: int
    display_height: int


@dataclass(frozen=True)
class SizeUnknown:
    """No trustworthy size; ``reason`` says why (truncated, corrupt, unsupported...)."""

    reason: str


SizeReader = Generator[ByteRequest, bytes, "ImageSize | SizeUnknown"]

#: Largest plausible width or height; anything above is treated as corrupt data.
MAX_DIMENSION = 1_000_000
#: Size of the first request: enough for every fixed header we parse (PNG IHDR plus the
#: next chunk header for APNG, BMP info header, VP8X, ftyp, a JFIF APP0 plus the next
#: marker) so that most images need exactly one round trip.
FIRST_REQUEST = 64
#: SVG sizes come from the root start tag; we give up if it is not within this prefix.
SVG_LIMIT = 64 * 1024
#: ISO-BMFF containers at most this big are fetched whole (one request) instead of
#: walking their children header by header (one request each).
BMFF_PREFETCH = 4096
#: PNM/PAM sizes come from the text header; we give up if it is not within this prefix
#: (comments are the only thing that can make it long).
PNM_LIMIT = 16 * 1024
#: ICNS/JP2 walks jump from header to header (one request each); they stop after this many.
MAX_ELEMENTS = 64
#: How far we scan over junk bytes between JPEG segments before declaring it corrupt.
JPEG_JUNK_LIMIT = 4096
#: JPEG marker window: FF xx, length, and 6 more bytes -- enough for an SOF's
#: precision/height/width and for the "Exif\0\0" identifier of an APP1.
JPEG_WINDOW = 10

_T = TypeVar("_T")
_Gen = Generator[ByteRequest, bytes, _T]


class _Fail(Exception):
    """Internal: abort parsing with a ``SizeUnknown`` reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- byte source


class _Source:
    """Caches fetched ranges and turns reads into ByteRequests.

    Parsers call :meth:`fetch`/:meth:`read` with ``yield from``.  Data already fetched is
    served from the cache (so overlapping reads cost nothing), and a read that starts
    inside cached data only requests the missing tail, which keeps the total requested
    equal to the distinct bytes needed.
    """

    _KEEP = 16  # recent chunks kept besides the first; parsers mostly move forward

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size: int | None = None  # file size, once a short answer revealed it
        self.requested = 0  # bytes asked for so far (prefix and suffix requests)
        self._chunks: list[tuple[int, bytes]] = []

    def peek(self, offset: int, want: int) -> bytes:
        """Longest cached prefix of ``[offset, offset + want)`` (possibly ``b""``)."""
        best = b""
        for start, data in reversed(self._chunks):
            if start <= offset < start + len(data):
                got = data[offset - start : offset - start + want]
                if len(got) > len(best):
                    best = got
                    if len(best) == want:
                        break
        return best

    def fetch(self, offset: int, need: int, want: int | None = None) -> _Gen[bytes]:
        """Return at least ``need`` bytes at ``offset`` (fewer only at EOF), up to ``want``.

        Bytes beyond ``need`` are a cheap read-ahead: they are only requested if some of
        the ``need`` bytes are not cached anyway.
        """
        want = need if want is None else max(want, need)
        if self.size is not None:
            want = min(want, max(self.size - offset, 0))
        if want <= 0:
            return b""
        cached = self.peek(offset, want)
        if len(cached) >= min(need, want):
            return cached
        if offset + min(need, want) > self.max_bytes:
            raise _Fail(f"no size within the first {self.max_bytes} bytes")
        start = offset + len(cached)
        end = min(offset + want, self.max_bytes)
        self.requested += end - start
        received = yield ByteRequest(start, end - start)
        # Be liberal in what the driver sends: bytearray/memoryview, or too many bytes.
        data = bytes(received[: end - start]) if received else b""
        if len(data) < end - start:
            eof = start + len(data)
            self.size = eof if self.size is None else min(self.size, eof)
        merged = cached + data
        self._chunks.append((offset, merged))
        if len(self._chunks) > self._KEEP + 1:
            del self._chunks[1]  # keep chunk 0: the file header, re-read by some parsers
        return merged

    def read(self, offset: int, length: int, what: str) -> _Gen[bytes]:
        """Exactly ``length`` bytes at ``offset``, or fail with ``truncated <what>``."""
        data = yield from self.fetch(offset, length)
        if len(data) < length:
            raise _Fail(f"truncated {what}")
        return data

    def tail(self, length: int, what: str) -> _Gen[bytes]:
        """The file's last ``length`` bytes (fewer if the driver could not reach them).

        Served from the cache when the file size is known, else by one suffix request.
        Suffix bytes count against ``max_bytes`` like any others (a byte cap bounds what
        is received, wherever it comes from); they are not cached, as their offset is
        unknown.
        """
        if self.size is not None:
            start = max(self.size - length, 0)
            return (yield from self.fetch(start, self.size - start))
        if self.requested + length > self.max_bytes:
            raise _Fail(f"no size within {self.max_bytes} bytes ({what} is needed too)")
        self.requested += length
        received = yield ByteRequest(-length, length)
        return bytes(received[-length:]) if received else b""


def _u16be(b: bytes, i: int = 0) -> int:
    return int.from_bytes(b[i : i + 2], "big")


def _u16le(b: bytes, i: int = 0) -> int:
    return int.from_bytes(b[i : i + 2], "little")


def _u32be(b: bytes, i: int = 0) -> int:
    return int.from_bytes(b[i : i + 4], "big")


def _u32le(b: bytes, i: int = 0) -> int:
    return int.from_bytes(b[i : i + 4], "little")


def _oriented(fmt: str, width: int, height: int, swap: bool) -> ImageSize:
    """Build an ImageSize; ``swap`` means the display size is rotated by 90/270 degrees."""
    if swap:
        return ImageSize(fmt, width, height, height, width)
    return ImageSize(fmt, width, height, width, height)


def _check(size: ImageSize) -> ImageSize:
    """Reject zero/absurd sizes: they come from corrupt headers, never from real images."""
    for v in (size.width, size.height):
        if not 0 < v <= MAX_DIMENSION:
            raise _Fail(
                f"implausible {size.format} size {size.width}x{size.height} "
                f"(each side must be 1..{MAX_DIMENSION})"
            )
    return size


def _hex(b: bytes) -> str:
    return " ".join(f"{x:02x}" for x in b[:4])


# --------------------------------------------------------------------------- JPEG

# SOF0..SOF15 minus DHT (C4), JPG (C8) and DAC (CC), which share the range.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field (RSTn, TEM); they may appear anywhere.
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}


def _jpeg_find_marker(src: _Source, pos: int) -> _Gen[tuple[int, int]]:
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
            raise _Fail(f"corrupt JPEG: no marker within {JPEG_JUNK_LIMIT} bytes of offset {start}")
        data = yield from src.fetch(pos, 2, window)
        if len(data) < 2:
            raise _Fail("truncated JPEG: no SOF marker before end of data")
        i = 0
        while i + 1 < len(data):
            if data[i] == 0xFF and data[i + 1] not in (0x00, 0xFF):
                return pos + i, data[i + 1]
            i += 1
        # Not found in this window: continue from its last byte (it may be the 0xFF of a
        # marker split across windows), reading bigger windows from now on.
        pos += len(data) - 1
        window = 512


def _jpeg_exif_orientation(src: _Source, tiff: int, end: int) -> _Gen[int | None]:
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
        u16, u32 = _u16le, _u32le
    elif hdr[:4] == b"MM\x00*":
        u16, u32 = _u16be, _u32be
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


def _jpeg(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """JPEG: walk markers from SOI to the first SOFn, jumping over segment payloads."""
    orientation: int | None = None
    pos = 2
    while True:
        mpos, code = yield from _jpeg_find_marker(src, pos)
        if code in _JPEG_STANDALONE:
            pos = mpos + 2
            continue
        if code == 0xD8:
            raise _Fail(f"corrupt JPEG: second SOI marker at offset {mpos}")
        if code == 0xD9:
            raise _Fail("corrupt JPEG: EOI marker before any SOF marker")
        if code == 0xDA:
            raise _Fail("corrupt JPEG: SOS marker before any SOF marker")
        seg = yield from src.fetch(mpos, 4, JPEG_WINDOW)
        if len(seg) < 4:
            raise _Fail("truncated JPEG: no SOF marker before end of data")
        length = _u16be(seg, 2)
        if length < 2:
            raise _Fail(f"corrupt JPEG: segment length {length} at offset {mpos}")
        if code in _JPEG_SOF:
            if length < 8:
                raise _Fail(f"corrupt JPEG: SOF segment length {length} at offset {mpos}")
            sof = yield from src.read(mpos, 9, "JPEG: inside SOF segment")
            height, width = _u16be(sof, 5), _u16be(sof, 7)
            if height == 0:
                # Legal but rare: the height comes in a DNL marker after the first scan,
                # i.e. after the compressed data.  We will not fetch the whole file.
                raise _Fail("JPEG height is defined by a DNL marker after the scan (unsupported)")
            swap = orientation is not None and orientation >= 5
            return _oriented("JPEG", width, height, swap)
        if code == 0xE1 and orientation is None:
            if len(seg) < JPEG_WINDOW:
                seg = yield from src.fetch(mpos, min(JPEG_WINDOW, 2 + length))
            if seg[4:10] == b"Exif\x00\x00":
                orientation = yield from _jpeg_exif_orientation(src, mpos + 10, mpos + 2 + length)
        pos = mpos + 2 + length


# --------------------------------------------------------------------------- PNG

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Allowed bit depths per colour type (PNG spec, table 11.1).
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def _png(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """PNG/APNG: validate IHDR (libpng rejects bad ones, so would a browser)."""
    pos = 8
    first = yield from src.read(pos, 8, "PNG: no IHDR chunk")
    if first[4:8] == b"CgBI":
        # Apple's "optimised" PNGs put a CgBI chunk before IHDR; skip it.
        pos += 12 + _u32be(first)
        first = yield from src.read(pos, 8, "PNG: no IHDR chunk")
    if first[4:8] != b"IHDR" or _u32be(first) != 13:
        raise _Fail(f"corrupt PNG: first chunk is {first[4:8]!r}, not a 13-byte IHDR")
    ihdr = yield from src.read(pos, 25, "PNG: inside IHDR chunk")
    if zlib.crc32(ihdr[4:21]) != _u32be(ihdr, 21):
        raise _Fail("corrupt PNG: IHDR CRC mismatch")
    width, height = _u32be(ihdr, 8), _u32be(ihdr, 12)
    depth, ctype, compression, filt, interlace = ihdr[16:21]
    if depth not in _PNG_DEPTHS.get(ctype, set()):
        raise _Fail(f"corrupt PNG: bit depth {depth} invalid for colour type {ctype}")
    if compression != 0 or filt != 0 or interlace > 1:
        raise _Fail(
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
        pos += 12 + _u32be(chunk)
    return _oriented(fmt, width, height, False)


# --------------------------------------------------------------------------- GIF


def _gif(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """GIF: the logical screen size (what browsers and Pillow report)."""
    hdr = yield from src.read(0, 10, "GIF: inside logical screen descriptor")
    return _oriented("GIF", _u16le(hdr, 6), _u16le(hdr, 8), False)


# --------------------------------------------------------------------------- WebP


def _webp(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """WebP: first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended canvas).

    EXIF orientation is not applied: in WebP the EXIF chunk follows the image data and
    browsers ignore such late metadata (CSS Images 3, "image-orientation").
    """
    hdr = yield from src.read(0, 20, "WEBP: no image chunk header")
    kind = hdr[12:16]
    if kind == b"VP8 ":
        d = yield from src.read(0, 30, "WEBP: inside VP8 frame header")
        if d[20] & 1:
            raise _Fail("corrupt WEBP: VP8 frame is not a key frame")
        if d[23:26] != b"\x9d\x01\x2a":
            raise _Fail("corrupt WEBP: VP8 start code missing")
        # 14-bit sizes; the top two bits are upscaling hints, not part of the size.
        return _oriented("WEBP", _u16le(d, 26) & 0x3FFF, _u16le(d, 28) & 0x3FFF, False)
    if kind == b"VP8L":
        d = yield from src.read(0, 25, "WEBP: inside VP8L header")
        if d[20] != 0x2F:
            raise _Fail("corrupt WEBP: VP8L signature byte missing")
        bits = _u32le(d, 21)
        if bits >> 29:
            raise _Fail(f"corrupt WEBP: VP8L version {bits >> 29}")
        return _oriented("WEBP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, False)
    if kind == b"VP8X":
        d = yield from src.read(0, 30, "WEBP: inside VP8X header")
        width = int.from_bytes(d[24:27], "little") + 1
        height = int.from_bytes(d[27:30], "little") + 1
        return _oriented("WEBP", width, height, False)
    raise _Fail(f"corrupt WEBP: unknown first chunk {kind!r}")


# --------------------------------------------------------------------------- ISO BMFF

_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})


@dataclass(frozen=True)
class _Box:
    type: bytes
    body: int  # offset of the payload (after size/type/largesize)
    end: int  # offset just past the box


def _bmff_box(
    src: _Source,
    pos: int,
    limit: int | None,
    fmt: str,
    *,
    looking_for: str = "meta box",
    family: str = "ISO BMFF",
) -> _Gen[_Box]:
    """Read one box header at ``pos``; ``limit`` is the parent's end (None: file end).

    Also used for JP2, whose boxes have the same layout (``family`` names it in errors).
    """
    what = f"{fmt}: box header at offset {pos}"
    hdr = yield from src.read(pos, 8, what)
    size, typ = _u32be(hdr), hdr[4:8]
    body = pos + 8
    if size == 1:
        ext = yield from src.read(pos + 8, 8, what)
        size, body = int.from_bytes(ext, "big"), pos + 16
    elif size == 0:
        if limit is None:
            # "Extends to end of file": only plausible for the last box (mdat).
            raise _Fail(f"{fmt}: no {looking_for} before box {typ!r} that runs to end of file")
        size = limit - pos
    if size < body - pos or (limit is not None and pos + size > limit):
        raise _Fail(f"corrupt {family}: box {typ!r} at offset {pos} has bad size {size}")
    return _Box(typ, body, pos + size)


def _bmff_children(src: _Source, start: int, end: int, fmt: str) -> _Gen[list[_Box]]:
    """List the child boxes in ``[start, end)``; small containers are fetched whole."""
    if 0 < end - start <= BMFF_PREFETCH:
        yield from src.read(start, end - start, f"{fmt}: inside container box")
    boxes: list[_Box] = []
    pos = start
    while pos < end:
        if end - pos < 8:
            raise _Fail(f"corrupt {fmt}: {end - pos} stray bytes at end of container box")
        box = yield from _bmff_box(src, pos, end, fmt)
        boxes.append(box)
        pos = box.end
    return boxes


def _bmff(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """AVIF/HEIF: primary item's ``ispe`` (via pitm + ipma), rotated by its ``irot``."""
    ftyp = yield from _bmff_box(src, 0, None, "ISO BMFF")
    if ftyp.end - ftyp.body < 8 or ftyp.end > BMFF_PREFETCH:
        raise _Fail("corrupt ISO BMFF: bad ftyp box size")
    brands_raw = yield from src.read(ftyp.body, ftyp.end - ftyp.body, "ISO BMFF: ftyp box")
    major = brands_raw[:4]
    brands = {major} | {brands_raw[i : i + 4] for i in range(8, len(brands_raw) - 3, 4)}
    if major in _HEVC_BRANDS:
        fmt = "HEIF"
    elif brands & _AVIF_BRANDS:
        fmt = "AVIF"
    elif brands & _HEIF_BRANDS:
        fmt = "HEIF"
    else:
        name = major.decode("latin-1")
        raise _Fail(f"unsupported format: ISO BMFF file with brand {name!r} (not AVIF/HEIF)")

    # Find the top-level meta box, jumping over anything else (e.g. an early mdat).
    pos = ftyp.end
    while True:
        box = yield from _bmff_box(src, pos, None, fmt)
        if box.type == b"meta":
            break
        pos = box.end
    # meta is a FullBox: 4 bytes of version/flags before its children.
    meta = yield from _bmff_children(src, box.body + 4, box.end, fmt)

    primary: int | None = None
    props: list[tuple[bytes, bytes]] = []  # (type, payload) in ipco order, 1-based later
    assoc: dict[int, list[int]] = {}
    for child in meta:
        if child.type == b"pitm":
            d = yield from src.read(child.body, child.end - child.body, f"{fmt}: pitm box")
            if len(d) >= 6:
                primary = _u16be(d, 4) if d[0] == 0 else _u32be(d, 4)
        elif child.type == b"iprp":
            for sub in (yield from _bmff_children(src, child.body, child.end, fmt)):
                if sub.type == b"ipco":
                    for prop in (yield from _bmff_children(src, sub.body, sub.end, fmt)):
                        payload = b""
                        if prop.type in (b"ispe", b"irot"):
                            payload = yield from src.read(
                                prop.body, prop.end - prop.body, f"{fmt}: property box"
                            )
                        props.append((prop.type, payload))
                elif sub.type == b"ipma":
                    d = yield from src.read(sub.body, sub.end - sub.body, f"{fmt}: ipma box")
                    assoc.update(_parse_ipma(d, fmt))

    def ispe(i: int) -> tuple[int, int] | None:
        typ, d = props[i]
        # ispe is a FullBox: version/flags, then 32-bit width and height.
        return (_u32be(d, 4), _u32be(d, 8)) if typ == b"ispe" and len(d) >= 12 else None

    def irot_swaps(i: int) -> bool:
        typ, d = props[i]
        # irot: angle * 90 degrees anticlockwise in the low 2 bits; 90/270 swap the sides.
        # (imir only mirrors, which never changes the size.)
        return typ == b"irot" and len(d) >= 1 and (d[0] & 3) in (1, 3)

    indices = [i - 1 for i in assoc.get(primary, []) if 0 < i <= len(props)] if primary else []
    sizes = [s for s in map(ispe, indices) if s is not None]
    if sizes:
        width, height = sizes[0]
        swap = any(irot_swaps(i) for i in indices)
    else:
        # No usable pitm/ipma: fall back to the largest ispe.  Rotation is applied only if
        # it is unambiguous (a single irot in the file).
        all_sizes = [s for s in map(ispe, range(len(props))) if s is not None]
        if not all_sizes:
            raise _Fail(f"corrupt {fmt}: no ispe (image spatial extents) property")
        width, height = max(all_sizes, key=lambda s: s[0] * s[1])
        rotations = [i for i in range(len(props)) if props[i][0] == b"irot"]
        swap = len(rotations) == 1 and irot_swaps(rotations[0])
    return _oriented(fmt, width, height, swap)


def _parse_ipma(d: bytes, fmt: str) -> dict[int, list[int]]:
    """ipma: item ID -> 1-based ipco property indices."""
    if len(d) < 8:
        raise _Fail(f"corrupt {fmt}: short ipma box")
    version, flags = d[0], int.from_bytes(d[1:4], "big")
    count = _u32be(d, 4)
    out: dict[int, list[int]] = {}
    pos = 8
    id_size = 2 if version < 1 else 4
    idx_size = 2 if flags & 1 else 1
    for _ in range(count):
        if pos + id_size + 1 > len(d):
            raise _Fail(f"corrupt {fmt}: ipma box overrun")
        item = int.from_bytes(d[pos : pos + id_size], "big")
        n = d[pos + id_size]
        pos += id_size + 1
        if pos + n * idx_size > len(d):
            raise _Fail(f"corrupt {fmt}: ipma box overrun")
        mask = 0x7FFF if idx_size == 2 else 0x7F  # top bit is the "essential" flag
        out[item] = [
            int.from_bytes(d[pos + k * idx_size : pos + (k + 1) * idx_size], "big") & mask
            for k in range(n)
        ]
        pos += n * idx_size
    return out


# --------------------------------------------------------------------------- BMP

_BMP_WINDOWS_HEADERS = frozenset({40, 52, 56, 108, 124})
_BMP_OS2_HEADERS = frozenset({16, 64})


def _bmp(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """BMP: BITMAPCOREHEADER (OS/2, 16-bit) or BITMAPINFOHEADER and later (signed 32-bit)."""
    d = yield from src.read(0, 18, "BMP: file header")
    hsize = _u32le(d, 14)
    if hsize == 12:
        d = yield from src.read(0, 26, "BMP: inside BITMAPCOREHEADER")
        width, height, bpp = _u16le(d, 18), _u16le(d, 20), _u16le(d, 24)
        if bpp not in (1, 4, 8, 24):
            raise _Fail(f"corrupt BMP: bit depth {bpp}")
        return _oriented("BMP", width, height, False)
    if hsize not in _BMP_WINDOWS_HEADERS | _BMP_OS2_HEADERS:
        raise _Fail(f"unsupported BMP: DIB header size {hsize}")
    n = 30 if hsize == 16 else 34
    d = yield from src.read(0, n, "BMP: inside BITMAPINFOHEADER")
    width = int.from_bytes(d[18:22], "little", signed=True)
    height = int.from_bytes(d[22:26], "little", signed=True)
    bpp = _u16le(d, 28)
    if hsize in _BMP_WINDOWS_HEADERS and _u32le(d, 30) in (4, 5):
        # BI_JPEG/BI_PNG: a JPEG/PNG wrapped in BMP; meant for printers, no browser (or
        # Pillow) renders it, so no size we report would be what a reader sees.
        kind = "JPEG" if _u32le(d, 30) == 4 else "PNG"
        raise _Fail(f"unsupported BMP: embedded {kind} data (BI_{kind}) is not rendered")
    if bpp not in (1, 2, 4, 8, 16, 24, 32):
        raise _Fail(f"corrupt BMP: bit depth {bpp}")
    if width <= 0:
        raise _Fail(f"corrupt BMP: width {width}")
    # Negative height means top-down row order; the size is its absolute value.
    return _oriented("BMP", width, abs(height), False)


# --------------------------------------------------------------------------- TIFF


def _tiff(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """TIFF/BigTIFF: ImageWidth/ImageLength/Orientation from IFD0."""
    hdr = yield from src.read(0, 8, "TIFF: header")
    order: Literal["little", "big"] = "little" if hdr[:2] == b"II" else "big"

    def uint(b: bytes, i: int, n: int) -> int:
        return int.from_bytes(b[i : i + n], order)

    if uint(hdr, 2, 2) == 43:  # BigTIFF: 8-byte offsets, 20-byte entries
        hdr = yield from src.read(0, 16, "TIFF: BigTIFF header")
        if uint(hdr, 4, 2) != 8 or uint(hdr, 6, 2) != 0:
            raise _Fail("corrupt TIFF: bad BigTIFF offset size")
        ifd, count_size, entry_size, value_size, first = uint(hdr, 8, 8), 8, 20, 8, 16
    else:
        ifd, count_size, entry_size, value_size, first = uint(hdr, 4, 4), 2, 12, 4, 8
    if ifd < first:
        raise _Fail(f"corrupt TIFF: IFD0 offset {ifd}")
    n = uint((yield from src.read(ifd, count_size, "TIFF: IFD0 entry count")), 0, count_size)
    if n == 0:
        raise _Fail("corrupt TIFF: IFD0 has no entries")
    if n * entry_size > src.max_bytes:
        raise _Fail(f"corrupt TIFF: IFD0 claims {n} entries")
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
                raise _Fail(f"corrupt TIFF: tag {tag:#06x} has type {typ}, count {count}")
            value = uint(e, 4 + value_size, vsize)
            if found.setdefault(tag, value) != value:
                raise _Fail(f"corrupt TIFF: conflicting values for tag {tag:#06x}")
        elif tag == 0x0112 and typ == 3 and count == 1:
            value = uint(e, 4 + value_size, 2)
            orientation = value if 1 <= value <= 8 else 1
    if 0x0100 not in found or 0x0101 not in found:
        raise _Fail("corrupt TIFF: IFD0 lacks ImageWidth or ImageLength")
    return _oriented("TIFF", found[0x0100], found[0x0101], orientation >= 5)


# --------------------------------------------------------------------------- ICO / CUR


def _ico(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """ICO/CUR: the largest directory entry; a stored 0 means 256."""
    fmt = "ICO" if head[2] == 1 else "CUR"
    d = yield from src.read(0, 6, f"{fmt}: header")
    count = _u16le(d, 4)
    if count == 0:
        raise _Fail(f"corrupt {fmt}: no images in directory")
    d = yield from src.read(6, 16 * count, f"{fmt}: inside image directory")
    best = (0, 0)
    for k in range(count):
        w, h = d[16 * k] or 256, d[16 * k + 1] or 256
        if w * h > best[0] * best[1]:
            best = (w, h)
    return _oriented(fmt, best[0], best[1], False)


# --------------------------------------------------------------------------- PSD / PSB

# Colour modes of the PSD spec: bitmap, grey, indexed, RGB, CMYK, multichannel, duotone, Lab.
_PSD_MODES = frozenset({0, 1, 2, 3, 4, 7, 8, 9})


def _psd(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """PSD (version 1) / PSB (version 2, "large document"): the 26-byte file header."""
    d = yield from src.read(0, 26, "PSD: file header")
    version = _u16be(d, 4)
    if version not in (1, 2):
        raise _Fail(f"corrupt PSD: version {version}")
    fmt = "PSD" if version == 1 else "PSB"
    channels, height, width = _u16be(d, 12), _u32be(d, 14), _u32be(d, 18)
    depth, mode = _u16be(d, 22), _u16be(d, 24)
    if not 1 <= channels <= 56:
        raise _Fail(f"corrupt {fmt}: {channels} channels")
    if depth not in (1, 8, 16, 32):
        raise _Fail(f"corrupt {fmt}: bit depth {depth}")
    if mode not in _PSD_MODES:
        raise _Fail(f"corrupt {fmt}: colour mode {mode}")
    return _oriented(fmt, width, height, False)


# --------------------------------------------------------------------------- QOI


def _qoi(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """QOI: ``qoif``, width, height (big-endian uint32), channels, colour space."""
    d = yield from src.read(0, 14, "QOI: header")
    if d[12] not in (3, 4):
        raise _Fail(f"corrupt QOI: {d[12]} channels")
    if d[13] > 1:
        raise _Fail(f"corrupt QOI: colour space {d[13]}")
    return _oriented("QOI", _u32be(d, 4), _u32be(d, 8), False)


# --------------------------------------------------------------------------- PNM / PAM

_PNM_NAMES = {
    ord("1"): "PBM",
    ord("2"): "PGM",
    ord("3"): "PPM",
    ord("4"): "PBM",
    ord("5"): "PGM",
    ord("6"): "PPM",
    ord("7"): "PAM",
}
_PNM_SPACE = frozenset(b" \t\n\v\f\r")
_PAM_KEYS = frozenset({b"DEPTH", b"MAXVAL", b"TUPLTYPE"})


def _pnm_number(token: bytes, fmt: str, what: str) -> int:
    # Digits only (no sign, no "0x"), and few enough that int() is cheap and exact.
    if not token.isdigit():
        raise _Fail(f"corrupt {fmt}: {what} {token[:16]!r} is not a number")
    if len(token) > 9:
        raise _Fail(f"implausible {fmt} {what} {token[:16].decode('ascii')}...")
    return int(token)


def _pnm_header(data: bytes, fmt: str) -> tuple[int, int] | None:
    """P1-P6: width and height, the first two tokens after the magic; None: need more.

    Tokens are separated by whitespace; a ``#`` starts a comment up to the end of the
    line, which also ends a token (as in netpbm).  A token is only complete once the byte
    after it is seen, so "12" at the end of the data may still become "128".
    """
    values: list[int] = []
    i, n = 2, len(data)
    while len(values) < 2:
        if i >= n:
            return None
        c = data[i]
        if c in _PNM_SPACE:
            i += 1
        elif c == 0x23:  # '#'
            ends = [e for e in (data.find(b"\n", i), data.find(b"\r", i)) if e >= 0]
            if not ends:
                return None
            i = min(ends) + 1
        else:
            j = i
            while j < n and 0x30 <= data[j] <= 0x39:
                j += 1
            if j - i > 9:
                _pnm_number(data[i:j], fmt, ("width", "height")[len(values)])  # fails
            if j >= n:
                return None
            if j == i or (data[j] not in _PNM_SPACE and data[j] != 0x23):
                raise _Fail(
                    f"corrupt {fmt}: unexpected byte {data[j]:#04x} in header at offset {j}"
                )
            values.append(_pnm_number(data[i:j], fmt, ("width", "height")[len(values)]))
            i = j
    return values[0], values[1]


def _pam_header(data: bytes) -> tuple[int, int] | None:
    """P7 (PAM): ``WIDTH n`` and ``HEIGHT n`` header lines; None: need more."""
    found: dict[bytes, int] = {}
    pos = 3
    while True:
        eol = data.find(b"\n", pos)
        if eol < 0:
            return None
        line, pos = data[pos:eol].strip(), eol + 1
        if not line or line.startswith(b"#"):
            continue
        key, _, value = line.partition(b" ")
        key, value = key.strip(), value.strip()
        if key in (b"WIDTH", b"HEIGHT"):
            if key in found:
                raise _Fail(f"corrupt PAM: second {key.decode()} line")
            found[key] = _pnm_number(value, "PAM", key.decode().lower())
            if len(found) == 2:
                return found[b"WIDTH"], found[b"HEIGHT"]
        elif key == b"ENDHDR":
            raise _Fail("corrupt PAM: header ends without WIDTH and HEIGHT")
        elif key not in _PAM_KEYS:
            raise _Fail(f"corrupt PAM: unknown header line {line[:24]!r}")


def _pnm(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """PBM/PGM/PPM (P1-P6) and PAM (P7): text headers, read in a growing prefix."""
    fmt = _PNM_NAMES[head[1]]
    if fmt == "PAM" and head[2:3] != b"\n":
        if head.startswith(b"P7 332"):
            raise _Fail("unsupported format XV thumbnail (P7 332)")
        raise _Fail("corrupt PAM: no newline after P7")
    limit = min(PNM_LIMIT, src.max_bytes)
    data = head
    while True:
        size = _pam_header(data) if fmt == "PAM" else _pnm_header(data, fmt)
        if size is not None:
            return _oriented(fmt, size[0], size[1], False)
        if src.size is not None and len(data) >= src.size:
            raise _Fail(f"truncated {fmt}: header incomplete")
        if len(data) >= limit:
            if limit < PNM_LIMIT:
                raise _Fail(f"no size within the first {src.max_bytes} bytes")
            raise _Fail(f"{fmt}: no complete width and height within the first {limit} bytes")
        # Double what we have: total bytes stay within 2x of what is needed.
        data = yield from src.fetch(0, min(limit, max(2 * len(data), FIRST_REQUEST)))


# --------------------------------------------------------------------------- ICNS

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


def _icns_types(src: _Source, total: int) -> _Gen[list[bytes]]:
    """Element types of an ICNS file of ``total`` bytes.

    If the first element is a ``TOC `` whose entries account for exactly the rest of the
    file, its list is used: one read, wherever the elements are.  Otherwise the element
    headers are walked, jumping over each element's data.
    """
    hdr = yield from src.read(8, 8, "ICNS: first element header")
    if hdr[:4] == b"TOC ":
        toc_len = _u32be(hdr, 4)
        if 8 <= toc_len <= 8 + 8 * MAX_ELEMENTS and toc_len % 8 == 0:
            toc = yield from src.read(16, toc_len - 8, "ICNS: inside TOC element")
            entries = [(toc[k : k + 4], _u32be(toc, k + 4)) for k in range(0, len(toc), 8)]
            if 8 + toc_len + sum(n for _, n in entries) == total:
                return [t for t, _ in entries]
    types: list[bytes] = []
    pos = 8
    while pos < total:
        if len(types) == MAX_ELEMENTS:
            raise _Fail(f"ICNS: more than {MAX_ELEMENTS} elements")
        hdr = yield from src.read(pos, 8, f"ICNS: element header at offset {pos}")
        length = _u32be(hdr, 4)
        if length < 8 or pos + length > total:
            raise _Fail(f"corrupt ICNS: element {hdr[:4]!r} at offset {pos} has bad size {length}")
        types.append(hdr[:4])
        pos += length
    return types


def _icns(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """ICNS: the largest icon element, sized by its documented type code."""
    hdr = yield from src.read(0, 8, "ICNS: header")
    total = _u32be(hdr, 4)
    if total < 16:
        raise _Fail(f"corrupt ICNS: file length {total} in header")
    sizes = [_ICNS_SIZES[t] for t in (yield from _icns_types(src, total)) if t in _ICNS_SIZES]
    if not sizes:
        raise _Fail("ICNS: no icon element of a known type")
    width, height = max(sizes, key=lambda s: s[0] * s[1])
    return _oriented("ICNS", width, height, False)


# --------------------------------------------------------------------------- JPEG 2000

_JP2_SIG = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


def _jp2(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """JP2 file: signature box, ftyp, then the jp2h header box whose ihdr holds the size."""
    fmt = "JPEG2000"
    pos = 12
    for k in range(MAX_ELEMENTS):
        # Read ahead so that a jp2h header and its leading ihdr come in one request.
        yield from src.fetch(pos, 8, 30)
        box = yield from _bmff_box(src, pos, None, fmt, looking_for="jp2h header box", family=fmt)
        if k == 0 and box.type != b"ftyp":
            raise _Fail(f"corrupt {fmt}: first box after the signature is {box.type!r}, not ftyp")
        if box.type == b"jp2c":
            raise _Fail(f"corrupt {fmt}: codestream box before the jp2h header box")
        if box.type == b"jp2h":
            break
        pos = box.end
    else:
        raise _Fail(f"{fmt}: no jp2h header box among the first {MAX_ELEMENTS} boxes")
    pos = box.body
    while pos < box.end:
        sub = yield from _bmff_box(src, pos, box.end, fmt, looking_for="ihdr box", family=fmt)
        if sub.type == b"ihdr":
            if sub.end - sub.body < 14:
                raise _Fail(f"corrupt {fmt}: ihdr box of {sub.end - sub.body} bytes")
            d = yield from src.read(sub.body, 14, f"{fmt}: inside ihdr box")
            if _u16be(d, 8) == 0:
                raise _Fail(f"corrupt {fmt}: ihdr box declares 0 components")
            return _oriented(fmt, _u32be(d, 4), _u32be(d, 0), False)
        pos = sub.end
    raise _Fail(f"corrupt {fmt}: jp2h header box without an ihdr box")


def _j2k(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """Raw JPEG 2000 codestream: SOC, then the SIZ marker segment (reference grid size
    minus the image offset)."""
    fmt = "JPEG2000"
    d = yield from src.read(0, 24, f"{fmt}: SIZ marker segment")
    lsiz = _u16be(d, 4)
    if lsiz < 41:
        raise _Fail(f"corrupt {fmt}: SIZ segment length {lsiz}")
    xsiz, ysiz, xosiz, yosiz = (_u32be(d, i) for i in (8, 12, 16, 20))
    if xosiz >= xsiz or yosiz >= ysiz:
        raise _Fail(f"corrupt {fmt}: image offset {xosiz},{yosiz} outside grid {xsiz}x{ysiz}")
    return _oriented(fmt, xsiz - xosiz, ysiz - yosiz, False)


# --------------------------------------------------------------------------- TGA

_TGA_FOOTER = b"TRUEVISION-XFILE.\x00"
_TGA_COLORMAPPED = frozenset({1, 9})
_TGA_TYPES = frozenset({1, 2, 3, 9, 10, 11})


def _tga_plausible(head: bytes) -> bool:
    """Could these first bytes be a TGA header?  (TGA has no magic bytes.)"""
    if len(head) < 18:
        return False
    cmap_type, image_type, depth, alpha = head[1], head[2], head[16], head[17] & 0x0F
    if image_type not in _TGA_TYPES or cmap_type not in (0, 1):
        return False
    if image_type in _TGA_COLORMAPPED and (cmap_type != 1 or _u16le(head, 5) == 0):
        return False
    if cmap_type == 1 and head[7] not in (15, 16, 24, 32):
        return False
    if depth not in (8, 15, 16, 24, 32) or alpha > depth:
        return False
    return _u16le(head, 12) >= 1 and _u16le(head, 14) >= 1


def _tga(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """TGA 2.0: a plausible header confirmed by the footer in the file's last 18 bytes."""
    footer = yield from src.tail(len(_TGA_FOOTER), "a TGA 2.0 footer in the last 18 bytes")
    if len(footer) < len(_TGA_FOOTER):
        raise _Fail(
            f"unknown format (first bytes {_hex(head)}): plausible TGA header, but the "
            "file's last 18 bytes (the TGA 2.0 footer) could not be read"
        )
    if footer != _TGA_FOOTER:
        raise _Fail(
            f"unknown format (first bytes {_hex(head)}): plausible TGA header, but no magic "
            "bytes; TGA without a 2.0 footer cannot be told from noise"
        )
    # The origin bits (top/bottom, left/right) flip rows or columns, never the size.
    return _oriented("TGA", _u16le(head, 12), _u16le(head, 14), False)


# --------------------------------------------------------------------------- SVG

_SVG_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SVG_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z%]*)\s*")
# Absolute CSS units in px (CSS Values 4: 1in = 96px).  Relative units (%, em, ex, rem,
# vw, ...) depend on the embedding context, so they give no intrinsic size.
_SVG_UNITS = {
    "": 1.0,
    "px": 1.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "pt": 96 / 72,
    "pc": 16.0,
}
_SVG_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _svg_decode(data: bytes) -> str:
    for bom, enc in _SVG_BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if enc != "utf-8" and len(body) % 2:
                body = body[:-1]
            return body.decode(enc, errors="replace")
    return data.decode("utf-8", errors="replace")


def _svg_root_tag(text: str) -> str | None:
    """The root element's start tag (``<svg ...>``), or None if more text is needed.

    Skips the XML declaration, processing instructions, comments and a DOCTYPE (with an
    optional internal subset).  Fails if the root element is not ``svg``.
    """
    pos = 0
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            return None
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            if end < 0:
                return None
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return None
            pos = end + 3
        elif text.startswith("<!", pos):
            # DOCTYPE, possibly with an internal subset in [...].
            close = text.find(">", pos)
            bracket = text.find("[", pos)
            if bracket >= 0 and (close < 0 or bracket < close):
                rb = text.find("]", bracket)
                close = text.find(">", rb) if rb >= 0 else -1
            if close < 0:
                return None
            pos = close + 1
        elif text.startswith("<", pos):
            m = re.match(r"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)", text[pos : pos + 256])
            if m is None:
                if n - pos < 256 and re.fullmatch(r"<[\w.:\-]*", text[pos:]):
                    return None  # name cut off by the end of what we have
                raise _Fail("unknown format (markup without a valid root element)")
            if m.end() == n - pos:
                return None
            name = m.group(1).rsplit(":", 1)[-1]
            if name != "svg":
                raise _Fail(f"unknown format (XML/HTML with root element <{m.group(1)}>)")
            # Find the '>' ending the start tag, ignoring any inside quoted values.
            quote = ""
            for i in range(pos + m.end(), n):
                c = text[i]
                if quote:
                    if c == quote:
                        quote = ""
                elif c in "\"'":
                    quote = c
                elif c == ">":
                    return text[pos : i + 1]
            return None
        else:
            raise _Fail(f"unknown format (text starting {text[pos : pos + 16]!r})")


def _svg_length(name: str, value: str | None) -> float | None:
    """Parse a width/height attribute to px; None when absent or ``auto``."""
    if value is None or value.strip() in ("", "auto"):
        return None
    m = _SVG_LENGTH.fullmatch(value)
    if m is None:
        raise _Fail(f"SVG {name}={value!r} is not a valid length")
    unit = m.group(2).lower()
    if unit not in _SVG_UNITS:
        raise _Fail(f"SVG {name}={value!r} is relative ({unit}); no intrinsic size")
    px = float(m.group(1)) * _SVG_UNITS[unit]
    if not math.isfinite(px) or px <= 0:
        raise _Fail(f"SVG {name}={value!r} is not a positive length")
    return px


def _svg(src: _Source, head: bytes) -> _Gen[ImageSize]:
    """SVG: width/height of the root element (absolute units), else the viewBox."""
    limit = min(SVG_LIMIT, src.max_bytes)
    data = head
    while True:
        tag = _svg_root_tag(_svg_decode(data))
        if tag is not None:
            break
        if src.size is not None and len(data) >= src.size:
            raise _Fail("truncated SVG: root <svg> start tag incomplete")
        if len(data) >= limit:
            if limit < SVG_LIMIT:
                raise _Fail(f"no size within the first {src.max_bytes} bytes")
            raise _Fail(f"SVG: no complete <svg> start tag within the first {limit} bytes")
        # Double what we have: total bytes stay within 2x of what is needed.
        want = min(limit, max(2 * len(data), FIRST_REQUEST))
        data = yield from src.fetch(0, want)
    attrs = {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _SVG_ATTR.finditer(tag)
    }
    width = _svg_length("width", attrs.get("width"))
    height = _svg_length("height", attrs.get("height"))
    box: tuple[float, float] | None = None
    if "viewBox" in attrs:
        parts = re.split(r"[\s,]+", attrs["viewBox"].strip())
        try:
            vb = [float(p) for p in parts]
        except ValueError:
            vb = []
        if len(vb) == 4 and all(map(math.isfinite, vb)) and vb[2] > 0 and vb[3] > 0:
            box = (vb[2], vb[3])
    if width is None or height is None:
        if box is None:
            bad = " (invalid viewBox)" if "viewBox" in attrs else ""
            raise _Fail(f"SVG lacks width/height and a usable viewBox{bad}")
        # One side given: the other follows from the viewBox's aspect ratio, as browsers do.
        if width is not None:
            height = width * box[1] / box[0]
        elif height is not None:
            width = height * box[0] / box[1]
        else:
            width, height = box
    w, h = math.floor(width + 0.5), math.floor(height + 0.5)
    return _oriented("SVG", w, h, False)


# --------------------------------------------------------------------------- dispatch

_Parser = Callable[[_Source, bytes], _Gen[ImageSize]]

# Recognised but unsupported signatures, for better reasons than "unknown".
_UNSUPPORTED = (
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
    (b"\x1f\x8b", "gzip (SVGZ?)"),
    (b"%PDF", "PDF"),
    (b"DDS ", "DDS"),
    (b"\x76\x2f\x31\x01", "OpenEXR"),
)


def _detect(head: bytes) -> tuple[str, _Parser]:
    """Choose a parser from the magic bytes (never from Content-Type or file name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG", _jpeg
    if head.startswith(_PNG_SIG):
        return "PNG", _png
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF", _gif
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", _webp
    if head[4:8] == b"ftyp":
        return "ISO BMFF", _bmff
    if head[:2] == b"BM":
        return "BMP", _bmp
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF", _tiff
    if head[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and head[4:6] != b"\x00\x00":
        # A zero image count is also how many TGA headers start; treat that as unknown.
        return "ICO", _ico
    if head[:4] == b"8BPS":
        return "PSD", _psd
    if head[:4] == b"qoif":
        return "QOI", _qoi
    if head[:4] == b"icns":
        return "ICNS", _icns
    if head.startswith(_JP2_SIG):
        return "JPEG2000", _jp2
    if head[:4] == b"\xff\x4f\xff\x51":
        return "JPEG2000", _j2k
    if len(head) >= 3 and head[:1] == b"P" and head[1] in _PNM_NAMES and head[2] in _PNM_SPACE:
        return "PNM", _pnm
    text = head
    for bom, _enc in _SVG_BOMS:
        if text.startswith(bom):
            text = text[len(bom) :].replace(b"\x00", b"")  # crude UTF-16 -> ASCII sniff
            break
    if text.lstrip(b" \t\r\n").startswith(b"<"):
        return "SVG", _svg
    for magic, name in _UNSUPPORTED:
        if head.startswith(magic):
            raise _Fail(f"unsupported format {name} (first bytes {_hex(head)})")
    if not head:
        raise _Fail("empty data")
    if _tga_plausible(head):
        # Last resort: no magic bytes, so only a TGA 2.0 footer can confirm it.
        return "TGA", _tga
    raise _Fail(f"unknown format (first bytes {_hex(head)})")


def read_size(max_bytes: int = 1 << 20) -> SizeReader:
    """Sans-IO size reader: yields ByteRequests, is sent bytes, returns the result.

    Send each request's bytes (``b""`` or fewer bytes = end of file).  Requests have a
    positive length and never reach past ``max_bytes``, except suffix requests (negative
    offset: the file's last bytes, see :class:`ByteRequest`); all requests together ask
    for at most ``max_bytes`` bytes.  If the size is not found within that, the result is
    ``SizeUnknown("no size within the first N bytes")``.
    """
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    src = _Source(max_bytes)
    fmt = "image"
    try:
        head = yield from src.fetch(0, min(FIRST_REQUEST, max_bytes))
        try:
            fmt, parser = _detect(head)
        except _Fail:
            if src.size is None and len(head) < FIRST_REQUEST:
                # The cap, not the data, cut the header short: say so.
                raise _Fail(f"no size within the first {max_bytes} bytes") from None
            raise
        size = yield from parser(src, head)
        return _check(size)
    except _Fail as exc:
        return SizeUnknown(exc.reason)
    except (IndexError, ValueError, OverflowError, struct.error) as exc:  # pragma: no cover
        # Defensive: a parser bug must not crash the linter; tests assert this never fires.
        return SizeUnknown(f"internal error parsing {fmt}: {exc!r}")


# --------------------------------------------------------------------------- drivers


@dataclass(frozen=True)
class Measurement:
    """What :func:`measure` observed while driving :func:`read_size` over a buffer."""

    result: ImageSize | SizeUnknown
    # End of the furthest requested range, clipped to the data: the prefix a forward-only
    # reader needs (after a suffix request: the whole file).
    highest_offset: int
    total_bytes: int  # sum of bytes actually returned for all requests
    requests: tuple[ByteRequest, ...]


def measure(data: bytes, max_bytes: int = 1 << 20) -> Measurement:
    """Drive :func:`read_size` over ``data`` and record every request."""
    reader = read_size(max_bytes)
    requests: list[ByteRequest] = []
    highest = total = 0
    try:
        req = next(reader)
        while True:
            requests.append(req)
            if req.from_end:
                chunk = data[req.offset :][: req.length]
                highest = len(data)
            else:
                chunk = data[req.offset : req.offset + req.length]
                highest = max(highest, min(req.offset + req.length, len(data)))
            total += len(chunk)
            req = reader.send(chunk)
    except StopIteration as stop:
        result: ImageSize | SizeUnknown = stop.value
    return Measurement(result, highest, total, tuple(requests))


def measure_bytes(data: bytes, max_bytes: int = 1 << 20) -> tuple[ImageSize | SizeUnknown, int]:
    """Result for ``data`` and the highest byte offset the reader needed."""
    m = measure(data, max_bytes)
    return m.result, m.highest_offset
