"""C010, C016 and C017 answered by SQL over a run's scratch database.

The linted files' facts are rows of ``linted_urls`` and ``linted_uses``; the
seeds they are compared with (*everyone*) are either the project's stored rows
joined with this run's walk (:mod:`seedlint.project_index`), or, with
``project-index = false``, the linted files themselves. Only rows that can
make a finding come back to Python: linted webUrls that another seed shares,
and linted keyword values that few seeds use, with the counts of their fields.
The findings themselves come from the rules' own pure functions, so they are
worded as the rules word them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable

from seedlint.cache import original_key, stored_key
from seedlint.config import Config
from seedlint.diagnostics import Diagnostic
from seedlint.project_index import URL_KEYS, URLS, USES, VALUES
from seedlint.rules.consistency import WebUrlEntry, check_duplicate_web_urls
from seedlint.rules.vocabulary import (
    RARE_SEEDS,
    KeywordCounts,
    KeywordFacts,
    KeywordUse,
    check_against_counts,
    rule_for,
)
from seedlint.served_rows import rare_values

Enabled = Callable[[str, str], bool]
"""Whether a code (first argument) is reported for a display path (second)."""

PROJECT_URLS = (
    f"SELECT u.path AS path, u.key AS key, u.line AS line, u.col AS col, w.inode AS inode"
    f" FROM {URLS} u INDEXED BY {URL_KEYS} JOIN walk w ON w.path = u.path WHERE u.project = :project"
)
"""The webUrls of the project's walked seeds (stored rows, checked fresh by the caller)."""
LINTED_URLS = "SELECT path, key, line, col, inode FROM linted_urls"
SERVED = "SELECT EXISTS (SELECT 1 FROM linted_files WHERE known = 0)"
"""Whether some linted files are answered from their stored rows (passed without facts)."""
SERVED_DUPLICATES = f"""
SELECT u.path, u.key, u.url, u.line, u.col, w.inode, o.path, o.line, o.col, ow.inode
FROM temp.shared s
CROSS JOIN {URLS} u INDEXED BY {URL_KEYS} ON u.project = :project AND u.key = s.key
CROSS JOIN linted_files l ON l.path = u.path AND l.known = 0
CROSS JOIN walk w ON w.path = u.path
CROSS JOIN {URLS} o INDEXED BY {URL_KEYS} ON o.project = :project AND o.key = u.key
CROSS JOIN walk ow ON ow.path = o.path
WHERE u.silenced = 0 AND o.path != u.path AND ow.inode IS NOT w.inode
"""
"""The webUrl rows of linted files answered from the store that another walked seed shares:
only keys held by two walked seeds (``temp.shared``, filled by
:func:`~seedlint.served_rows.served_checks`) are joined back."""
PROJECT_VALUES = (
    "SELECT v.field, v.scope, v.value, count(*) AS n"  # one row per seed and value (its key)
    f" FROM {VALUES} v JOIN walk w ON w.path = v.path WHERE v.project = :project"
    " AND (v.field, v.scope) IN (SELECT field, scope FROM linted_uses)"
    " GROUP BY v.field, v.scope, v.value"
)
"""How many of the project's walked seeds use each value of the fields the linted files use."""
LINTED_VALUES = (
    "SELECT field, scope, value, count(DISTINCT path) AS n FROM linted_uses"
    " GROUP BY field, scope, value"
)


def anything_enabled(conn: sqlite3.Connection, enabled: Enabled) -> bool:
    """Whether any linted fact is for a rule reported at its file (stops at the first)."""
    for (path,) in conn.execute("SELECT path FROM linted_urls"):
        if enabled("C010", original_key(path)):
            return True
    for (path,) in conn.execute("SELECT path FROM linted_files WHERE known = 0"):
        if any(enabled(code, original_key(path)) for code in ("C010", "C016", "C017")):
            return True
    for path, provider in conn.execute(
        "SELECT DISTINCT path, field = 'provider.name' FROM linted_uses"
    ):
        if enabled("C017" if provider else "C016", original_key(path)):
            return True
    return False


def duplicate_web_urls(
    conn: sqlite3.Connection, everyone: str, project: int, enabled: Enabled, *, served: bool = False
) -> list[Diagnostic]:
    """C010 for each linted webUrl that another seed of ``everyone`` has (``served``: also
    for the linted files answered from the project index's rows)."""
    rows = conn.execute(
        "SELECT l.path, l.key, l.url, l.line, l.col, l.inode, o.path, o.line, o.col, o.inode"
        f" FROM linted_urls l CROSS JOIN ({everyone}) o ON o.key = l.key"  # from the few linted
        " WHERE l.silenced = 0 AND o.path != l.path AND o.inode IS NOT l.inode",
        {"project": project},
    ).fetchall()
    if served:
        rows += conn.execute(SERVED_DUPLICATES, {"project": project}).fetchall()
    linted: dict[str, WebUrlEntry] = {}
    others: list[WebUrlEntry] = []
    for path, key, url, line, col, inode, other, other_line, other_col, other_inode in rows:
        shown = original_key(path)
        if not enabled("C010", shown):
            continue
        text_key = original_key(key)
        linted[shown] = WebUrlEntry(shown, text_key, original_key(url), line, col, False, inode)
        others.append(
            WebUrlEntry(
                original_key(other), text_key, "", other_line, other_col, False, other_inode
            )
        )
    return check_duplicate_web_urls(linted.values(), others)


