"""The online rules: every probe outcome ends as alive or a finding, never silence."""

from __future__ import annotations

import pytest

from seedlint.outcomes import ImageResult, LinkResult, MeasuredSize, Outcome
from seedlint.rules import images, links
from seedlint.rules.url_uses import UrlUse

LINK = UrlUse("seeds/a.txt", ("webUrl",), "http://127.0.0.1:8765/x", 7, 9)
IMAGE = UrlUse(
    "seeds/a.txt", ("images", 0, "url"), "https://cdn.example/i.png", 12, 10, True, (10, 20)
)


@pytest.mark.parametrize("outcome", [o for o in Outcome if not o.ok])
def test_every_failed_outcome_is_a_finding(outcome: Outcome) -> None:
    link = list(links.check_link(LINK, LinkResult(LINK.url, outcome, None, None, "why")))
    image = list(images.check_image(IMAGE, ImageResult(IMAGE.url, outcome, None, "why")))
    assert [d.code for d in link] == [links.rule_for_outcome(outcome).code]
    assert [d.code for d in image] == [links.rule_for_outcome(outcome).code]
    assert (link[0].line, link[0].column) == (7, 9)


def test_alive_and_matching_sizes_are_silent() -> None:
    assert (
        list(links.check_link(LINK, LinkResult(LINK.url, Outcome.ALIVE, 200, LINK.url, ""))) == []
    )
    size = MeasuredSize("PNG", 10, 20, 10, 20)
    measured = ImageResult(IMAGE.url, Outcome.MEASURED, size, "PNG 10x20")
    assert list(images.check_image(IMAGE, measured)) == []


def test_not_checked_says_why() -> None:
    result = LinkResult(LINK.url, Outcome.NOT_CHECKED, None, None, "the run was interrupted")
    [finding] = links.check_link(LINK, result)
    assert finding.code == "L014"
    assert "not checked, because the run was interrupted" in finding.message


def test_forbidden_address_says_how_to_allow_it() -> None:
    result = LinkResult(
        LINK.url,
        Outcome.FORBIDDEN_ADDRESS,
        None,
        None,
        "port 8765 is not allowed (allowed: 80, 443)",
    )
    [finding] = links.check_link(LINK, result)
    assert finding.code == "L011"
    assert "--allow 127.0.0.1:8765" in finding.message


def test_transient_failure_from_cache_says_so() -> None:
    fresh = LinkResult(LINK.url, Outcome.TIMEOUT, None, None, "no answer in time")
    cached = LinkResult(LINK.url, Outcome.TIMEOUT, None, None, "no answer in time", from_cache=True)
    assert "(from cache)" not in next(links.check_link(LINK, fresh)).message
    assert next(links.check_link(LINK, cached)).message.endswith("(from cache)")
