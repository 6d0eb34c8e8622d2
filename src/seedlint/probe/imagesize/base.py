"""What every format parser shares: request and result types, limits, and :class:`FileView`."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

from seedlint.outcomes import MeasuredSize


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


ImageSize = MeasuredSize
"""A trustworthy size: as stored, and as displayed after orientation metadata.

The same type the probe caches and online rules read, so a result needs no copying.
"""


@dataclass(frozen=True)
class SizeUnknown:
    """No trustworthy size; ``reason`` says why (truncated, corrupt, unsupported...)."""

    reason: str


SizeParser = Generator[ByteRequest, bytes, "ImageSize | SizeUnknown"]
"""One run of :func:`~seedlint.probe.imagesize.read_size`: yields requests, is sent bytes."""

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
Gen = Generator[ByteRequest, bytes, _T]
"""A parser step: yields requests, is sent bytes, returns ``_T``."""


class Fail(Exception):
    """Abort parsing with a ``SizeUnknown`` reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FileView:
    """The parsers' view of the file: caches fetched ranges, turns reads into ByteRequests.

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

    def fetch(self, offset: int, need: int, want: int | None = None) -> Gen[bytes]:
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
            raise Fail(f"no size within the first {self.max_bytes} bytes")
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

    def read(self, offset: int, length: int, what: str) -> Gen[bytes]:
        """Exactly ``length`` bytes at ``offset``, or fail with ``truncated <what>``."""
        data = yield from self.fetch(offset, length)
        if len(data) < length:
            raise Fail(f"truncated {what}")
        return data

    def tail(self, length: int, what: str) -> Gen[bytes]:
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
            raise Fail(f"no size within {self.max_bytes} bytes ({what} is needed too)")
        self.requested += length
        received = yield ByteRequest(-length, length)
        return bytes(received[-length:]) if received else b""


def u16be(b: bytes, i: int = 0) -> int:
    """The unsigned 16-bit big-endian integer at ``b[i:i + 2]``."""
    return int.from_bytes(b[i : i + 2], "big")


def u16le(b: bytes, i: int = 0) -> int:
    """The unsigned 16-bit little-endian integer at ``b[i:i + 2]``."""
    return int.from_bytes(b[i : i + 2], "little")


def u32be(b: bytes, i: int = 0) -> int:
    """The unsigned 32-bit big-endian integer at ``b[i:i + 4]``."""
    return int.from_bytes(b[i : i + 4], "big")


def u32le(b: bytes, i: int = 0) -> int:
    """The unsigned 32-bit little-endian integer at ``b[i:i + 4]``."""
    return int.from_bytes(b[i : i + 4], "little")


def oriented(fmt: str, width: int, height: int, swap: bool) -> ImageSize:
    """Build an ImageSize; ``swap`` means the display size is rotated by 90/270 degrees."""
    if swap:
        return ImageSize(fmt, width, height, height, width)
    return ImageSize(fmt, width, height, width, height)


def check_plausible(size: ImageSize) -> ImageSize:
    """Reject zero/absurd sizes: they come from corrupt headers, never from real images."""
    for v in (size.width, size.height):
        if not 0 < v <= MAX_DIMENSION:
            raise Fail(
                f"implausible {size.format} size {size.width}x{size.height} "
                f"(each side must be 1..{MAX_DIMENSION})"
            )
    return size


def first_bytes(b: bytes) -> str:
    """The first four bytes in hex, for "unknown format" reasons."""
    return " ".join(f"{x:02x}" for x in b[:4])
