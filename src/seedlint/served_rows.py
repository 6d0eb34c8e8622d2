"""The stored rows that answer for linted files passed without facts, checked where it counts.

When many linted files are result-cache hits trusted by their stamp, the cross-file
pass answers for them from the project index's rows (whole-project queries in
:mod:`seedlint.cross_file_queries`) instead of copying their rows. Inside the
answering transaction, :func:`served_checks` lists what those queries need -- the
webUrl keys two walked seeds share, the keyword values few walked seeds use -- and
checks only the rows that take part in the answer, through indexes: a damaged row
among them has its seed forgotten and read again, as a damaged row always has; the
~100,000 rows of an unchanged 10,000-seed project that no answer reads are not
checked one by one on every run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from seedlint.project_index import (
    KEYWORD_FIELDS,
    URL_KEYS,
    URLS,
    USES,
    VALID_URL,
    VALID_USE,
    VALUES,
    ProjectIndex,
)
from seedlint.rules.vocabulary import RARE_SEEDS

_FIRST_VALUE = (
    f"SELECT field, scope, value FROM {VALUES} WHERE project = :project"
    " ORDER BY field, scope, value LIMIT 1"
)
_NEXT_VALUE = (
    " UNION ALL ".join(
        f"SELECT * FROM (SELECT field, scope, value FROM {VALUES} WHERE project = :project"
        f" AND {after} ORDER BY {order} LIMIT 1)"
        for after, order in (
            ("field = :field AND scope = :scope AND value > :value", "value"),
            ("field = :field AND scope > :scope", "scope, value"),
            ("field > :field", "field, scope, value"),
        )
    )
    + " LIMIT 1"
)
"""The stored (field, scope, value) next in index order: one seek each, so the distinct values
are listed in as many steps as there are (a loose index scan), not one per stored row."""
LISTED_UP_TO = 2000
"""Distinct keyword values listed one seek each; a project with more is grouped whole."""
_GROUPED_VALUES = f" SELECT DISTINCT field, scope, value FROM {VALUES} WHERE project = :project"
_RARE = f"""
INSERT INTO temp.rare SELECT d.field, d.scope, d.value FROM temp.distinct_values d
WHERE (SELECT count(*) FROM (SELECT 1 FROM {VALUES} v JOIN walk w ON w.path = v.path
       WHERE v.project = :project AND v.field = d.field AND v.scope = d.scope
       AND v.value = d.value LIMIT :limit)) <= :rare
"""
"""The values few walked seeds use (each counted up to one past the limit)."""
_SHARED = f"""
INSERT INTO temp.shared SELECT s.key FROM (
    SELECT key FROM {URLS} WHERE project = :project GROUP BY key HAVING count(*) > 1) s
WHERE (SELECT count(*) FROM (SELECT 1 FROM {URLS} u JOIN walk w ON w.path = u.path
       WHERE u.project = :project AND u.key = s.key LIMIT 2)) > 1
"""
"""The webUrl keys two walked seeds share: only keys stored twice are looked up in the walk."""
_RARE_USE_ROWS = f"""
FROM temp.rare r
CROSS JOIN {VALUES} v ON v.project = :project AND v.field = r.field AND v.scope = r.scope
    AND v.value = r.value
CROSS JOIN linted_files l ON l.path = v.path AND l.known = 0
"""
"""The stored value rows of rare values that name a linted file answered from the store (the
joins in this order: from the few rare values through indexes)."""
_SAME_USE = (
    f"SELECT 1 FROM {USES} u WHERE u.project = :project AND u.path = v.path"
    " AND u.field = v.field AND u.scope = v.scope AND u.value = v.value"
)
_DAMAGED_IN_ANSWER = f"""
SELECT path FROM {URLS} WHERE project = :project AND key IS NULL
UNION SELECT path FROM {URLS} WHERE project = :project AND key >= x''
UNION SELECT u.path FROM (SELECT key FROM temp.shared UNION SELECT key FROM linted_urls) k
    CROSS JOIN {URLS} u INDEXED BY {URL_KEYS} ON u.project = :project AND u.key = k.key
    WHERE NOT ({VALID_URL})
