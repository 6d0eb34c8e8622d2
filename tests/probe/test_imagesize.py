"""Tests for the sans-IO image-size parser (seedlint.probe.imagesize)."""

from __future__ import annotations

import json
import random
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.probe.imagesize import (
    FIRST_REQUEST,
    ByteRequest,
    ImageSize,
    Measurement,
    SizeUnknown,
    measure,
    measure_bytes,
    read_size,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "images"
MANIFEST: list[dict[str, Any]] = json.loads((DATA / "manifest.json").read_text())["images"]

# Formats in the corpus that the parser deliberately does not support (the brief lists the
# supported set).  They must come back as SizeUnknown with an "unsupported/unknown format"
# reason, never as a guessed size.
OUT_OF_SCOPE = {"PSD", "JPEG2000", "ICNS", "TGA", "QOI", "PPM"}

# Entries where we knowingly disagree with the manifest's truth_class.
#   unknown_compression_method.png: IHDR is valid (CRC, depth, methods all fine); Pillow
#   refuses the file only because the *iCCP* chunk uses an unknown compression method.
#   libpng (browsers) ignore such an ancillary chunk, so the image renders at 57x57.
DISAGREE = {"unknown_compression_method.png": (57, 57, 57, 57)}

# Allowed overshoot over max(oracle_min_bytes, FIRST_REQUEST).  JPEG reads a 10-byte window
# at each marker (enough for an SOF's 9 bytes *and* an APP1's "Exif\0\0" identifier in one
# request), i.e. oracle + 1; 16 leaves room for fill bytes before the SOF.
SLACK = 16


def sizes(r: ImageSize) -> tuple[int, int, int, int]:
    return (r.width, r.height, r.display_width, r.display_height)


def drive(data: bytes, max_bytes: int = 1 << 20) -> Measurement:
    """Like ``measure`` but asserts the request invariants on every step."""
    m = measure(data, max_bytes)
    for req in m.requests:
        assert isinstance(req, ByteRequest)
        assert req.offset >= 0
        assert req.length >= 1
        assert req.offset + req.length <= max_bytes
    assert m.total_bytes <= max_bytes
    if isinstance(m.result, SizeUnknown):
        assert not m.result.reason.startswith("internal error"), m.result.reason
    else:
        assert 0 < m.result.width <= 1_000_000
        assert 0 < m.result.height <= 1_000_000
    return m


def entry_id(e: dict[str, Any]) -> str:
    return str(e["file"])


def expected(e: dict[str, Any]) -> tuple[int, int, int, int] | None:
    if e["file"] in DISAGREE:
        return DISAGREE[e["file"]]
    if e["format"] in OUT_OF_SCOPE or e["truth_class"] == "none":
        return None
    return (e["stored_width"], e["stored_height"], e["display_width"], e["display_height"])


# --------------------------------------------------------------------------- manifest


def test_manifest_is_complete() -> None:
    files = {p.name for p in DATA.iterdir() if p.name != "manifest.json"}
    assert files == {e["file"] for e in MANIFEST}
    assert len(MANIFEST) == 88


@pytest.mark.parametrize("e", MANIFEST, ids=entry_id)
def test_manifest_entry(e: dict[str, Any]) -> None:
    data = (DATA / e["file"]).read_bytes()
    m = drive(data)
    want = expected(e)
    if want is None:
        assert isinstance(m.result, SizeUnknown), m.result
        if e["format"] in OUT_OF_SCOPE:
            assert m.result.reason.startswith(("unsupported format", "unknown format"))
        return
    assert isinstance(m.result, ImageSize), m.result
    assert sizes(m.result) == want
    fmt = e["format"]
    allowed = {"PNG", "APNG"} if fmt == "PNG" and "apng" in (e.get("notes") or []) else {fmt}
    assert m.result.format in allowed
    # Bytes needed: the furthest byte we made the fetcher send.
    if e["oracle_min_bytes"] is not None:
        assert m.highest_offset <= max(e["oracle_min_bytes"], FIRST_REQUEST) + SLACK
    # Never fetch the same byte twice.
    assert m.total_bytes <= m.highest_offset
    # Big APPn segments are jumped over, not downloaded.
    if any("large APP segments" in n for n in e.get("notes") or []):
        assert m.total_bytes <= 1024


def test_manifest_apng_detection() -> None:
    by_name = {e["file"]: e for e in MANIFEST}
    for name in by_name:
        if name.startswith("apng__"):
            r = measure((DATA / name).read_bytes()).result
            assert isinstance(r, ImageSize)
            # acTL after IDAT does not make an APNG (the APNG spec ignores it).
            assert r.format == ("PNG" if name == "apng__chunk_actl_after_idat.png" else "APNG")


def test_measure_bytes_matches_measure() -> None:
    data = (DATA / "flower2.jpg").read_bytes()
    result, highest = measure_bytes(data)
    m = measure(data)
    assert (result, highest) == (m.result, m.highest_offset)
    assert highest == 21937  # SOF at 21927: 9 bytes needed + 1 byte of window


def test_truncated_reasons() -> None:
    r = measure((DATA / "cut65536_icc_profile_big.jpg").read_bytes()).result
    assert r == SizeUnknown("truncated JPEG: no SOF marker before end of data")
    r = measure((DATA / "cut8_hopper.gif").read_bytes()).result
    assert isinstance(r, SizeUnknown) and r.reason.startswith("truncated GIF")
    r = measure((DATA / "cut20_flower.webp").read_bytes()).result
    assert isinstance(r, SizeUnknown) and r.reason.startswith("truncated WEBP")


# --------------------------------------------------------------------------- truncation


def prefix_points(m: Measurement, n: int) -> list[int]:
    """Every prefix length up to 512, plus the edges of every request (where answers change)."""
    points = set(range(min(n, 512) + 1))
    for req in m.requests:
        for p in (req.offset - 1, req.offset, req.offset + 1, req.offset + req.length - 1):
            if 0 <= p <= n:
                points.add(p)
        points.add(min(n, req.offset + req.length))
    return sorted(points)


def check_prefixes(data: bytes, oracle: int | None = None) -> None:
    full = drive(data)
    for p in prefix_points(full, len(data)):
        r = drive(data[:p]).result
        if isinstance(full.result, SizeUnknown):
            assert isinstance(r, SizeUnknown), (p, r)
            continue
        if p >= full.highest_offset:
            assert r == full.result, p
        elif isinstance(r, ImageSize):
            # A prefix may already reveal the size, but never a different one.
            assert sizes(r) == sizes(full.result), (p, r)
        if oracle is not None and p < oracle:
            assert isinstance(r, SizeUnknown), (p, r)


@pytest.mark.parametrize(
    "e", [e for e in MANIFEST if e["format"] not in OUT_OF_SCOPE], ids=entry_id
)
def test_every_truncation_point(e: dict[str, Any]) -> None:
    check_prefixes((DATA / e["file"]).read_bytes(), e["oracle_min_bytes"])


@pytest.mark.parametrize(
    "e", [e for e in MANIFEST if e["format"] not in OUT_OF_SCOPE][::3], ids=entry_id
)
def test_max_bytes_cap(e: dict[str, Any]) -> None:
    data = (DATA / e["file"]).read_bytes()
    full = drive(data)
    for cap in sorted({1, 7, 31, 64, 100, 1000, max(1, full.highest_offset - 1)}):
        m = drive(data, max_bytes=cap)
        if cap < full.highest_offset:
            # Either proven unknown, or the size was already in the first `cap` bytes.
            assert isinstance(m.result, SizeUnknown) or m.result == full.result
    capped = drive(data, max_bytes=full.highest_offset).result
    if isinstance(full.result, ImageSize):
        assert capped == full.result
    else:
        assert isinstance(capped, SizeUnknown)


def test_cap_reason() -> None:
    data = (DATA / "app13-multiple.jpg").read_bytes()
    assert measure(data, max_bytes=1000).result == SizeUnknown(
        "no size within the first 1000 bytes"
    )


def test_tiny_cap_is_reported_as_cap() -> None:
    gif = b"GIF89a" + struct.pack("<HH", 5, 6) + b"\x00" * 60
    assert result(gif, max_bytes=5) == SizeUnknown("no size within the first 5 bytes")
    assert result(gif, max_bytes=10) == ImageSize("GIF", 5, 6, 5, 6)


def test_jpeg_exif_thumbnail_sof_is_skipped() -> None:
    thumb = b"\xff\xd8" + jsof(16, 16) + b"\xff\xd9"
    data = jpeg(jseg(0xE1, exif(1) + thumb), jsof(1600, 1200))
    assert_size(data, "JPEG", 1600, 1200)


def test_max_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        next(read_size(0))


# --------------------------------------------------------------------------- builders


def jseg(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jsof(w: int, h: int, marker: int = 0xC0, comps: int = 3) -> bytes:
    return jseg(marker, struct.pack(">BHHB", 8, h, w, comps) + b"\x01\x22\x00" * comps)


def exif(orientation: int, order: str = "MM") -> bytes:
    e = ">" if order == "MM" else "<"
    head = (b"MM\x00*" if order == "MM" else b"II*\x00") + struct.pack(e + "I", 8)
    entries = struct.pack(e + "HHI", 0x010F, 2, 4) + b"Cam\x00"  # Make, inline
    entries += struct.pack(e + "HHIH", 0x0112, 3, 1, orientation) + b"\x00\x00"
    return b"Exif\x00\x00" + head + struct.pack(e + "H", 2) + entries + b"\x00" * 4


JFIF = jseg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
SCAN = jseg(0xC4, b"\x00" * 20) + jseg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\xd9"


def jpeg(*segments: bytes) -> bytes:
    return b"\xff\xd8" + b"".join(segments) + SCAN


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(w: int, h: int, *extra: bytes, depth: int = 8, ctype: int = 6) -> bytes:
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
    tail = png_chunk(b"IDAT", b"x\x9c") + png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(extra) + tail


def riff(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def fullbox(kind: bytes, payload: bytes, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def ispe(w: int, h: int) -> bytes:
    return fullbox(b"ispe", struct.pack(">II", w, h))


def ipma(assoc: dict[int, list[int]]) -> bytes:
    body = struct.pack(">I", len(assoc))
    for item, props in assoc.items():
        body += struct.pack(">HB", item, len(props)) + bytes(0x80 | p for p in props)
    return fullbox(b"ipma", body)


def heif(
    props: list[bytes],
    assoc: dict[int, list[int]] | None,
    *,
    primary: int | None = 1,
    brands: bytes = b"avif\x00\x00\x00\x00avifmif1miaf",
    pad: int = 0,
    mdat_first: bool = False,
) -> bytes:
    hdlr = fullbox(b"hdlr", b"\x00" * 4 + b"pict" + b"\x00" * 13)
    children = hdlr
    if primary is not None:
        children += fullbox(b"pitm", struct.pack(">H", primary))
    if pad:
        children += box(b"free", b"\x00" * pad)  # stands in for a big iinf/iloc
    iprp = box(b"ipco", b"".join(props)) + (ipma(assoc) if assoc is not None else b"")
    children += box(b"iprp", iprp)
    meta = fullbox(b"meta", children)
    mdat = box(b"mdat", b"\x00" * 300)
    ftyp = box(b"ftyp", brands)
    return ftyp + (mdat + meta if mdat_first else meta + mdat)


def bmp(w: int, h: int, bpp: int = 24, compression: int = 0) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, bpp, compression, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(info), 0, 0, 54) + info + b"\x00" * 16


def tiff(entries: list[tuple[int, int, int]], order: str = "II") -> bytes:
    e = "<" if order == "II" else ">"
    hdr = (b"II*\x00" if order == "II" else b"MM\x00*") + struct.pack(e + "I", 8)
    body = struct.pack(e + "H", len(entries))
    for tag, typ, value in sorted(entries):
        raw = struct.pack(e + "H", value) + b"\x00\x00" if typ == 3 else struct.pack(e + "I", value)
        body += struct.pack(e + "HHI", tag, typ, 1) + raw
    return hdr + body + b"\x00" * 4 + b"\x00" * 32


def bigtiff(entries: list[tuple[int, int, int]]) -> bytes:
    hdr = b"II+\x00" + struct.pack("<HHQ", 8, 0, 16)
    body = struct.pack("<Q", len(entries))
    for tag, typ, value in sorted(entries):
        body += struct.pack("<HHQQ", tag, typ, 1, value)
    return hdr + body + b"\x00" * 8


def ico(dims: list[tuple[int, int]], kind: int = 1) -> bytes:
    out = struct.pack("<HHH", 0, kind, len(dims))
    for i, (w, h) in enumerate(dims):
        out += struct.pack("<BBBBHHII", w, h, 0, 0, 1, 32, 40, 6 + 16 * len(dims) + i)
    return out + b"\x00" * 64


def result(data: bytes, max_bytes: int = 1 << 20) -> ImageSize | SizeUnknown:
    return drive(data, max_bytes).result


def assert_size(data: bytes, fmt: str, *size: int) -> None:
    """``size`` is (w, h) when display equals stored, else (w, h, display_w, display_h)."""
    w, h, dw, dh = size if len(size) == 4 else (*size, *size)
    assert result(data) == ImageSize(fmt, w, h, dw, dh)


def assert_unknown(data: bytes, contains: str) -> None:
    r = result(data)
    assert isinstance(r, SizeUnknown), r
    assert contains in r.reason, r.reason


# --------------------------------------------------------------------------- synthetic: JPEG


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("order", ["MM", "II"])
def test_jpeg_exif_orientation(orientation: int, order: str) -> None:
    data = jpeg(JFIF, jseg(0xE1, exif(orientation, order)), jsof(200, 100))
    swap = orientation >= 5
    assert_size(data, "JPEG", 200, 100, 100 if swap else 200, 200 if swap else 100)
    check_prefixes(data)


def test_jpeg_exif_invalid_or_outside_segment_is_ignored() -> None:
    assert_size(jpeg(jseg(0xE1, exif(9)), jsof(20, 10)), "JPEG", 20, 10)
    # IFD0 claims many entries; only those inside the APP1 segment are looked at.
    bad = bytearray(exif(6))
    bad[14:16] = struct.pack(">H", 500)
    assert_size(jpeg(jseg(0xE1, bytes(bad)), jsof(20, 10)), "JPEG", 20, 10, 10, 20)
    # XMP in APP1 is not EXIF.
    assert_size(
        jpeg(jseg(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x/>"), jsof(20, 10)), "JPEG", 20, 10
    )


def test_jpeg_first_exif_orientation_wins() -> None:
    data = jpeg(jseg(0xE1, exif(6)), jseg(0xE1, exif(1)), jsof(20, 10))
    assert_size(data, "JPEG", 20, 10, 10, 20)


@pytest.mark.parametrize("marker", sorted(set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}))
def test_jpeg_all_sof_markers(marker: int) -> None:
    assert_size(jpeg(JFIF, jsof(321, 123, marker)), "JPEG", 321, 123)


def test_jpeg_dht_dac_jpg_are_not_sof() -> None:
    # These sit in the SOF range but are not frame headers; values must not leak out.
    fake = struct.pack(">BHH", 8, 9999, 9999) + b"\x00" * 4
    data = jpeg(jseg(0xC4, fake), jseg(0xC8, fake), jseg(0xCC, fake), jsof(64, 32))
    assert_size(data, "JPEG", 64, 32)


def test_jpeg_fill_bytes_rst_and_junk() -> None:
    data = (
        b"\xff\xd8"
        + JFIF
        + b"\xff\xff\xff"
        + b"\xff\xd0"
        + b"\xff\x01"
        + b"\x00\x01"
        + jsof(7, 5)
        + SCAN
    )
    assert_size(data, "JPEG", 7, 5)


def test_jpeg_cmyk_and_large_app_segments() -> None:
    big = jseg(0xED, b"Photoshop 3.0\x00" + b"\x00" * 60000)
    icc = b"".join(jseg(0xE2, b"ICC_PROFILE\x00" + b"\x00" * 65000) for _ in range(3))
    data = jpeg(JFIF, big, icc, jsof(640, 480, comps=4))
    m = drive(data)
    assert m.result == ImageSize("JPEG", 640, 480, 640, 480)
    assert m.total_bytes < 200  # jumped over ~255 KB of APPn payload
    assert len(m.requests) <= 7


def test_jpeg_failures() -> None:
    assert_unknown(jpeg(JFIF, jsof(64, 0)), "DNL")
    assert_unknown(b"\xff\xd8" + JFIF + b"\xff\xda\x00\x08" + b"\x00" * 20, "SOS marker before")
    assert_unknown(b"\xff\xd8" + JFIF + b"\xff\xd9", "EOI")
    assert_unknown(b"\xff\xd8" + JFIF, "truncated JPEG: no SOF marker before end of data")
    assert_unknown(b"\xff\xd8\xff" + b"\x00" * 5000, "no marker within")
    assert_unknown(jpeg(jsof(0, 10)), "implausible")
    assert_unknown(b"\xff\xd8\xff\xe0\x00\x01" + b"\x00" * 20, "segment length")


# --------------------------------------------------------------------------- synthetic: others


def test_png_apng_and_validation() -> None:
    assert_size(png(300, 200), "PNG", 300, 200)
    actl = png_chunk(b"acTL", struct.pack(">II", 2, 0))
    assert_size(png(30, 20, actl), "APNG", 30, 20)
    gama = png_chunk(b"gAMA", b"\x00\x00\xb1\x8f")
    assert_size(png(30, 20, gama, actl), "APNG", 30, 20)
    # acTL beyond the first request: reported as plain PNG (documented trade-off).
    assert_size(png(30, 20, png_chunk(b"tEXt", b"k\x00" + b"v" * 100), actl), "PNG", 30, 20)
    cgbi = png_chunk(b"CgBI", b"\x50\x00\x20\x06")
    data = png(57, 58)
    assert_size(data[:8] + cgbi + data[8:], "PNG", 57, 58)
    assert_unknown(png(0, 10), "implausible")
    assert_unknown(png(2_000_000, 10), "implausible")
    assert_unknown(png(10, 10, depth=3), "bit depth")
    bad = bytearray(png(10, 10))
    bad[29] ^= 0xFF
    assert_unknown(bytes(bad), "CRC")


def test_gif() -> None:
    assert_size(b"GIF89a" + struct.pack("<HH", 500, 300) + b"\x00" * 10, "GIF", 500, 300)
    assert_size(b"GIF87a" + struct.pack("<HH", 1, 2), "GIF", 1, 2)
    assert_unknown(b"GIF89a" + struct.pack("<HH", 0, 300) + b"\x00" * 10, "implausible")


def test_webp_variants() -> None:
    vp8 = b"\x30\x01\x00\x9d\x01\x2a" + struct.pack("<HH", 400 | 0x4000, 300) + b"\x00" * 10
    assert_size(riff(b"VP8 ", vp8), "WEBP", 400, 300)
    assert_unknown(riff(b"VP8 ", b"\x31" + vp8[1:]), "key frame")
    assert_unknown(riff(b"VP8 ", vp8[:3] + b"\x00\x00\x00" + vp8[6:]), "start code")
    vp8l = b"\x2f" + struct.pack("<I", (1000 - 1) | (307 - 1) << 14) + b"\x00" * 8
    assert_size(riff(b"VP8L", vp8l), "WEBP", 1000, 307)
    vp8x = b"\x10\x00\x00\x00" + (16383).to_bytes(3, "little") + (99).to_bytes(3, "little")
    assert_size(riff(b"VP8X", vp8x), "WEBP", 16384, 100)
    assert_unknown(riff(b"ALPH", b"\x00" * 20), "unknown first chunk")


def test_avif_primary_item_and_irot() -> None:
    props = [ispe(1920, 1080), box(b"irot", b"\x01"), box(b"imir", b"\x00"), ispe(320, 180)]
    # Item 1 (primary) is the big image rotated 90 degrees; item 2 a thumbnail.
    data = heif(props, {1: [1, 2, 3], 2: [4]})
    assert_size(data, "AVIF", 1920, 1080, 1080, 1920)
    check_prefixes(data)
    # Primary is the thumbnail: pitm + ipma beat "largest".
    assert_size(heif(props, {1: [1, 2], 2: [4]}, primary=2), "AVIF", 320, 180)
    # irot 180 degrees and imir do not change the display size.
    assert_size(
        heif([ispe(40, 30), box(b"irot", b"\x02"), box(b"imir", b"\x01")], {1: [1, 2, 3]}),
        "AVIF",
        40,
        30,
    )


def test_avif_fallback_and_layout() -> None:
    props = [ispe(320, 180), ispe(1920, 1080)]
    assert_size(heif(props, None, primary=None), "AVIF", 1920, 1080)
    # mdat before meta, and a meta too big to prefetch: walked header by header.
    m = drive(heif([ispe(64, 48)], {1: [1]}, pad=20000, mdat_first=True))
    assert m.result == ImageSize("AVIF", 64, 48, 64, 48)
    assert m.total_bytes < 1000
    heic = heif(
        [ispe(4032, 3024), box(b"irot", b"\x03")],
        {1: [1, 2]},
        brands=b"heic\x00\x00\x00\x00mif1heic",
    )
    assert_size(heic, "HEIF", 4032, 3024, 3024, 4032)
    assert_unknown(heif([box(b"pixi", b"\x00" * 4)], {1: [1]}), "no ispe")
    assert_unknown(
        box(b"ftyp", b"isom\x00\x00\x00\x00isomiso2mp41") + box(b"moov", b""), "unsupported format"
    )
    assert_unknown(
        box(b"ftyp", b"avif\x00\x00\x00\x00avif") + struct.pack(">I", 0) + b"mdat", "no meta box"
    )


def test_bmp_variants() -> None:
    assert_size(bmp(127, -64), "BMP", 127, 64)  # top-down
    assert_size(bmp(127, 64), "BMP", 127, 64)
    os2 = b"BM" + struct.pack("<IHHI", 100, 0, 0, 26) + struct.pack("<IHHHH", 12, 640, 480, 1, 8)
    assert_size(os2, "BMP", 640, 480)
    assert_unknown(bmp(-5, 10), "width")
    assert_unknown(bmp(5, 10, bpp=0, compression=5), "BI_PNG")
    assert_unknown(bmp(5, 10, bpp=7), "bit depth")
    assert_unknown(bmp(5, -(2**31)), "implausible")


def test_tiff_variants() -> None:
    assert_size(tiff([(0x100, 3, 640), (0x101, 4, 480)]), "TIFF", 640, 480)
    mm = tiff([(0x100, 4, 70000), (0x101, 3, 50), (0x112, 3, 6)], order="MM")
    assert_size(mm, "TIFF", 70000, 50, 50, 70000)
    assert_size(
        bigtiff([(0x100, 16, 5000), (0x101, 3, 4000), (0x112, 3, 8)]),
        "TIFF",
        5000,
        4000,
        4000,
        5000,
    )
    assert_unknown(tiff([(0x100, 3, 640)]), "lacks")
    assert_unknown(tiff([(0x100, 3, 640), (0x100, 3, 641), (0x101, 3, 1)]), "conflicting")
    assert_unknown(tiff([(0x100, 5, 640), (0x101, 3, 1)]), "type 5")


def test_ico_and_cur() -> None:
    assert_size(ico([(16, 16), (0, 0), (48, 48)]), "ICO", 256, 256)  # 0 means 256
    assert_size(ico([(32, 32)], kind=2), "CUR", 32, 32)
    assert_size(ico([(16, 32), (24, 24)]), "ICO", 24, 24)
    # Zero images: not taken for an icon at all (TGA headers start the same way).
    assert_unknown(b"\x00\x00\x01\x00\x00\x00" + b"\x00" * 40, "unknown format")


def test_detection_ignores_names_and_reports_first_bytes() -> None:
    assert result(b"<!DOCTYPE html><html></html>") == SizeUnknown(
        "unknown format (XML/HTML with root element <html>)"
    )
    assert result(b"\x01\x02\x03\x04junk") == SizeUnknown(
        "unknown format (first bytes 01 02 03 04)"
    )
    assert result(b"") == SizeUnknown("empty data")
    assert_unknown(b"8BPS\x00\x01" + b"\x00" * 30, "unsupported format PSD")


# --------------------------------------------------------------------------- synthetic: SVG


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ('<svg width="100" height="50"/>', (100, 50)),
        ('<svg xmlns="http://www.w3.org/2000/svg" width="10.5px" height="20.4"></svg>', (11, 20)),
        ('<svg viewBox="0 0 300 150"></svg>', (300, 150)),
        ('<svg viewBox="0,0,24.4,23.6"/>', (24, 24)),
        ('<svg width="200" viewBox="0 0 100 50"/>', (200, 100)),
        ('<svg height="auto" width="72pt" viewBox="0 0 2 1"/>', (96, 48)),
        ('<svg width="1in" height="2.54cm"/>', (96, 96)),
        ('<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="5" height="6"/>', (5, 6)),
        ('<svg data-x="a>b" width="7" height="8">', (7, 8)),
        (
            (
                '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
                '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [ <!ENTITY a "b"> ]>\n'
                "<svg\n  width='640'\n  height='480'>"
            ),
            (640, 480),
        ),
    ],
)
def test_svg_sizes(text: str, size: tuple[int, int]) -> None:
    data = text.encode("utf-8")
    assert_size(data, "SVG", *size)
    check_prefixes(data)


def test_svg_utf16_and_long_prolog() -> None:
    assert_size('\ufeff<svg width="3" height="4"/>'.encode("utf-16-le"), "SVG", 3, 4)
    prolog = "<!--" + "x" * 20000 + "-->"
    m = drive((prolog + '<svg width="9" height="8"/>' + " " * 5000).encode())
    assert m.result == ImageSize("SVG", 9, 8, 9, 8)
    assert m.highest_offset <= 2 * 20040


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('<svg width="100%" height="100%" viewBox="0 0 10 10"/>', "relative"),
        ('<svg width="10em" height="5em"/>', "relative"),
        ('<svg width="abc" height="5"/>', "not a valid length"),
        ('<svg width="-5" height="5"/>', "not a positive length"),
        ("<svg></svg>", "lacks width/height"),
        ('<svg viewBox="0 0 0 10"/>', "invalid viewBox"),
        ('<svg width="0.2" height="10"/>', "implausible"),
        ("<?xml version='1.0'?><html/>", "root element <html>"),
        ("<svg width='5' height='6'", "truncated SVG"),
        ("<!--" + "x" * 70000 + "--><svg width='5' height='6'/>", "within the first 65536 bytes"),
    ],
)
def test_svg_unknown(text: str, reason: str) -> None:
    assert_unknown(text.encode(), reason)


