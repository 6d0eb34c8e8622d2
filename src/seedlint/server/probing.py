"""The "Probe links and images in this file" command: online checks on request only.

The buffer's URLs are collected as the per-file pass collects them and handed
to the probe orchestration of ``seedlint check --probe``
(:func:`seedlint.online.run_online_checks`), with the same selection and
inline suppressions applied to what it finds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from seedlint.diagnostics import Diagnostic
from seedlint.document import parse_seed
from seedlint.online import collect_url_uses, run_online_checks
from seedlint.probe import ProgressSnapshot
from seedlint.registry import RuleSelection
from seedlint.server.linting import BufferLint
from seedlint.suppressions import per_file_codes, suppressions_of

PROBE_COMMAND = "seedlint.probe"
PROBE_TITLE = "Probe links and images in this file"


@dataclass(frozen=True)
class ProbeOutcome:
    """What probing one buffer found."""

    version: int | None
    diagnostics: list[Diagnostic]
    summary: str
    urls: int


def probe_buffer(
    lint: BufferLint, progress: Callable[[ProgressSnapshot], None] | None = None
) -> ProbeOutcome:
    """Probe every link and image of the buffer ``lint`` was computed from."""
    config = replace(lint.config, probe_links=True, probe_images=True)
    document = parse_seed(lint.text.encode("utf-8"), lint.shown).document
    if document is None:
        return ProbeOutcome(
            lint.version, [], "Nothing to probe: the front matter does not parse.", 0
        )
    uses = tuple(collect_url_uses(document))
    if not uses:
        return ProbeOutcome(lint.version, [], "Nothing to probe: no links or images.", 0)
    suppressions = suppressions_of(document)
    per_file, summary, _interrupted = run_online_checks([uses], config, progress)
    ignored = per_file_codes(lint.shown, config.per_file_ignores)
    enabled = RuleSelection(config.select, (*config.ignore, *sorted(ignored))).enabled_codes()
    found = [
        diagnostic
        for diagnostics in per_file
        for diagnostic in diagnostics
        if diagnostic.code in enabled and not suppressions.silences(diagnostic)
    ]
    urls = len({use.url for use in uses})
    return ProbeOutcome(lint.version, sorted(found), summary, urls)
