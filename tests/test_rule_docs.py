"""Every rule's documentation shows a bad seed and the fixed one, and both are true.

The examples are linted: the bad seed must give a finding of its rule, and the
fixed seed must take at least one of those findings away without adding any.
"""

from __future__ import annotations

from collections import Counter

import pytest

from seedlint.catalogue.rule import Rule
from seedlint.config import Config
from seedlint.linter import lint_text
from seedlint.registry import all_rules
from tests.conftest import FIXED_NOW

NOT_LINTABLE_AS_TEXT = {
    "S005": "bytes that are not UTF-8 cannot be shown as text",
    "S006": "a file over the size limit (1 MiB) is too long to show",
    "S010": "a raw control character is invisible in the documentation",
    "E007": "only custom schemas use the keywords it reports",
    "C010": "the duplicate is in a second file",
    "S015": "a symbolic link is a property of the file, not of its text",
    "S016": "a file changed while seedlint ran is a matter of timing, not of its text",
    "C016": "the common value is in other seeds of the project",
    "C017": "the common name is in other seeds of the project",
}
"""Offline rules whose example is shown but cannot be linted from the text alone."""


def _offline(rule: Rule) -> bool:
    return not rule.online and rule.code not in NOT_LINTABLE_AS_TEXT


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_every_rule_has_an_example_and_the_fix(rule: Rule) -> None:
    assert rule.example_seed, f"{rule.code} has no example of a bad seed"
    assert rule.fixed_seed.startswith("---\n"), f"{rule.code} has no fixed seed file"
    assert rule.example_seed != rule.fixed_seed
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert f"\n{section}\n" in rule.documentation
        assert f"#### {section}\n" in rule.markdown


CONFIG_FOR = {"C015": Config(vocabulary_type=("article", "video"))}
"""Rules whose example assumes a setting of the root configuration (their docs say which)."""


def _messages(rule: Rule, seed: str) -> Counter[str]:
    found = lint_text(seed, "example.txt", CONFIG_FOR.get(rule.code), now=FIXED_NOW)
    return Counter(d.message for d in found if d.code == rule.code)


@pytest.mark.parametrize(
    "rule", [rule for rule in all_rules() if _offline(rule)], ids=lambda rule: rule.code
)
def test_the_example_breaks_the_rule_and_the_fix_mends_it(rule: Rule) -> None:
    before = _messages(rule, rule.example_seed)
    after = _messages(rule, rule.fixed_seed)
    assert before, f"the example gives no {rule.code} finding"
    assert not after - before, f"the fix adds {rule.code} findings: {sorted(after - before)}"
    assert after < before, f"the fix leaves every {rule.code} finding: {sorted(after)}"


def test_a_missing_example_is_caught() -> None:
    bare = Rule("X001", "bare", "Nothing to show.", "No example.")
    assert bare.example_seed == bare.fixed_seed == ""
    assert "\nExample\n" not in bare.documentation
