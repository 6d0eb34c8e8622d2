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
        assert req.length >= 1
        if req.from_end:
            # Suffix requests: only the 18-byte TGA footer, at most once.
            assert req.offset == -req.length == -18
        else:
            assert req.offset >= 0
            assert req.offset + req.length <= max_bytes
    assert sum(r.from_end for r in m.requests) <= 1
    assert sum(r.length for r in m.requests) <= max_bytes
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
    if e["truth_class"] == "none":
        return None
    return (e["stored_width"], e["stored_height"], e["display_width"], e["display_height"])


# --------------------------------------------------------------------------- manifest


def test_manifest_is_complete() -> None:
    files = {p.name for p in DATA.iterdir() if p.name != "manifest.json"}
    assert files == {e["file"] for e in MANIFEST}
    assert len(MANIFEST) == 88


def test_every_valid_entry_is_measured_exactly() -> None:
    """The issue's target: 100% of the ``valid`` class, every format in the corpus."""
    valid = [e for e in MANIFEST if e["truth_class"] == "valid"]
    assert len(valid) == 81
    for e in valid:
        r = measure((DATA / e["file"]).read_bytes()).result
        assert isinstance(r, ImageSize), (e["file"], r)
        assert sizes(r) == expected(e), e["file"]


# Bytes needed for the formats without an oracle in the manifest: (furthest offset,
# bytes received, requests).  TGA needs its first 64 bytes plus the last 18 (a suffix
# request), so a forward-only reader needs the whole file.
NEW_FORMAT_COSTS = {
    "psd-oob-write-y.psd": (64, 64, 1),
    "rgba.psd": (64, 64, 1),
    "pil123rgba.qoi": (64, 64, 1),
    "hopper.pnm": (64, 64, 1),
    "pillow2.icns": (80, 80, 2),  # header + TOC; the 280 kB ic09 element is never touched
    "test-card-lossless.jp2": (179, 94, 2),  # jp2h + ihdr behind a 109-byte rreq box
    "crash-ccca68ff40171fdae983d924e127a721cab2bd50.j2k": (64, 64, 1),
    "tga__common__200x32_l_bl_raw.tga": (6444, 82, 2),
    "tga__common__200x32_rgba_tl_raw.tga": (25644, 82, 2),
}


@pytest.mark.parametrize("name", sorted(NEW_FORMAT_COSTS))
def test_new_format_costs(name: str) -> None:
    m = drive((DATA / name).read_bytes())
    assert isinstance(m.result, ImageSize)
    assert (m.highest_offset, m.total_bytes, len(m.requests)) == NEW_FORMAT_COSTS[name]


@pytest.mark.parametrize("e", MANIFEST, ids=entry_id)
def test_manifest_entry(e: dict[str, Any]) -> None:
    data = (DATA / e["file"]).read_bytes()
    m = drive(data)
    want = expected(e)
    if want is None:
        assert isinstance(m.result, SizeUnknown), m.result
        return
    assert isinstance(m.result, ImageSize), m.result
    assert sizes(m.result) == want
    fmt = e["format"]
    allowed = {"PNG", "APNG"} if fmt == "PNG" and "apng" in (e.get("notes") or []) else {fmt}
    assert m.result.format in allowed
    # Bytes needed: the furthest byte we made the fetcher send.
    if e["oracle_min_bytes"] is not None:
        assert m.highest_offset <= max(e["oracle_min_bytes"], FIRST_REQUEST) + SLACK
    # Never fetch the same byte twice (a suffix request makes highest_offset the file size).
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
        if req.from_end:  # a cut moves the end: try cuts just short of it
            points.update(p for p in range(n - 2 * req.length, n + 1) if p >= 0)
            continue
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


@pytest.mark.parametrize("e", MANIFEST, ids=entry_id)
def test_every_truncation_point(e: dict[str, Any]) -> None:
    check_prefixes((DATA / e["file"]).read_bytes(), e["oracle_min_bytes"])


@pytest.mark.parametrize("e", MANIFEST[::3], ids=entry_id)
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
    assert_unknown(b"DDS |\x00\x00\x00" + b"\x00" * 30, "unsupported format DDS")


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
    b"8BPS\x00\x01",
    b"8BPS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x03",
    b"qoif",
    b"icns",
    b"icns\x00\x00\x01\x00TOC \x00\x00\x00\x10",
    b"\x00\x00\x00\x0cjP  \r\n\x87\n",
    b"\x00\x00\x00\x0cjP  \r\n\x87\n\x00\x00\x00\x14ftypjp2 \x00\x00\x00\x00jp2 ",
    b"\xff\x4f\xff\x51",
    b"P1 ",
    b"P6\n",
    b"P7\n",
    b"P7\nWIDTH ",
    b"\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00",
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


