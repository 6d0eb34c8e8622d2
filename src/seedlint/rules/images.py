"""Online rules about images: is the declared pixel size the real one? (``--probe``)"""

from __future__ import annotations

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Severity

SIZE_MISMATCH = Rule(
    "I001",
    "image-size-mismatch",
    "An image's declared `width`/`height` match neither its stored nor its displayed size.",
    """
    The size is read from the image's own header (JPEG, PNG, GIF, WebP, AVIF,
    HEIF, BMP, TIFF, ICO, SVG, PSD, QOI, PNM, ICNS, JPEG 2000; TGA only with
    its 2.0 footer, read from the file's end), fetching as few bytes as
    possible. A JPEG with EXIF orientation 5-8 is displayed rotated, so both
    sizes are accepted.
    `--fix` writes the measured size.

    Reported only with `--probe` or `--probe-images`.
    """,
    example="""
    ---
    images:
      - url: https://cdn.example.com/crowds.jpg  # the image is 1200x628
        width: 1920
        height: 1005
    ---
    """,
    use_instead="""
    ---
    images:
      - url: https://cdn.example.com/crowds.jpg
        width: 1200
        height: 628
    ---
    """,
    fixable=True,
    online=True,
)
SIZE_UNKNOWN = Rule(
    "I002",
    "image-size-unknown",
    "An image was fetched but its size could not be read.",
    """
    The data is truncated, broken, in an unknown format, or has no size in its
    first bytes (default limit 1 MiB). seedlint never guesses a size; the
    message gives the reason. Reported only with `--probe` or `--probe-images`.
    """,
    example="""
    ---
    images:
      - url: https://cdn.example.com/crowds.jpg  # the file is cut off after 20 bytes
        width: 1200
        height: 628
    ---
    """,
    use_instead="""
    ---
    images:
      - url: https://cdn.example.com/crowds-full.jpg  # an image the reader can measure
        width: 1200
        height: 628
    ---
    """,
    severity=Severity.WARNING,
    online=True,
)

RULES = (SIZE_MISMATCH, SIZE_UNKNOWN)
