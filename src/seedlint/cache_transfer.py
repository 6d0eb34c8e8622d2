"""The probe cache as one portable file: ``seedlint cache export FILE`` / ``cache import FILE``.

CI keeps the file as an artifact or in ``actions/cache`` between runs and
runners. An export holds every fresh probe record as stored: its namespace
(which names the settings fingerprint: guard, allow-lists, TLS trust,
timeouts, seedlint version), URL, signed result and expiry. An import trusts
nothing in the file: each record must carry a valid HMAC under *this*
cache's key (``<cache>.probe-key``) or it is rejected, one by one; runners
share results only when they share that key (a CI secret), so a pull request
cannot plant verdicts. Imported records never outlive the configured TTL, and
a run reads only the records of its own settings fingerprint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedlint.atomic import ReadOnly, write_atomically
from seedlint.cache import ResultCache
from seedlint.config import Config, ConfigError
from seedlint.version import __version__

FORMAT = "seedlint-cache/1"
_PROBE = "probe:"
_SELECT = (
    "SELECT namespace, key, value, expires_at FROM entries WHERE namespace LIKE 'probe:%'"
    " AND (expires_at IS NULL OR expires_at > :now) ORDER BY namespace, key"
)


@dataclass(frozen=True)
class ImportCounts:
    """What an import did with the file's records."""

    imported: int
    rejected: int
    """Not signed with this cache's key (forged, tampered, or another key), or malformed."""
    expired: int


def _cache_path(config: Config) -> Path:
    from seedlint.online import probe_settings

    return probe_settings(config).resolved_cache_path()


def export_cache(config: Config, target: Path) -> int:
    """Write the fresh probe records of the configured cache to ``target``; return how many."""
    path = _cache_path(config)
    entries: list[list[Any]] = []
    if path.exists():
        with ResultCache(path) as cache:
            rows = cache.select(_SELECT, {"now": cache.clock()})
        for namespace, key, value, expires in rows:
            try:
                entries.append([str(namespace), str(key), json.loads(value), expires])
            except ValueError:
                continue
    data = {"format": FORMAT, "seedlint": __version__, "entries": entries}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    try:
        write_atomically(target, text.encode("utf-8", "surrogatepass"))
    except (OSError, ReadOnly) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(f"cache export {target}: {reason}") from error
    return len(entries)


def import_cache(config: Config, source: Path) -> ImportCounts:
    """Add the records of ``source`` that this cache's key vouches for."""
    from seedlint.probe.engine import record_mac, signing_key

    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read {source}: {error.strerror or error}") from error
    except ValueError as error:
        raise ConfigError(f"{source} is not a seedlint cache export ({error})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(f"{source} is not a seedlint cache export ({FORMAT} expected)")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ConfigError(f"{source} is not a seedlint cache export (no entries)")
    path = _cache_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = signing_key(path)
    longest = config.cache_ttl_hours * 3600
    imported = rejected = expired = 0
    with ResultCache(path) as cache:
        now = cache.clock()
        batches: dict[tuple[str, float], list[tuple[str, Any]]] = {}
        for entry in entries:
            verdict = _check(entry, key, record_mac)
            if verdict is None:
                rejected += 1
                continue
            namespace, url, record, expires = verdict
            ttl = longest if expires is None else min(longest, expires - now)
            if ttl <= 0:
                expired += 1
                continue
            batches.setdefault((namespace, round(ttl)), []).append((url, record))
            imported += 1
        for (namespace, ttl), items in batches.items():
            cache.put_many(namespace, items, ttl)
    return ImportCounts(imported, rejected, expired)


def _check(
    entry: Any, key: bytes, record_mac: Any
) -> tuple[str, str, dict[str, Any], float | None] | None:
    """The entry when well formed and signed with ``key``; else None."""
    import hmac

    if not isinstance(entry, list) or len(entry) != 4:
        return None
    namespace, url, record, expires = entry
    if not (isinstance(namespace, str) and namespace.startswith(_PROBE) and isinstance(url, str)):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("mac"), str):
        return None
    if expires is not None and (isinstance(expires, bool) or not isinstance(expires, int | float)):
        return None
    good = record_mac(key, namespace, url, record.get("result"))
    if not hmac.compare_digest(record["mac"], good):
        return None
    return namespace, url, {"result": record.get("result"), "mac": good}, expires