REAL = sorted(e["file"] for e in MANIFEST if e["bytes"] < 40000)


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


# --------------------------------------------------------------------------- synthetic: PSD, QOI


def psd(
    w: int, h: int, *, version: int = 1, channels: int = 3, depth: int = 8, mode: int = 3
) -> bytes:
    head = b"8BPS" + struct.pack(">H6xHIIHH", version, channels, h, w, depth, mode)
    return head + struct.pack(">I", 0) * 3 + b"\x00" * 100


def test_psd_and_psb() -> None:
    assert_size(psd(300, 200), "PSD", 300, 200)
    assert_size(psd(70000, 5, version=2), "PSB", 70000, 5)
    check_prefixes(psd(300, 200), oracle=26)
    check_prefixes(psd(70000, 5, version=2), oracle=26)
    assert_unknown(psd(1, 1, version=3), "corrupt PSD: version 3")
    assert_unknown(psd(1, 1, channels=0), "0 channels")
    assert_unknown(psd(1, 1, depth=12), "bit depth 12")
    assert_unknown(psd(1, 1, mode=5), "colour mode 5")
    assert_unknown(psd(0, 1), "implausible PSD size 0x1")
    assert_unknown(psd(1, 1)[:20], "truncated PSD: file header")


def qoi(w: int, h: int, channels: int = 4, colorspace: int = 0) -> bytes:
    return b"qoif" + struct.pack(">IIBB", w, h, channels, colorspace) + b"\x00" * 7 + b"\x01"


def test_qoi() -> None:
    assert_size(qoi(162, 150), "QOI", 162, 150)
    check_prefixes(qoi(162, 150), oracle=14)
    assert_unknown(qoi(1, 1, channels=2), "corrupt QOI: 2 channels")
    assert_unknown(qoi(1, 1, colorspace=2), "colour space 2")
    assert_unknown(qoi(0, 5), "implausible QOI")
    assert_unknown(b"qoif\x00\x00", "truncated QOI")


# --------------------------------------------------------------------------- synthetic: PNM


@pytest.mark.parametrize(
    ("header", "fmt", "size"),
    [
        (b"P1\n3 2\n", "PBM", (3, 2)),
        (b"P4 640 480 ", "PBM", (640, 480)),
        (b"P2\n# a comment\n17\t5\n255\n", "PGM", (17, 5)),
        (b"P5\r\n7\r\n9\r\n65535\r\n", "PGM", (7, 9)),
        (b"P3\n#c1\n#c2\r\n 12#trailing comment ends the token\n34 255\n", "PPM", (12, 34)),
        (b"P6\n# Created by GIMP\n128 128\n255\n", "PPM", (128, 128)),
        (b"P6 1 1 255 ", "PPM", (1, 1)),
        (
            b"P7\nWIDTH 227\nDEPTH 3\n# comment\n\nHEIGHT 149\nMAXVAL 255\nENDHDR\n",
            "PAM",
            (227, 149),
        ),
        (
            b"P7\nTUPLTYPE RGB_ALPHA\r\nHEIGHT 2\r\nWIDTH 3\r\nDEPTH 4\nMAXVAL 255\nENDHDR\n",
            "PAM",
            (3, 2),
        ),
    ],
)
def test_pnm_sizes(header: bytes, fmt: str, size: tuple[int, int]) -> None:
    data = header + b"\x00\x7f\xff" * 50
    assert_size(data, fmt, *size)
    check_prefixes(data)