# --------------------------------------------------------------------------- protocol & fuzz


def test_generator_protocol_is_liberal() -> None:
    data = (DATA / "hopper_orientation_6.jpg").read_bytes()
    reader = read_size()
    req = next(reader)
    try:
        while True:
            # bytearray and over-long answers are accepted and trimmed.
            req = reader.send(bytearray(data[req.offset : req.offset + req.length + 100]))  # type: ignore[arg-type]
    except StopIteration as stop:
        assert stop.value == ImageSize("JPEG", 128, 128, 128, 128)


def test_random_garbage_is_unknown() -> None:
    rng = random.Random(1234)
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
        assert isinstance(result(data), SizeUnknown)


MAGICS = [
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8X",
    b"\x00\x00\x00\x18ftypavif",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"II+\x00\x08\x00\x00\x00",
    b"\x00\x00\x01\x00",
    b"<svg ",
    b"",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(MAGICS),
    st.binary(max_size=400),
    st.integers(min_value=1, max_value=5000),
)
def test_fuzz_magic_plus_garbage(magic: bytes, tail: bytes, cap: int) -> None:
    drive(magic + tail, max_bytes=cap)  # invariants are asserted inside
    drive(magic + tail)


REAL = sorted(e["file"] for e in MANIFEST if e["format"] not in OUT_OF_SCOPE and e["bytes"] < 40000)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(REAL),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_fuzz_mutated_real_files(name: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray((DATA / name).read_bytes())
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    drive(bytes(data))


def test_stats_summary() -> None:
    """Bytes needed over the corpus stay close to the oracle (see report)."""
    ours = oracle = 0
    for e in MANIFEST:
        if e["oracle_min_bytes"] is None:
            continue
        m = measure((DATA / e["file"]).read_bytes())
        if isinstance(m.result, ImageSize):
            ours += m.highest_offset
            oracle += e["oracle_min_bytes"]
    assert ours <= oracle + 64 * 60
