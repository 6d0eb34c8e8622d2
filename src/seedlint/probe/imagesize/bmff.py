"""ISO base media file format (AVIF, HEIF/HEIC): boxes, the ispe property, rotation."""

from __future__ import annotations

from dataclasses import dataclass

from .base import BMFF_PREFETCH, Fail, FileView, Gen, ImageSize, oriented, u16be, u32be

_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})


@dataclass(frozen=True)
class Box:
    type: bytes
    body: int  # offset of the payload (after size/type/largesize)
    end: int  # offset just past the box


def bmff_box(
    src: FileView,
    pos: int,
    limit: int | None,
    fmt: str,
    *,
    looking_for: str = "meta box",
    family: str = "ISO BMFF",
) -> Gen[Box]:
    """Read one box header at ``pos``; ``limit`` is the parent's end (None: file end).

    Also used for JP2, whose boxes have the same layout (``family`` names it in errors).
    """
    what = f"{fmt}: box header at offset {pos}"
    hdr = yield from src.read(pos, 8, what)
    size, typ = u32be(hdr), hdr[4:8]
    body = pos + 8
    if size == 1:
        ext = yield from src.read(pos + 8, 8, what)
        size, body = int.from_bytes(ext, "big"), pos + 16
    elif size == 0:
        if limit is None:
            # "Extends to end of file": only plausible for the last box (mdat).
            raise Fail(f"{fmt}: no {looking_for} before box {typ!r} that runs to end of file")
        size = limit - pos
    if size < body - pos or (limit is not None and pos + size > limit):
        raise Fail(f"corrupt {family}: box {typ!r} at offset {pos} has bad size {size}")
    return Box(typ, body, pos + size)


def _bmff_children(src: FileView, start: int, end: int, fmt: str) -> Gen[list[Box]]:
    """List the child boxes in ``[start, end)``; small containers are fetched whole."""
    if 0 < end - start <= BMFF_PREFETCH:
        yield from src.read(start, end - start, f"{fmt}: inside container box")
    boxes: list[Box] = []
    pos = start
    while pos < end:
        if end - pos < 8:
            raise Fail(f"corrupt {fmt}: {end - pos} stray bytes at end of container box")
        box = yield from bmff_box(src, pos, end, fmt)
        boxes.append(box)
        pos = box.end
    return boxes


def parse_bmff(src: FileView, head: bytes) -> Gen[ImageSize]:
    """AVIF/HEIF: primary item's ``ispe`` (via pitm + ipma), rotated by its ``irot``."""
    ftyp = yield from bmff_box(src, 0, None, "ISO BMFF")
    if ftyp.end - ftyp.body < 8 or ftyp.end > BMFF_PREFETCH:
        raise Fail("corrupt ISO BMFF: bad ftyp box size")
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
        raise Fail(f"unsupported format: ISO BMFF file with brand {name!r} (not AVIF/HEIF)")

    # Find the top-level meta box, jumping over anything else (e.g. an early mdat).
    pos = ftyp.end
    while True:
        box = yield from bmff_box(src, pos, None, fmt)
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
                primary = u16be(d, 4) if d[0] == 0 else u32be(d, 4)
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
        return (u32be(d, 4), u32be(d, 8)) if typ == b"ispe" and len(d) >= 12 else None

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
            raise Fail(f"corrupt {fmt}: no ispe (image spatial extents) property")
        width, height = max(all_sizes, key=lambda s: s[0] * s[1])
        rotations = [i for i in range(len(props)) if props[i][0] == b"irot"]
        swap = len(rotations) == 1 and irot_swaps(rotations[0])
    return oriented(fmt, width, height, swap)


def _parse_ipma(d: bytes, fmt: str) -> dict[int, list[int]]:
    """ipma: item ID -> 1-based ipco property indices."""
    if len(d) < 8:
        raise Fail(f"corrupt {fmt}: short ipma box")
    version, flags = d[0], int.from_bytes(d[1:4], "big")
    count = u32be(d, 4)
    out: dict[int, list[int]] = {}
    pos = 8
    id_size = 2 if version < 1 else 4
    idx_size = 2 if flags & 1 else 1
    for _ in range(count):
        if pos + id_size + 1 > len(d):
            raise Fail(f"corrupt {fmt}: ipma box overrun")
        item = int.from_bytes(d[pos : pos + id_size], "big")
        n = d[pos + id_size]
        pos += id_size + 1
        if pos + n * idx_size > len(d):
            raise Fail(f"corrupt {fmt}: ipma box overrun")
        mask = 0x7FFF if idx_size == 2 else 0x7F  # top bit is the "essential" flag
        out[item] = [
            int.from_bytes(d[pos + k * idx_size : pos + (k + 1) * idx_size], "big") & mask
            for k in range(n)
        ]
        pos += n * idx_size
    return out