def test_pnm_long_comment_is_read_in_growing_prefix() -> None:
    data = b"P5\n#" + b"x" * 5000 + b"\n33 44\n255\n" + b"\x00" * 9000
    m = drive(data)
    assert m.result == ImageSize("PGM", 33, 44, 33, 44)
    assert m.highest_offset <= 2 * 5020
    too_long = b"P5\n#" + b"x" * 20000 + b"\n33 44\n255\n"
    assert_unknown(too_long, "no complete width and height within the first 16384 bytes")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"P6\n12 34", "truncated PPM: header incomplete"),  # "34" might go on
        (b"P6\n# comment without end", "truncated PPM"),
        (b"P6\n-12 34\n255\n", "unexpected byte 0x2d"),
        (b"P6\n12x 34\n255\n", "unexpected byte 0x78"),
        (b"P6\n0 34\n255\n", "implausible PPM size 0x34"),
        (b"P6\n1234567890123 34\n255\n", "implausible PPM width 1234567890123"),
        (b"P6\n" + b"9" * 5000, "implausible PPM width"),
        (b"P7\nWIDTH 3\nENDHDR\n", "header ends without WIDTH and HEIGHT"),
        (b"P7\nWIDTH 3\nWIDTH 4\nHEIGHT 2\n", "second WIDTH line"),
        (b"P7\nWIDTH three\nHEIGHT 2\n", "width b'three' is not a number"),
        (b"P7\nBOGUS 1\nWIDTH 3\nHEIGHT 2\n", "unknown header line"),
        (b"P7\nWIDTH 3\nHEIGHT 2", "truncated PAM"),
        (b"P7 332\n#XVVERSION:Version 2.28\n80 60 255\n", "unsupported format XV thumbnail"),
        (b"P7\tWIDTH 3\n", "corrupt PAM: no newline after P7"),
    ],
)
def test_pnm_unknown(data: bytes, reason: str) -> None:
    assert_unknown(data, reason)


def test_pnm_needs_whitespace_after_magic() -> None:
    assert_unknown(b"P6x 1 1 255 ", "unknown format (first bytes 50 36 78 20)")
    assert_unknown(b"P8\n1 1\n", "unknown format")


# --------------------------------------------------------------------------- synthetic: ICNS


