"""Fixes edit exact spans: expected outputs byte for byte, with LF, CRLF and a BOM."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedlint.cli import main
from seedlint.config import Config
from seedlint.document import parse_seed
from seedlint.fix import applicable, apply_fixes, fix_paths
from seedlint.linter import lint_parsed, make_context
from tests.conftest import CASES, FIXED_NOW

CDN = "https://www-nytimes-com.cdn.ampproject.org/c/s/www.nytimes.com/2020/10/21/technology/facial-recognition-police.amp.html"
CDN_HTTP = "https://www-nytimes-com.cdn.ampproject.org/c/www.nytimes.com/2020/10/21/technology/facial-recognition-police.amp.html"
AMP_LINE = '    ampWebUrl: "https://www.nytimes.com/2020/10/21/technology/facial-recognition-police.amp.html"\n'


def _case(name: str) -> str:
    return (CASES / name).read_text(encoding="utf-8")


# (input text, expected after --fix, unsafe?)
FIXES = {
    "C003": (
        _case("C003_surrounding_whitespace.txt"),
        _case("C003_surrounding_whitespace.txt")
        .replace('title: " EU placing', 'title: "EU placing')
        .replace('  - "AI "\n', '  - "AI"\n'),
        False,
    ),
    "C003-plain-nbsp": (
        _case("valid/minimal.txt").replace(
            "  name: Biometric Update\n", "  name: Biometric Update\u00a0\u00a0\n"
        ),
        _case("valid/minimal.txt"),
        False,
    ),
    "U008": (
        _case("U008_http.txt"),
        _case("U008_http.txt")
        .replace('"http://www.', '"https://www.')
        .replace('"HTTP://d1', '"https://d1'),
        True,
    ),
    "U011": (
        _case("U011_wrong_cdn.txt"),
        _case("U011_wrong_cdn.txt").replace(
            '"https://nytimes-com.cdn.ampproject.org', '"https://www-nytimes-com.cdn.ampproject.org'
        ),
        False,
    ),
    "U012": (
        _case("U012_missing_cdn.txt"),
        _case("U012_missing_cdn.txt").replace(AMP_LINE, f'{AMP_LINE}    cdnAmpWebUrl: "{CDN}"\n'),
        False,
    ),
    "U012-single-quoted-with-comment": (
        _case("U012_missing_cdn.txt").replace(
            AMP_LINE, AMP_LINE.replace('"', "'").replace("\n", "  # the AMP page\n")
        ),
        _case("U012_missing_cdn.txt").replace(
            AMP_LINE,
            AMP_LINE.replace('"', "'").replace("\n", "  # the AMP page\n")
            + f"    cdnAmpWebUrl: '{CDN}'\n",
        ),
        False,
    ),
    # http ampWebUrl, unsafe: the scheme is fixed first, then the cache URL follows it.
    "U008+U012": (
        _case("U012_missing_cdn.txt").replace(AMP_LINE, AMP_LINE.replace("https:", "http:")),
        _case("U012_missing_cdn.txt").replace(AMP_LINE, f'{AMP_LINE}    cdnAmpWebUrl: "{CDN}"\n'),
        True,
    ),
    # Safe fixes only: the cache URL of the http page as it stands.
    "U012-http-safe": (
        _case("U012_missing_cdn.txt").replace(AMP_LINE, AMP_LINE.replace("https:", "http:")),
        _case("U012_missing_cdn.txt").replace(
            AMP_LINE, AMP_LINE.replace("https:", "http:") + f'    cdnAmpWebUrl: "{CDN_HTTP}"\n'
        ),
        False,
    ),
}


def _variants(text: str) -> dict[str, tuple[str, bytes]]:
    return {"lf": ("\n", b""), "crlf": ("\r\n", b""), "bom-crlf": ("\r\n", b"\xef\xbb\xbf")}


def _encode(text: str, newline: str, bom: bytes) -> bytes:
    return bom + text.replace("\n", newline).encode("utf-8")


@pytest.mark.parametrize("variant", ["lf", "crlf", "bom-crlf"])
@pytest.mark.parametrize("name", sorted(FIXES))
def test_fix_output_byte_for_byte(tmp_path: Path, name: str, variant: str) -> None:
    before, after, unsafe = FIXES[name]
    newline, bom = _variants(before)[variant]
    seed = tmp_path / "seed.txt"
    seed.write_bytes(_encode(before, newline, bom))
    seed.chmod(0o640)
    config = Config(root=tmp_path)
    [outcome] = fix_paths([seed], config, unsafe=unsafe, now=FIXED_NOW)
    assert outcome.changed
    assert seed.read_bytes() == _encode(after, newline, bom)
    assert stat.S_IMODE(seed.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["seed.txt"]  # no temporary left behind
    [again] = fix_paths([seed], config, unsafe=unsafe, now=FIXED_NOW)
    assert not again.changed


def test_unsafe_fix_needs_unsafe_flag(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(_case("U008_http.txt"), encoding="utf-8")
    [outcome] = fix_paths([seed], Config(root=tmp_path), now=FIXED_NOW)
    assert not outcome.changed


def test_escaped_whitespace_is_reported_but_not_fixed() -> None:
    text = _case("valid/minimal.txt").replace('title: "EU placing', 'title: "\\tEU placing')
    result = parse_seed(text.encode(), "x.txt")
    findings = lint_parsed(result, "x.txt", make_context(Config(), FIXED_NOW))
    c003 = [d for d in findings if d.code == "C003"]
    assert len(c003) == 1
    assert c003[0].fix is None


def test_overlapping_fixes_apply_once() -> None:
    from seedlint.diagnostics import Edit, Fix

    fixes = [Fix((Edit(2, 5, "X"),)), Fix((Edit(4, 6, "Y"),)), Fix((Edit(6, 6, "Z"),))]
    assert apply_fixes("0123456789", fixes) == ("01X5Z6789", 2)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_cli_fix_diff_and_rerun(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = tmp_path / "seeds" / "a.txt"
    seed.parent.mkdir()
    original = _case("C003_surrounding_whitespace.txt").replace("\n", "\r\n").encode()
    seed.write_bytes(original)
    (tmp_path / "seedlint.toml").write_text("future-tolerance-days = 36500\n")
    code, out = _run(["check", "--diff", str(seed)], capsys)
    assert code == 1
    assert '-title: " EU placing' in out and '+title: "EU placing' in out
    assert seed.read_bytes() == original  # --diff writes nothing
    code, out = _run(["check", "--fix", str(seed)], capsys)
    assert code == 0, out
    fixed = seed.read_bytes()
    assert fixed != original
    code, out = _run(["check", "--fix", str(seed)], capsys)
    assert code == 0 and seed.read_bytes() == fixed
    code, out = _run(["check", "--diff", str(seed)], capsys)
    assert code == 0 and out == ""


def test_fix_reports_only_what_needs_a_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "a.txt"
    seed.write_text(
        _case("C003_surrounding_whitespace.txt").replace(
            "publishedDateTime: 2020-10-19T00:00:00Z", "publishedDateTime: 1970-01-01T00:00:00Z"
        ),
        encoding="utf-8",
    )
    code, out = _run(["check", "--fix", str(seed)], capsys)
    assert code == 1
    assert "D004" in out and "C003" not in out


# --- properties ---------------------------------------------------------------------------

_BASE = _case("U012_missing_cdn.txt")
_spaces = st.text(alphabet=" \u00a0\u3000", max_size=3)


@st.composite
def broken_seeds(draw: st.DrawFn) -> tuple[bytes, str]:
    text = _BASE
    lead, trail = draw(_spaces), draw(_spaces)
    text = text.replace('title: "EU placing', f'title: "{lead}EU placing', 1)
    text = text.replace('exports"\n', f'exports{trail}"\n', 1)
    if draw(st.booleans()):
        text = text.replace(AMP_LINE, AMP_LINE.replace("https:", "http:"))
    if draw(st.booleans()):
        text = text.replace('webUrl: "https://www.bio', 'webUrl: "http://www.bio')
    topic = draw(st.sampled_from(["AI", " AI", "AI\u00a0", "'AI '", '" AI"']))
    text = text.replace("  - AI\n", f"  - {topic}\n")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + text.replace("\n", newline).encode("utf-8"), newline


def _fixed(raw: bytes, unsafe: bool) -> str:
    from seedlint.fix import fix_text

    return fix_text(raw, "p.txt", _CONTEXT, unsafe=unsafe).after


_CONTEXT = make_context(Config(), FIXED_NOW)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_seeds(), st.booleans())
def test_fix_is_idempotent(seed: tuple[bytes, str], unsafe: bool) -> None:
    raw, _ = seed
    once = _fixed(raw, unsafe)
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    assert _fixed(bom + once.encode("utf-8"), unsafe) == once


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_seeds(), st.booleans())
def test_one_pass_touches_only_the_fixed_spans(seed: tuple[bytes, str], unsafe: bool) -> None:
    raw, newline = seed
    result = parse_seed(raw, "p.txt")
    assert result.document is not None
    text = result.document.text
    fixes = applicable(lint_parsed(result, "p.txt", _CONTEXT), unsafe=unsafe)
    fixed, _ = apply_fixes(text, fixes)
    # Rebuild independently: every byte outside an edit span is kept, in order.
    edits = sorted((e for f in fixes for e in f.edits), key=lambda e: e.start)
    kept, position = [], 0
    for edit in edits:
        if edit.start < position:
            continue  # a conflicting fix, skipped by apply_fixes too
        kept.append(text[position : edit.start] + edit.text)
        position = edit.end
    kept.append(text[position:])
    assert fixed == "".join(kept)
    # ... and the result still parses to the same data outside the fixed values.
    after = parse_seed(fixed.encode("utf-8"), "p.txt").document
    assert after is not None
    assert after.data["provider"] == result.document.data["provider"]
    assert after.data["secured"] == result.document.data["secured"]
    assert after.data["related"][0]["title"] == result.document.data["related"][0]["title"]
    assert fixed.count("\n") - text.count("\n") in (0, 1)
    if newline == "\r\n":
        assert "\n" not in fixed.replace("\r\n", "")
    assert fixed.count("#") == text.count("#")
