"""Rules about values that parse but disagree with each other."""

from __future__ import annotations

from seedlint.registry import Rule

RULES: tuple[Rule, ...] = ()