def icns_element(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack(">I", 8 + len(payload)) + payload


def icns(elements: list[tuple[bytes, int]], toc: bool = True, toc_extra: int = 0) -> bytes:
    """ICNS with elements of the given types and payload sizes (``toc_extra`` skews the TOC)."""
    body = b"".join(icns_element(k, b"\x00" * n) for k, n in elements)
    if toc:
        entries = b"".join(k + struct.pack(">I", 8 + n + toc_extra) for k, n in elements)
        body = icns_element(b"TOC ", entries) + body
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def test_icns_toc_and_walk() -> None:
    elements = [(b"is32", 700), (b"s8mk", 256), (b"il32", 2000), (b"l8mk", 1024)]
    elements += [(b"ic08", 20000), (b"ic10", 50000), (b"ic07", 3000), (b"ic13", 9000)]
    for toc in (True, False):
        data = icns(elements, toc=toc)
        m = drive(data)
        assert m.result == ImageSize("ICNS", 1024, 1024, 1024, 1024)
        check_prefixes(data)
        if toc:  # the TOC lists everything: no element header is visited
            assert m.highest_offset == 8 + 8 + 8 * len(elements)
        else:  # walked header by header, jumping over every payload
            assert m.total_bytes < 64 + 8 * len(elements)
    # A TOC that does not account for the file is not trusted: the elements are walked.
    m = drive(icns(elements, toc_extra=1))
    assert m.result == ImageSize("ICNS", 1024, 1024, 1024, 1024)
    assert len(m.requests) > 2
    # @2x types count real pixels; masks and unknown types never win on their own.
    assert_size(icns([(b"ic14", 10), (b"ic09", 10), (b"icnV", 4)]), "ICNS", 512, 512)
    assert_size(icns([(b"icm8", 10), (b"name", 4)], toc=False), "ICNS", 16, 12)


def test_icns_failures() -> None:
    assert_unknown(icns([(b"icnV", 4), (b"name", 10)]), "no icon element of a known type")
    bad = bytearray(icns([(b"ic08", 100), (b"ic09", 100)], toc=False))
    bad[12:16] = struct.pack(">I", 4)
    assert_unknown(bytes(bad), "corrupt ICNS: element b'ic08' at offset 8 has bad size 4")
    # Like any header-only read, a cut inside the last element goes unnoticed; a cut before
    # an element header does not.
    assert_size(icns([(b"ic08", 100)], toc=False)[:60], "ICNS", 256, 256)
    assert_unknown(
        icns([(b"ic08", 100), (b"ic09", 100)], toc=False)[:60],
        "truncated ICNS: element header at offset 116",
    )
    many = icns([(b"is32", 0)] * 65, toc=False)
    assert_unknown(many, "more than 64 elements")
    assert_unknown(b"icns\x00\x00\x00\x08", "corrupt ICNS: file length 8")


# --------------------------------------------------------------------------- synthetic: JPEG 2000

JP2_SIG = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
JP2_FTYP = box(b"ftyp", b"jp2 \x00\x00\x00\x00jp2 ")


def ihdr(w: int, h: int, nc: int = 3) -> bytes:
    return box(b"ihdr", struct.pack(">IIHBBBB", h, w, nc, 7, 7, 0, 0))


def jp2(*boxes: bytes) -> bytes:
    return JP2_SIG + JP2_FTYP + b"".join(boxes) + box(b"jp2c", b"\xff\x4f\xff\x51" + b"\x00" * 60)


def siz(xsiz: int, ysiz: int, xo: int = 0, yo: int = 0) -> bytes:
    body = struct.pack(">HIIIIIIIIH", 0, xsiz, ysiz, xo, yo, xsiz, ysiz, 0, 0, 1) + b"\x07\x01\x01"
    return (
        b"\xff\x4f\xff\x51" + struct.pack(">H", 2 + len(body)) + body + b"\xff\x52" + b"\x00" * 20
    )


def test_jp2_boxes() -> None:
    colr = box(b"colr", b"\x01\x00\x00\x00\x00\x00\x10")
    data = jp2(box(b"jp2h", ihdr(640, 480) + colr))
    assert_size(data, "JPEG2000", 640, 480)
    check_prefixes(data)
    # Boxes before jp2h are jumped over; jp2h and its ihdr come in one request.
    data = jp2(box(b"rreq", b"\x00" * 5000), box(b"xml ", b"<x/>" * 500), box(b"jp2h", ihdr(7, 9)))
    m = drive(data)
    assert m.result == ImageSize("JPEG2000", 7, 9, 7, 9)
    assert len(m.requests) == 3 and m.total_bytes < 200
    check_prefixes(data)
    # ihdr need not be the first child; a 64-bit box size is understood.
    big = struct.pack(">I", 1) + b"uuid" + struct.pack(">Q", 16 + 100) + b"\x00" * 100
    assert_size(jp2(big, box(b"jp2h", colr + ihdr(3, 2))), "JPEG2000", 3, 2)


def test_jp2_failures() -> None:
    assert_unknown(jp2(box(b"jp2h", box(b"colr", b"\x01" * 7))), "jp2h header box without an ihdr")
    assert_unknown(jp2(), "codestream box before the jp2h header box")
    assert_unknown(JP2_SIG + box(b"jp2h", ihdr(3, 2)), "not ftyp")
    assert_unknown(jp2(box(b"jp2h", ihdr(3, 2, nc=0))), "0 components")
    assert_unknown(jp2(box(b"jp2h", box(b"ihdr", b"\x00" * 10))), "ihdr box of 10 bytes")
    assert_unknown(jp2(box(b"jp2h", ihdr(0, 2))), "implausible JPEG2000 size 0x2")
    assert_unknown(JP2_SIG + JP2_FTYP + struct.pack(">I", 0) + b"free", "no jp2h header box")
    assert_unknown(jp2(*[box(b"free", b"")] * 70), "among the first 64 boxes")
    assert_unknown(jp2(box(b"jp2h", ihdr(3, 2)))[:60], "truncated JPEG2000")


def test_j2k_codestream() -> None:
    assert_size(siz(640, 480), "JPEG2000", 640, 480)
    assert_size(siz(1000, 800, 10, 20), "JPEG2000", 990, 780)
    check_prefixes(siz(1000, 800, 10, 20), oracle=24)
    assert_unknown(siz(10, 10, 10, 0), "image offset 10,0 outside grid 10x10")
    bad = bytearray(siz(10, 10))
    bad[4:6] = struct.pack(">H", 40)
    assert_unknown(bytes(bad), "SIZ segment length 40")


# --------------------------------------------------------------------------- synthetic: TGA

TGA_FOOTER = b"\x00" * 8 + b"TRUEVISION-XFILE.\x00"


def tga(
    w: int,
    h: int,
    *,
    image_type: int = 2,
    depth: int = 24,
    descriptor: int = 0,
    footer: bool = True,
    pixels: int | None = None,
) -> bytes:
    cmap = (1, 0, 256, 24) if image_type in (1, 9) else (0, 0, 0, 0)
    head = struct.pack(
        "<BBBHHBHHHHBB", 0, cmap[0], image_type, *cmap[1:], 0, 0, w, h, depth, descriptor
    )
    size = w * h * max(depth // 8, 1) if pixels is None else pixels
    body = (b"\x00" * 768 if cmap[0] else b"") + bytes(i % 251 for i in range(size))
    return head + body + (TGA_FOOTER if footer else b"")


@pytest.mark.parametrize(
    ("image_type", "depth", "descriptor"),
    [
        (1, 8, 0),
        (2, 24, 0x20),
        (2, 32, 0x28),
        (2, 16, 0x01),
        (3, 8, 0),
        (9, 8, 0),
        (10, 15, 0),
        (11, 8, 0x30),
    ],
)
def test_tga_with_footer(image_type: int, depth: int, descriptor: int) -> None:
    data = tga(20, 10, image_type=image_type, depth=depth, descriptor=descriptor)
    m = drive(data)
    assert m.result == ImageSize("TGA", 20, 10, 20, 10)
    assert m.requests[-1] == ByteRequest(-18, 18)
    assert m.total_bytes == min(len(data), 64) + 18
    check_prefixes(data)


def test_tga_small_file_needs_no_suffix_request() -> None:
    data = tga(2, 2, depth=8, pixels=4)
    assert len(data) < FIRST_REQUEST
    m = drive(data)
    assert m.result == ImageSize("TGA", 2, 2, 2, 2)
    assert len(m.requests) == 1  # the first answer was short: the size, and the end, are known


def test_tga_without_footer_is_noise() -> None:
    r = result(tga(200, 32, footer=False))
    assert r == SizeUnknown(
        "unknown format (first bytes 00 00 02 00): plausible TGA header, but no magic bytes; "
        "TGA without a 2.0 footer cannot be told from noise"
    )
    # Same for the real TGA files with their footer cut off.
    for name in ("tga__common__200x32_l_bl_raw.tga", "tga__common__200x32_rgba_tl_raw.tga"):
        assert_unknown((DATA / name).read_bytes()[:-26], "cannot be told from noise")


@pytest.mark.parametrize(
    "header_fix",
    [
        {2: 4},  # image type 4 does not exist
        {1: 2},  # colour map type 2
        {2: 1},  # colour-mapped image without a colour map
        {16: 12},  # pixel depth 12
        {16: 8, 17: 0x09},  # 9 alpha bits in 8-bit pixels
        {12: 0, 13: 0},  # width 0
        {14: 0, 15: 0},  # height 0
    ],
)
def test_tga_implausible_header_is_not_tga(header_fix: dict[int, int]) -> None:
    data = bytearray(tga(20, 10))
    for i, v in header_fix.items():
        data[i] = v
    m = drive(bytes(data))
    assert isinstance(m.result, SizeUnknown)
    assert m.result.reason.startswith("unknown format (first bytes")
    assert not any(r.from_end for r in m.requests)  # no footer read for noise


def test_tga_driver_cannot_reach_the_end() -> None:
    data = tga(20, 10)
    reader = read_size()
    req = next(reader)
    with pytest.raises(StopIteration) as stop:
        while True:
            req = reader.send(b"" if req.from_end else data[req.offset : req.offset + req.length])
    assert stop.value.value == SizeUnknown(
        "unknown format (first bytes 00 00 02 00): plausible TGA header, but the file's last "
        "18 bytes (the TGA 2.0 footer) could not be read"
    )


def test_tga_suffix_counts_against_the_cap() -> None:
    data = tga(200, 32)
    assert result(data, max_bytes=81) == SizeUnknown(
        "no size within 81 bytes (a TGA 2.0 footer in the last 18 bytes is needed too)"
    )
    assert result(data, max_bytes=82) == ImageSize("TGA", 200, 32, 200, 32)


TGA_HEADERS = [
    tga(3, 2, footer=False, pixels=0),
    tga(3, 2, image_type=9, depth=8, footer=False, pixels=0),
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(TGA_HEADERS),
    st.binary(max_size=300),
    st.booleans(),
    st.integers(min_value=1, max_value=600),
)
def test_fuzz_tga(head: bytes, body: bytes, footer: bool, cap: int) -> None:
    data = head + body + (TGA_FOOTER if footer else b"")
    m = drive(data)
    assert isinstance(m.result, ImageSize) == footer or data.endswith(TGA_FOOTER[8:])
    drive(data, max_bytes=cap)
