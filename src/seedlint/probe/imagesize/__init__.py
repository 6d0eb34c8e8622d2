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

from .base import FIRST_REQUEST, MAX_DIMENSION, ByteRequest, ImageSize, SizeParser, SizeUnknown
from .reader import Measurement, measure, measure_bytes, read_size

__all__ = [
    "FIRST_REQUEST",
    "MAX_DIMENSION",
    "ByteRequest",
    "ImageSize",
    "Measurement",
    "SizeParser",
    "SizeUnknown",
    "measure",
    "measure_bytes",
    "read_size",
]