UNION SELECT v.path {_RARE_USE_ROWS}
WHERE NOT EXISTS ({_SAME_USE}) OR EXISTS ({_SAME_USE} AND NOT ({VALID_USE}))
"""
"""Seeds with damaged rows that would take part in an answer from the stored rows: a key or
path that is not text (it could match nothing, or the wrong thing), a webUrl row of a key
another seed has, and the stored keyword uses of a value few seeds use (which must be there
for each seed the value's rows name). Found through indexes: rows no answer reads are not
checked, and the seeds they belong to are not read for them."""
_DAMAGED_VALUES = (
    f"SELECT path FROM {VALUES} WHERE project = :project AND NOT ("
    "field IN ('type', 'category', 'provider.name') AND typeof(scope) = 'text'"
    " AND typeof(value) = 'text')"
)
_SERVED_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS shared (key PRIMARY KEY) WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS distinct_values (field, scope, value,"
    " PRIMARY KEY (field, scope, value)) WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS rare (field, scope, value,"
    " PRIMARY KEY (field, scope, value)) WITHOUT ROWID",
    "DELETE FROM temp.shared",
    "DELETE FROM temp.distinct_values",
    "DELETE FROM temp.rare",
)
"""(executescript would end the answering transaction.)"""


def served_checks(index: ProjectIndex) -> list[object]:
    """Inside the answering transaction, when linted files are answered from their stored
    rows: fill ``temp.shared`` (webUrl keys two walked seeds share) and ``temp.rare``
    (keyword values at most :data:`RARE_SEEDS` walked seeds use), and return the paths
    of seeds whose rows taking part in that answer are damaged (forget them and try
    again: they are read)."""
    conn = index.conn
    for statement in _SERVED_TABLES:
        conn.execute(statement)
    params = {"project": index.project, "rare": RARE_SEEDS, "limit": RARE_SEEDS + 1}
    lost = index.lost()
    if lost:
        return lost
    if not _list_distinct_values(conn, params):
        # Values too many to list one seek at a time: grouped whole, and checked whole.
        bad = [row[0] for row in conn.execute(_DAMAGED_VALUES, params)]
        if bad:
            return bad
        conn.execute("INSERT INTO temp.distinct_values" + _GROUPED_VALUES, params)
    conn.execute(_RARE, params)
    conn.execute(_SHARED, params)
    return [row[0] for row in conn.execute(_DAMAGED_IN_ANSWER, params)]


def rare_values(conn: sqlite3.Connection, project: int) -> bool:
    """Fill ``temp.distinct_values`` (every stored keyword value) and ``temp.rare`` (those at
    most :data:`RARE_SEEDS` walked seeds use) by a loose index scan; False when that cannot
    be done (a damaged value, or too many to list)."""
    for statement in _SERVED_TABLES:
        conn.execute(statement)
    params = {"project": project, "rare": RARE_SEEDS, "limit": RARE_SEEDS + 1}
    if not _list_distinct_values(conn, params):
        return False
    conn.execute(_RARE, params)
    return True


def _list_distinct_values(conn: sqlite3.Connection, params: Mapping[str, object]) -> bool:
    """Fill ``temp.distinct_values`` by a loose index scan; False (and nothing listed) when a
    stored value is damaged or there are more than :data:`LISTED_UP_TO` of them."""
    listed: list[tuple[str, str, str]] = []
    row = conn.execute(_FIRST_VALUE, params).fetchone()
    while row is not None:
        field, scope, value = row
        if not (field in KEYWORD_FIELDS and isinstance(scope, str) and isinstance(value, str)):
            return False  # what sorts after a damaged value cannot be sought past it
        listed.append(row)
        if len(listed) > LISTED_UP_TO:
            return False
        row = conn.execute(
            _NEXT_VALUE, {**params, "field": field, "scope": scope, "value": value}
        ).fetchone()
    conn.executemany("INSERT INTO temp.distinct_values VALUES (?, ?, ?)", listed)
    return True
