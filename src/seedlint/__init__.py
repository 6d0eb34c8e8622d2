"""seedlint: a data-quality linter for seed files.

The public API is small and typed::

    from seedlint import lint_text, lint_paths
    for finding in lint_paths(["seeds"]).diagnostics:
        print(finding.location, finding.code, finding.message)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seedlint.version import __version__ as __version__

__all__ = [
    "Config",
    "Diagnostic",
    "ExitCode",
    "LintResult",
    "Severity",
    "lint_paths",
    "lint_text",
    "load_config",
]

if TYPE_CHECKING:
    from seedlint.config import Config, load_config
    from seedlint.diagnostics import Diagnostic, ExitCode, Severity
    from seedlint.linter import LintResult, lint_paths, lint_text

_HOMES = {
    "Config": "seedlint.config",
    "load_config": "seedlint.config",
    "Diagnostic": "seedlint.diagnostics",
    "ExitCode": "seedlint.diagnostics",
    "Severity": "seedlint.diagnostics",
    "LintResult": "seedlint.linter",
    "lint_paths": "seedlint.linter",
    "lint_text": "seedlint.linter",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so ``seedlint rules`` never pays for jsonschema."""
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'seedlint' has no attribute {name!r}")
