"""Between documents and the probe engine: collect every URL, map results back.

The per-file pass records each URL a document uses (with its position, and for
images the declared size and where it stands); the probe engine sees only the
distinct URLs; this module turns each result into findings at every place
that used the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seedlint.config import CACHE_FILE_NAME
from seedlint.diagnostics import Diagnostic, Edit, Fix
from seedlint.document import JsonPath, SeedDocument, Span
from seedlint.formats import is_valid_url
from seedlint.rules import images as image_rules
from seedlint.rules import links as link_rules
from seedlint.rules.fields import URL_KEYS, articles
from seedlint.rules.messages import describe_path

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.probe import ImageResult, LinkResult, ProbeReport, ProbeSettings, ProgressSnapshot


@dataclass(frozen=True)
class UrlUse:
    """One place in one file where a URL is used."""

    path: str
    json_path: JsonPath
    url: str
    line: int
    column: int
    image: bool = False
    declared: tuple[int, int] | None = None
    """For images: the declared (width, height), when both are integers."""
    size_spans: tuple[tuple[int, int], tuple[int, int]] | None = None
    """For images: text offsets of the width and height values, for --fix."""


def collect_url_uses(document: SeedDocument) -> list[UrlUse]:
    """Every well-formed URL of the seed and its related items (malformed ones are findings already)."""
    uses: list[UrlUse] = []
    for base, article in articles(document):
        for field in URL_KEYS:
            use = _use(document, (*base, field), article.get(field))
            if use is not None:
                uses.append(use)
        images = article.get("images")
        for index, image in enumerate(images if isinstance(images, list) else []):
            if isinstance(image, dict):
                use = _image_use(document, (*base, "images", index), image)
                if use is not None:
                    uses.append(use)
    return uses


def _use(document: SeedDocument, json_path: JsonPath, url: Any) -> UrlUse | None:
    if not isinstance(url, str) or not is_valid_url(url):
        return None
    span = document.position(json_path)
    return UrlUse(document.path, json_path, url, span.line, span.column)


def _image_use(document: SeedDocument, base: JsonPath, image: dict[str, Any]) -> UrlUse | None:
    use = _use(document, (*base, "url"), image.get("url"))
    if use is None:
        return None
    width, height = image.get("width"), image.get("height")
    # bool is an int subclass, and `width: true` is no size.
    if type(width) is not int or type(height) is not int:
        return UrlUse(use.path, use.json_path, use.url, use.line, use.column, image=True)
    width_path, height_path = (*base, "width"), (*base, "height")
    width_span: Span = document.values[width_path]
    height_span: Span = document.values[height_path]
    spans = ((width_span.start, width_span.end), (height_span.start, height_span.end))
    plain = document.styles.get(width_path) == "" and document.styles.get(height_path) == ""
    return UrlUse(
        use.path,
        use.json_path,
        use.url,
        use.line,
        use.column,
        image=True,
        declared=(width, height),
        size_spans=spans if plain else None,
    )


def online_diagnostics(uses: Iterable[UrlUse], report: ProbeReport) -> list[Diagnostic]:
    """Findings for every use whose URL the probe found wanting, sorted."""
    found: list[Diagnostic] = []
    for use in uses:
        if use.image and use.url in report.images:
            found.extend(_image_findings(use, report.images[use.url]))
        elif not use.image and use.url in report.links:
            found.extend(_link_findings(use, report.links[use.url]))
    return sorted(found)


def _link_findings(use: UrlUse, result: LinkResult) -> Iterator[Diagnostic]:
    rule = link_rules.BY_OUTCOME.get(result.outcome.value)
    if rule is None:
        return
    where = describe_path(use.json_path)
    if rule is link_rules.PERMANENT_REDIRECT:
        message = f"{where} permanently redirects to {result.final_url}; use that URL"
    else:
        message = f"{where} {_quoted(use.url)}: {result.detail}"
    yield rule.at(use.path, use.line, use.column, message)


def _image_findings(use: UrlUse, result: ImageResult) -> Iterator[Diagnostic]:
    where = describe_path(use.json_path)
    outcome = result.outcome.value
    if outcome == "size-unknown":
        message = f"{where} {_quoted(use.url)}: image size unknown: {result.detail}"
        yield image_rules.SIZE_UNKNOWN.at(use.path, use.line, use.column, message)
        return
    if outcome != "measured":
        rule = link_rules.BY_OUTCOME.get(outcome)
        if rule is not None:
            yield rule.at(
                use.path, use.line, use.column, f"{where} {_quoted(use.url)}: {result.detail}"
            )
        return
    if result.permanent_redirect and result.final_url:
        message = f"{where} permanently redirects to {result.final_url}; use that URL"
        yield link_rules.PERMANENT_REDIRECT.at(use.path, use.line, use.column, message)
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
    yield image_rules.SIZE_MISMATCH.at(use.path, use.line, use.column, message, fix=fix)


def _quoted(url: str) -> str:
    return f'"{url}"' if len(url) <= 100 else f'"{url[:97]}..."'


def probe_settings(config: Config) -> ProbeSettings:
    """The probe engine's settings from seedlint's configuration."""
    from seedlint.probe import ProbeSettings

    networks = tuple(entry for entry in config.probe_allow if "/" in entry)
    hosts = tuple(entry for entry in config.probe_allow if "/" not in entry)
    timeout = config.probe_timeout
    return ProbeSettings(
        concurrency=config.probe_concurrency,
        per_host=config.probe_per_host,
        per_host_rate=config.probe_per_host_rate,
        connect_timeout=min(5.0, timeout),
        read_timeout=min(10.0, timeout),
        total_timeout=timeout,
        allow_private=config.allow_private,
        allowed_hosts=hosts,
        allowed_networks=networks,
        use_cache=config.cache,
        cache_path=config.cache_dir / CACHE_FILE_NAME if config.cache_dir else None,
        cache_ttl_seconds=config.cache_ttl_hours * 3600,
        refresh=config.refresh,
        verify=str(config.probe_ca_bundle) if config.probe_ca_bundle else True,
    )


def run_online_checks(
    uses_per_file: Sequence[Sequence[UrlUse]],
    config: Config,
    progress: Callable[[ProgressSnapshot], None] | None = None,
) -> tuple[list[list[Diagnostic]], str]:
    """Probe every distinct URL used by the files once; findings per file, and a summary line."""
    from seedlint.probe import run_probe

    uses = [use for file_uses in uses_per_file for use in file_uses]
    links = list(dict.fromkeys(u.url for u in uses if not u.image)) if config.probe_links else []
    images = list(dict.fromkeys(u.url for u in uses if u.image)) if config.probe_images else []
    report = run_probe(links, images, probe_settings(config), progress)
    per_file = [online_diagnostics(file_uses, report) for file_uses in uses_per_file]
    summary = (
        f"Probed {len(links)} link{'s' if len(links) != 1 else ''} and "
        f"{len(images)} image{'s' if len(images) != 1 else ''} in {report.elapsed:.1f}s: "
        f"{report.requests} requests, {report.from_cache} answered from the cache."
    )
    for warning in report.warnings:
        summary += f"\nwarning: {warning}"
    return per_file, summary
