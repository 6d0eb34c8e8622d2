"""Rules about seed files as files: where they lead, whether a fix could be written, and
whether their inline suppression comments name real rules.

Reported by the engine (discovery, linting, ``--fix``) rather than by a rule
over a document, so their metadata sits in the catalogue.
"""

from __future__ import annotations

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Severity

OUTSIDE_PROJECT = Rule(
    "S015",
    "outside-project",
    "The path leads outside the project root (a symbolic link or `..`); the file is not read.",
    """
    A pull request can add `seeds/evil.txt` as a symbolic link to
    `../../secret/creds.yml`. Following it would read a file the pull request
    has no business showing, and findings that quote values (an unknown key,
    an unexpected string) would print its secrets into the CI log. So a seed
    path that resolves outside the project root, whether found in a folder or
    named on the command line (as pre-commit does), is reported without being
    read. `--fix` never writes through such a link, and never replaces a
    symbolic link with a regular file. Files named on the command line by a
    path outside the root are linted (the command line is trusted) but
    compared with nothing.
    """,
    example="""
    ---
    # seeds/evil.txt is a symbolic link to ../../secret/creds.yml
    ---
    """,
    use_instead="""
    ---
    # seeds/evil.txt removed: seeds are regular files inside the repository
    title: EU restricts facial recognition exports
    ---
    """,
)
FIX_NOT_WRITTEN = Rule(
    "S016",
    "fix-not-written",
    "`--fix` left the file as it was: it changed while seedlint ran, or cannot be written.",
    """
    `--fix` writes a file only if its bytes are still the ones that were
    linted, compared right before the new version replaces it. A file edited
    meanwhile (in an editor, or by another tool during a long `--probe` run)
    is left alone, so no edit is ever lost; a read-only file, or a folder
    where no file can be created, is left alone too. The findings the fix
    would have repaired are still reported; run `--fix` again.
    """,
    severity=Severity.WARNING,
    example="""
    ---
    # edited in an editor while `seedlint check --fix --probe` was running
    title: " EU restricts facial recognition exports"
    ---
    """,
    use_instead="""
    ---
    # `seedlint check --fix` run again once the edit is saved
    title: EU restricts facial recognition exports
    ---
    """,
)
UNKNOWN_SUPPRESSION = Rule(
    "S017",
    "unknown-suppression",
    "An inline `# seedlint: ignore[...]` comment names a code or rule name that does not exist.",
    """
    A typo in a suppression (`ignore[E033]` for `E003`) silences nothing:
    the finding it was meant for still appears and nobody learns why. Codes,
    code prefixes and rule names (`ignore[wrong-type]`) are accepted, as on
    the command line, where an unknown one is an error. Reported at the
    unknown code; only real YAML comments count (the same text inside a
    quoted value is a value, not a suppression).
    """,
    severity=Severity.WARNING,
    example="""
    ---
    title: EU restricts facial recognition exports
    quality: "33"  # seedlint: ignore[E033]
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    quality: "33"  # seedlint: ignore[E003]
    ---
    """,
)

RULES = (OUTSIDE_PROJECT, FIX_NOT_WRITTEN, UNKNOWN_SUPPRESSION)
