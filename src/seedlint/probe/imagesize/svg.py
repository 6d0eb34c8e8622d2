"""SVG: the root element's width and height, or its viewBox, in CSS pixels."""

from __future__ import annotations

import math
import re

from .base import FIRST_REQUEST, SVG_LIMIT, Fail, FileView, Gen, ImageSize, oriented

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
SVG_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _svg_decode(data: bytes) -> str:
    for bom, enc in SVG_BOMS:
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
                raise Fail("unknown format (markup without a valid root element)")
            if m.end() == n - pos:
                return None
            name = m.group(1).rsplit(":", 1)[-1]
            if name != "svg":
                raise Fail(f"unknown format (XML/HTML with root element <{m.group(1)}>)")
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
            raise Fail(f"unknown format (text starting {text[pos : pos + 16]!r})")


def _svg_length(name: str, value: str | None) -> float | None:
    """Parse a width/height attribute to px; None when absent or ``auto``."""
    if value is None or value.strip() in ("", "auto"):
        return None
    m = _SVG_LENGTH.fullmatch(value)
    if m is None:
        raise Fail(f"SVG {name}={value!r} is not a valid length")
    unit = m.group(2).lower()
    if unit not in _SVG_UNITS:
        raise Fail(f"SVG {name}={value!r} is relative ({unit}); no intrinsic size")
    px = float(m.group(1)) * _SVG_UNITS[unit]
    if not math.isfinite(px) or px <= 0:
        raise Fail(f"SVG {name}={value!r} is not a positive length")
    return px


def parse_svg(src: FileView, head: bytes) -> Gen[ImageSize]:
    """SVG: width/height of the root element (absolute units), else the viewBox."""
    limit = min(SVG_LIMIT, src.max_bytes)
    data = head
    while True:
        tag = _svg_root_tag(_svg_decode(data))
        if tag is not None:
            break
        if src.size is not None and len(data) >= src.size:
            raise Fail("truncated SVG: root <svg> start tag incomplete")
        if len(data) >= limit:
            if limit < SVG_LIMIT:
                raise Fail(f"no size within the first {src.max_bytes} bytes")
            raise Fail(f"SVG: no complete <svg> start tag within the first {limit} bytes")
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
            raise Fail(f"SVG lacks width/height and a usable viewBox{bad}")
        # One side given: the other follows from the viewBox's aspect ratio, as browsers do.
        if width is not None:
            height = width * box[1] / box[0]
        elif height is not None:
            width = height * box[0] / box[1]
        else:
            width, height = box
    w, h = math.floor(width + 0.5), math.floor(height + 0.5)
    return oriented("SVG", w, h, False)
