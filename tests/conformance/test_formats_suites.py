"""Dates, hosts, URLs and AMP cache URLs against the standards' own public suites.

Every case of the vendored suites goes through the function that does the check
in seedlint (``formats.FORMAT_CHECKS``, ``formats.url_problem``, ``amp``). Where
seedlint is deliberately stricter, the case (or, for the WHATWG data, the class
of cases with its count) is listed in the deviation table of docs/conformance.md;
any other disagreement fails. Accepting what a suite calls invalid is never a
deviation: no table row can excuse it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from seedlint import amp, formats
from seedlint.formats import Fault, FormatProblem
from seedlint.rules import urls
from tests.conftest import PROJECT

HERE = Path(__file__).resolve().parent
DOC = PROJECT / "docs" / "conformance.md"
TABLE_HEADER = "| Suite | Case | Our verdict | Why |"
JSON_SCHEMA_FORMATS = (
    "date-time",
    "date",
    "time",
    "hostname",
    "idn-hostname",
    "uri",
    "iri",
    "uri-reference",
    "iri-reference",
    "ipv4",
    "ipv6",
)
# seedlint has no check for references: a seed's URLs are absolute, so a
# uri-reference / iri-reference is judged by the uri / iri check.
_CHECKS: dict[str, Callable[[str], FormatProblem | None]] = {
    **formats.FORMAT_CHECKS,
    "uri-reference": formats.uri_problem,
    "iri-reference": formats.url_problem,
}


def verdict(problem: FormatProblem | None) -> str:
    """``valid``, or the rule code a URL fault becomes, or ``invalid`` for other formats."""
    if problem is None:
        return "valid"
    rule = urls._RULE_BY_FAULT.get(problem.fault)
    return rule.code if rule is not None else "invalid"


@dataclass(frozen=True)
class Row:
    suite: str
    case: str
    verdict: str


@lru_cache(maxsize=1)
def deviation_table() -> dict[tuple[str, str], Row]:
    """The rows of docs/conformance.md for these suites, keyed by (suite, case)."""
    rows: dict[tuple[str, str], Row] = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEADER) + 2  # the header and its |---| line
    for line in lines[start:]:
        if not line.startswith("| "):
            break  # the table ends at the first line that is not a row
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 4, line
        suite, case, our_verdict, why = cells
        assert why, f"deviation without a reason: {line}"
        assert our_verdict != "valid", f"accepting an invalid case is never a deviation: {line}"
        match = re.fullmatch(r"`(.*)`", case)
        assert match, line
        key = (suite, match[1])
        assert key not in rows, f"listed twice: {line}"
        rows[key] = Row(suite, match[1], our_verdict)
    return rows


def case_cell(text: str) -> str:
    """A suite input as written in the table: a JSON string with no | or backtick."""
    return json.dumps(text, ensure_ascii=False).replace("|", "\\u007c").replace("`", "\\u0060")


def check_against_table(suite: str, disagreements: dict[str, str]) -> None:
    """Every disagreement is listed with our verdict, and every listed row still disagrees."""
    listed = {case: row.verdict for (name, case), row in deviation_table().items() if name == suite}
    assert disagreements == listed


# --- JSON-Schema-Test-Suite -------------------------------------------------------------


def json_schema_cases(fmt: str) -> Iterator[tuple[str, bool, str]]:
    for group in json.loads((HERE / "json_schema" / f"{fmt}.json").read_text(encoding="utf-8")):
        for test in group["tests"]:
            yield test["data"], test["valid"], test["description"]


@pytest.mark.parametrize("fmt", JSON_SCHEMA_FORMATS)
def test_json_schema_suite(fmt: str) -> None:
    check = _CHECKS[fmt]
    accepted_invalid: list[str] = []
    disagreements: dict[str, str] = {}
    for data, valid, description in json_schema_cases(fmt):
        if not isinstance(data, str):
            continue  # "all string formats ignore integers": the schema's type check, not ours
        ours = verdict(check(data))
        if ours == "valid" and not valid:
            accepted_invalid.append(f"{data!r} ({description})")
        elif ours != "valid" and valid:
            disagreements[case_cell(data)] = ours
    assert accepted_invalid == []
    check_against_table(f"json-schema {fmt}", disagreements)


def test_json_schema_suite_is_the_whole_format_folder() -> None:
    source = json.loads((HERE / "json_schema" / "SOURCE.json").read_text(encoding="utf-8"))
    assert sorted(source["files"].values()) == sorted(
        ["LICENSE", *(f"{fmt}.json" for fmt in JSON_SCHEMA_FORMATS)]
    )
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])


# --- WHATWG URL (web-platform-tests urltestdata.json) -----------------------------------


def whatwg_cases() -> list[dict[str, str]]:
    data = json.loads((HERE / "whatwg_url" / "urltestdata.json").read_text(encoding="utf-8"))
    return [case for case in data if isinstance(case, dict)]


def whatwg_class(text: str, problem: FormatProblem) -> str:
    """The named class of a valid WHATWG case that seedlint rejects (see the table)."""
    simple = {
        Fault.SCHEME: "other-scheme",
        Fault.NOT_ABSOLUTE: "relative-or-no-authority",
        Fault.CHARACTER: "raw-character",
        Fault.CREDENTIALS: "userinfo",
        Fault.PERCENT: "lone-percent",
    }
    if problem.fault in simple:
        return simple[problem.fault]
    host = formats.url_host(text)
    if problem.fault is Fault.PORT:
        port = text.split("://", 1)[1].split("/", 1)[0].rpartition(":")[2]
        return "port-empty-or-zero" if port.strip("0") == "" else "unclassified"
    if problem.fault is Fault.HOST:
        if "%" in host:
            return "percent-encoded-host"
        if not host.isascii():
            return "non-ascii-ip-address"
        if formats.whatwg_ipv4(host.lower().rstrip(".")) is not None:
            return "ipv4-spelling"
        if any(label.startswith("xn--") and len(label) > 4 for label in host.lower().split(".")):
            return "idna-2008"
        name = host[:-1] if host.endswith(".") else host  # one trailing dot is allowed
        if "" in name.split(".") or name.lower() == "xn--":
            return "host-syntax"
    return "unclassified"


def test_whatwg_url_suite() -> None:
    accepted_failures: list[str] = []
    classes: Counter[str] = Counter()
    codes: dict[str, set[str]] = {}
    host_mismatches: list[str] = []
    for case in whatwg_cases():
        text = case["input"]
        problem = formats.url_problem(text)
        if case.get("failure"):
            if problem is None:
                accepted_failures.append(repr(text))
            continue
        if problem is not None:
            name = whatwg_class(text, problem)
            classes[name] += 1
            codes.setdefault(name, set()).add(verdict(problem))
            continue
        # Accepted by both: the host must be the one a browser connects to.
        host = formats.url_host(text)
        if formats.ip_address(host) is None and formats.ascii_host(host) != case["hostname"]:
            host_mismatches.append(f"{text!r}: {formats.ascii_host(host)} != {case['hostname']}")
    assert accepted_failures == []
    assert host_mismatches == []
    found = {
        f"class {name} ({count} case{'s' if count != 1 else ''})": "/".join(sorted(codes[name]))
        for name, count in classes.items()
    }
    check_against_table("whatwg-url", found)


def test_the_issue_examples_that_the_standard_fails() -> None:
    for text in (
        "http://0xffffffff1",
        "https://0x100000000/test",
        "http://foo.0x4",
        "http://[::%31]",
    ):
        problem = formats.url_problem(text)
        assert problem is not None and problem.fault is Fault.HOST, text


# --- amp-toolbox cache-url spec ---------------------------------------------------------

_VECTOR = re.compile(r"\{\s*url:\s*'([^']*)',\s*(cache|curlsSubdomain):\s*'([^']*)',?\s*\}")


def amp_vectors() -> list[tuple[str, str, str]]:
    text = (HERE / "amp_toolbox" / "AmpUrlSpec.js").read_text(encoding="utf-8")
    return _VECTOR.findall(text)


def test_amp_toolbox_vectors() -> None:
    vectors = amp_vectors()
    assert len(vectors) == 21  # 10 cache URLs, 11 domain prefixes at the pinned commit
    disagreements: dict[str, str] = {}
    for url, kind, expected in vectors:
        got = amp.cache_url(url) if kind == "cache" else amp.cache_subdomain(formats.url_host(url))
        if got != expected:
            disagreements[case_cell(url)] = json.dumps(got)
    check_against_table("amp-toolbox", disagreements)