FEW_USES = 500
"""Up to this many linted keyword uses, each is counted on its own (an index range, stopped
at :data:`RARE_SEEDS` + 1) instead of counting every value of their fields."""
PROJECT_USERS = (
    f"SELECT count(*) FROM (SELECT 1 FROM {VALUES} v JOIN walk w ON w.path = v.path"
    " WHERE v.project = :project AND v.field = l.field AND v.scope = l.scope"
    " AND v.value = l.value LIMIT :limit)"
)
"""How many walked seeds use the value of the linted use ``l`` (counted up to ``:limit``)."""
SERVED_RARE_USES = (
    "SELECT l.path, l.field, l.scope, l.value, l.line, l.col FROM linted_uses l"
    f" WHERE l.silenced = 0 AND ({PROJECT_USERS}) <= :rare"
    " UNION ALL"
    " SELECT u.path, u.field, u.scope, u.value, u.line, u.col FROM temp.rare r"
    f" CROSS JOIN {VALUES} v ON v.project = :project AND v.field = r.field"
    " AND v.scope = r.scope AND v.value = r.value"
    " CROSS JOIN linted_files l ON l.path = v.path AND l.known = 0"
    f" CROSS JOIN {USES} u ON u.project = :project AND u.path = v.path AND u.field = v.field"
    " AND u.scope = v.scope AND u.value = v.value"
    " WHERE u.silenced = 0"
)
"""Rare uses: of the linted files' own facts (each counted), and of those answered from the
store: the stored uses of the values few walked seeds use (``temp.rare``, filled by
:func:`~seedlint.served_rows.served_checks`), found from the seeds that the
values' rows name."""
LISTED_RARE_USES = (
    "SELECT l.path, l.field, l.scope, l.value, l.line, l.col FROM linted_uses l"
    " LEFT JOIN temp.distinct_values d"
    " ON d.field = l.field AND d.scope = l.scope AND d.value = l.value"
    " WHERE l.silenced = 0 AND (d.field IS NULL OR EXISTS (SELECT 1 FROM temp.rare r"
    " WHERE r.field = l.field AND r.scope = l.scope AND r.value = l.value))"
)
"""Linted uses of a value no stored row has, or one few walked seeds use (``temp.rare``, filled
by :func:`~seedlint.served_rows.rare_values`)."""
PROJECT_GROUP = (
    f"SELECT v.value, count(*) FROM {VALUES} v JOIN walk w ON w.path = v.path"
    " WHERE v.project = :project AND v.field = :field AND v.scope = :scope GROUP BY v.value"
)


def keyword_variants(
    conn: sqlite3.Connection,
    everyone: str,
    project: int,
    enabled: Enabled,
    config: Config,
    *,
    indexed: bool = False,
    served: bool = False,
) -> list[Diagnostic]:
    """C016/C017 for each linted keyword value that few seeds of ``everyone`` use.

    With the project index (``indexed``), only the fields of values that turn out rare are
    counted: a clean seed costs a few index look-ups, and many linted uses are matched
    against the rare values listed from the index.
    """
    parameters = {"project": project, "rare": RARE_SEEDS, "limit": RARE_SEEDS + 1}
    few = served or (
        indexed and conn.execute(f"SELECT count(*) <= {FEW_USES} FROM linted_uses").fetchone()[0]
    )
    if served:
        rare = conn.execute(SERVED_RARE_USES, parameters).fetchall()
    elif few:
        rare = conn.execute(
            "SELECT l.path, l.field, l.scope, l.value, l.line, l.col FROM linted_uses l"
            f" WHERE l.silenced = 0 AND ({PROJECT_USERS}) <= :rare",
            parameters,
        ).fetchall()
    elif indexed and rare_values(conn, project):
        # Many linted uses: the few rare values are listed from the index instead of
        # counting every value, and only the fields of rare uses are counted whole.
        few = True
        rare = conn.execute(LISTED_RARE_USES, parameters).fetchall()
    else:
        conn.execute("DROP TABLE IF EXISTS temp.counts")
        conn.execute(f"CREATE TEMP TABLE counts AS {everyone}", parameters)
        conn.execute("CREATE INDEX temp.counts_value ON counts (field, scope, value)")
        rare = conn.execute(
            "SELECT l.path, l.field, l.scope, l.value, l.line, l.col FROM linted_uses l"
            " LEFT JOIN counts c ON c.field = l.field AND c.scope = l.scope AND c.value = l.value"
            " WHERE l.silenced = 0 AND coalesce(c.n, 0) <= :rare",
            parameters,
        ).fetchall()
    by_path: dict[str, list[KeywordUse]] = {}
    for path, field, scope, value, line, col in rare:
        use = KeywordUse(field, original_key(scope), original_key(value), line, col)
        shown = original_key(path)
        if enabled(rule_for(use).code, shown):
            by_path.setdefault(shown, []).append(use)
    if not by_path:
        return []
    groups = {(use.field, use.scope) for uses in by_path.values() for use in uses}
    counts: KeywordCounts = {}
    if few:
        for field, scope in groups:
            found = conn.execute(
                PROJECT_GROUP, {"project": project, "field": field, "scope": stored_key(scope)}
            )
            counts[(field, scope)] = Counter(
                {original_key(value): n for value, n in found if isinstance(value, str)}
            )
    else:
        for field, scope, value, n in conn.execute("SELECT field, scope, value, n FROM counts"):
            group = (field, original_key(scope))
            if group in groups and isinstance(value, str):
                counts.setdefault(group, Counter())[original_key(value)] = n
    linted = [KeywordFacts(path, tuple(uses)) for path, uses in by_path.items()]
    return check_against_counts(linted, counts, config)
