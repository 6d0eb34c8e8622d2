"""Choosing a parser by magic bytes, the sans-IO :func:`read_size`, and in-memory drivers."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from .base import (
    FIRST_REQUEST,
    ByteRequest,
    Fail,
    FileView,
    Gen,
    ImageSize,
    SizeParser,
    SizeUnknown,
    check_plausible,
    first_bytes,
)
from .bitmap import parse_bmp, parse_ico, parse_tga, tga_plausible
from .bmff import parse_bmff
from .icns import parse_icns
from .jpeg import parse_jpeg
from .jpeg2000 import JP2_SIG, parse_j2k, parse_jp2
from .png import PNG_SIG, parse_png
from .pnm import PNM_NAMES, PNM_SPACE, parse_pnm
from .simple import parse_gif, parse_psd, parse_qoi
from .svg import SVG_BOMS, parse_svg
from .tiff import parse_tiff
from .webp import parse_webp

Parser = Callable[[FileView, bytes], Gen[ImageSize]]

# Recognised but unsupported signatures, for better reasons than "unknown".
_UNSUPPORTED = (
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
    (b"\x1f\x8b", "gzip (SVGZ?)"),
    (b"%PDF", "PDF"),
    (b"DDS ", "DDS"),
    (b"\x76\x2f\x31\x01", "OpenEXR"),
)


def _detect(head: bytes) -> tuple[str, Parser]:
    """Choose a parser from the magic bytes (never from Content-Type or file name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG", parse_jpeg
    if head.startswith(PNG_SIG):
        return "PNG", parse_png
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF", parse_gif
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", parse_webp
    if head[4:8] == b"ftyp":
        return "ISO BMFF", parse_bmff
    if head[:2] == b"BM":
        return "BMP", parse_bmp
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF", parse_tiff
    if head[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and head[4:6] != b"\x00\x00":
        # A zero image count is also how many TGA headers start; treat that as unknown.
        return "ICO", parse_ico
    if head[:4] == b"8BPS":
        return "PSD", parse_psd
    if head[:4] == b"qoif":
        return "QOI", parse_qoi
    if head[:4] == b"icns":
        return "ICNS", parse_icns
    if head.startswith(JP2_SIG):
        return "JPEG2000", parse_jp2
    if head[:4] == b"\xff\x4f\xff\x51":
        return "JPEG2000", parse_j2k
    if len(head) >= 3 and head[:1] == b"P" and head[1] in PNM_NAMES and head[2] in PNM_SPACE:
        return "PNM", parse_pnm
    text = head
    for bom, _enc in SVG_BOMS:
        if text.startswith(bom):
            text = text[len(bom) :].replace(b"\x00", b"")  # crude UTF-16 -> ASCII sniff
            break
    if text.lstrip(b" \t\r\n").startswith(b"<"):
        return "SVG", parse_svg
    for magic, name in _UNSUPPORTED:
        if head.startswith(magic):
            raise Fail(f"unsupported format {name} (first bytes {first_bytes(head)})")
    if not head:
        raise Fail("empty data")
    if tga_plausible(head):
        # Last resort: no magic bytes, so only a TGA 2.0 footer can confirm it.
        return "TGA", parse_tga
    raise Fail(f"unknown format (first bytes {first_bytes(head)})")


def read_size(max_bytes: int = 1 << 20) -> SizeParser:
    """Sans-IO size reader: yields ByteRequests, is sent bytes, returns the result.

    Send each request's bytes (``b""`` or fewer bytes = end of file).  Requests have a
    positive length and never reach past ``max_bytes``, except suffix requests (negative
    offset: the file's last bytes, see :class:`ByteRequest`); all requests together ask
    for at most ``max_bytes`` bytes.  If the size is not found within that, the result is
    ``SizeUnknown("no size within the first N bytes")``.
    """
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    src = FileView(max_bytes)
    fmt = "image"
    try:
        head = yield from src.fetch(0, min(FIRST_REQUEST, max_bytes))
        try:
            fmt, parser = _detect(head)
        except Fail:
            if src.size is None and len(head) < FIRST_REQUEST:
                # The cap, not the data, cut the header short: say so.
                raise Fail(f"no size within the first {max_bytes} bytes") from None
            raise
        size = yield from parser(src, head)
        return check_plausible(size)
    except Fail as exc:
        return SizeUnknown(exc.reason)
    except (IndexError, ValueError, OverflowError, struct.error) as exc:  # pragma: no cover
        # Defensive: a parser bug must not crash the linter; tests assert this never fires.
        return SizeUnknown(f"internal error parsing {fmt}: {exc!r}")


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
