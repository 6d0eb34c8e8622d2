"""Online rules about images: is the declared pixel size the real one? (``--probe``)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Diagnostic, Edit, Fix, Severity
from seedlint.rules import links
from seedlint.rules.messages import describe_path

if TYPE_CHECKING:
    from seedlint.outcomes import ImageResult
    from seedlint.rules.url_uses import UrlUse

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


def check_image(use: UrlUse, result: ImageResult) -> Iterator[Diagnostic]:
    """Findings for one use of a probed image: unreachable, unreadable, or the wrong size."""
    from seedlint.outcomes import Outcome
    from seedlint.rules.url_uses import quoted

    where = describe_path(use.json_path)
    outcome = result.outcome
    if outcome is Outcome.SIZE_UNKNOWN:
        message = f"{where} {quoted(use.url)}: image size unknown: {result.detail}"
        yield SIZE_UNKNOWN.at(use.path, use.line, use.column, message)
        return
    if outcome is not Outcome.MEASURED:
        rule = links.rule_for_outcome(outcome)
        yield rule.at(use.path, use.line, use.column, links.failure_message(use, result))
        return
    if result.permanent_redirect and result.final_url:
        message = f"{where} permanently redirects to {result.final_url}; use that URL"
        yield links.PERMANENT_REDIRECT.at(use.path, use.line, use.column, message)
    size = result.size
    if size is None or use.declared is None:
        return
    stored = (size.width, size.height)
    displayed = (size.display_width, size.display_height)
    if use.declared in (stored, displayed):
        return
    declared = f"{use.declared[0]}x{use.declared[1]}"
    measured = f"{stored[0]}x{stored[1]}"
    if displayed != stored:
        measured += f" (displayed {displayed[0]}x{displayed[1]} after EXIF orientation)"
    message = f"{where.removesuffix('.url')} declares {declared} but the {size.format} image is {measured}"
    fix = None
    if use.size_spans is not None:
        (w_start, w_end), (h_start, h_end) = use.size_spans
        fix = Fix(
            (Edit(w_start, w_end, str(displayed[0])), Edit(h_start, h_end, str(displayed[1])))
        )
    yield SIZE_MISMATCH.at(use.path, use.line, use.column, message, fix=fix)
