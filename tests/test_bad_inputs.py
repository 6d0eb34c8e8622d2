"""Hostile and broken input: a defined finding and exit code, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint import lint_text
from seedlint.cli import main
from seedlint.document import parse_seed


def _codes(text: str | bytes) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.code) for d in lint_text(text)]


_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from seedlint import lint_text

def peak_kib():
    # VmHWM is this program's own high-water mark; Linux's ru_maxrss also keeps the
    # peak of the process that forked it (pytest), carried across exec.
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes there

text = sys.stdin.read()
start = time.perf_counter()
findings = lint_text(text)
elapsed = time.perf_counter() - start
ballast = b"x" * (int(sys.argv[1]) * 1024 * 1024)  # the control: memory really written
print(json.dumps({"peak_kib": peak_kib(), "elapsed": elapsed,
                  "findings": [[d.line, d.column, d.code] for d in findings]}))
"""
_PLAIN = "---\ntitle: EU restricts facial recognition exports\ntopics: [AI]\n---\n"


def _lint_in_fresh_process(text: str, ballast_mib: int = 0) -> dict[str, Any]:
    """Lint ``text`` in a new interpreter; its peak memory, time and findings.

    A peak taken inside the test process hides any growth below what earlier
    tests reached. Each measurement is a fresh process that does nothing else,
    compared with one that lints a plain seed.
    """
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(ballast_mib)],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    measured: dict[str, Any] = json.loads(result.stdout)
    return measured


def _billion_laughs() -> str:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} [{aliases}]")
    return "---\n" + "\n".join(levels) + "\n---\n"  # 9**10 strings if expanded


def test_billion_laughs_is_instant_and_reports_the_aliases() -> None:
    plain = _lint_in_fresh_process(_PLAIN)
    bomb = _lint_in_fresh_process(_billion_laughs())
    assert bomb["elapsed"] < 1.0
    assert bomb["peak_kib"] - plain["peak_kib"] < 50_000, (plain["peak_kib"], bomb["peak_kib"])
    findings = [tuple(f) for f in bomb["findings"]]
    assert (2, 5, "S008") in findings
    assert all(code in {"S008", "E001", "E002"} for _, _, code in findings)


def test_the_memory_measurement_sees_growth() -> None:
    """The control: 100 MiB really used by a lint run shows up, so the bound above can fail."""
    plain = _lint_in_fresh_process(_PLAIN)
    heavy = _lint_in_fresh_process(_PLAIN, ballast_mib=100)
    assert heavy["peak_kib"] - plain["peak_kib"] > 50_000, (plain, heavy)


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
def test_deep_nesting_is_reported_not_recursed(depth: int) -> None:
    text = "---\nx: " + "[" * depth + "]" * depth + "\n---\n"
    codes = {code for _, _, code in _codes(text)}
    assert codes & {"S012", "S003"}


def test_python_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\n'
    assert (2, 8, "S009") in _codes(text)
    assert not marker.exists()


def test_nul_byte_means_binary() -> None:
    assert _codes(b"---\ntitle: a\x00b\n---\n") == [(1, 1, "S005")]


def test_png_bytes_are_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert _codes(png) == [(1, 1, "S005")]


def test_invalid_utf8_points_at_the_byte() -> None:
    assert _codes("---\ntitle: café\n---\n".encode("latin-1")) == [(2, 11, "S005")]


@pytest.mark.parametrize("text", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_files(text: bytes) -> None:
    assert _codes(text) == [(1, 1, "S004")]


def test_control_character_is_reported_where_it_stands() -> None:
    assert (3, 11, "S010") in _codes("---\ntitle: x\nexcerpt: a\x1bb\n---\n")


def test_tab_indentation_is_named() -> None:
    codes = _codes("---\nprovider:\n\tname: x\n---\n")
    assert codes == [(3, 1, "S011")]


def test_yaml_error_has_libyaml_position() -> None:
    assert _codes('---\ntitle: "unclosed\nexcerpt: x\n---\n')[0][2] == "S003"


def test_second_document_in_front_matter() -> None:
    # `...` ends a YAML document; a second one follows it.
    assert "S003" in {code for _, _, code in _codes("---\na: 1\n...\nb: 2\n---\n")}


def test_huge_file_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = tmp_path / "huge.txt"
    seed.write_bytes(b"---\ntitle: " + b"x" * (1 << 20) + b"\n---\n")
    assert main([str(seed), "--color", "never"]) == 1
    assert (
        ":1:1: S006 error: file is 1,048,592 bytes, over the 1,048,576-byte limit"
        in capsys.readouterr().out
    )


def test_size_limit_is_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = tmp_path / "small.txt"
    seed.write_text("---\ntitle: x\n---\n")
    assert main([str(seed), "--max-file-size", "10", "--select", "S006"]) == 1
    assert "S006" in capsys.readouterr().out


def test_unreadable_path_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "dir.txt").mkdir()  # a folder named like a seed
    (folder / "ok.txt").write_text("---\n---\n")
    assert main([str(folder)]) == 1
    assert "S004" in capsys.readouterr().out


def test_linting_never_writes_to_the_file(tmp_path: Path, real_seed_text: str) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(real_seed_text.replace("quality: 33", 'quality: "33"'))
    before = (seed.read_bytes(), seed.stat().st_mtime_ns)
    assert main([str(seed)]) == 1
    assert (seed.read_bytes(), seed.stat().st_mtime_ns) == before


def test_crlf_and_bom_positions_match_an_editor() -> None:
    text = '\ufeff---\r\ntitle: x\r\nquality: "33"\r\n---\r\n'.encode()
    result = parse_seed(text)
    assert result.document is not None
    assert result.document.has_bom
    assert ("quality",) in result.document.values
    assert result.document.values[("quality",)][:2] == (3, 10)


def test_fifo_and_symlink_loops_are_skipped(tmp_path: Path, real_seed_text: str) -> None:
    import os

    from seedlint import Config, lint_paths

    (tmp_path / "seed.txt").write_text(real_seed_text)
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    result = lint_paths([tmp_path], Config(root=tmp_path))
    assert result.files_checked == 1 and result.diagnostics == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for finding in lint_text(data):
        assert finding.line >= 1 and finding.column >= 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_front_matter_never_raises(body: str) -> None:
    for finding in lint_text(f"---\n{body}\n---\n"):
        assert finding.line >= 1 and finding.column >= 1


_YAMLISH = st.sampled_from(
    [
        "title",
        "webUrl",
        "images",
        "related",
        ":",
        " ",
        "\n",
        "- ",
        "  ",
        "[",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!str ",
        '"',
        "'",
        "#",
        "|",
        ">",
        "?",
        ",",
        "1",
        "no",
        "2020-13-01T00:00:00Z",
        "https://x.example/",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_YAMLISH, max_size=60).map("".join))
def test_yaml_shaped_noise_never_raises(body: str) -> None:
    for finding in lint_text(f"---\n{body}\n---\n"):
        assert finding.line >= 1 and finding.column >= 1


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_seed_text: str, fmt: str
) -> None:
    """The name reaches Python with lone surrogates: the caches store it, every format
    writes it as valid UTF-8 (escaped, or percent-encoded in SARIF), on a strict stdout."""
    import os

    (tmp_path / "seeds").mkdir()
    name = os.fsdecode(b"bad\xff\xfe.txt")
    (tmp_path / "seeds" / name).write_text(real_seed_text.replace("quality: 33", "quality: x"))
    (tmp_path / "seedlint.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # strict, as many CI runners set it
    command = [sys.executable, "-m", "seedlint", "check", "seeds", "--output-format", fmt]
    for _ in ("cold", "warm"):  # the result cache and project index store the name
        run = subprocess.run(command, check=False, capture_output=True, env=env, timeout=60)
        assert run.returncode == 1, run.stderr.decode(errors="replace")
        out = run.stdout.decode("utf-8")  # valid UTF-8, or this raises
        assert "E003" in out and "internal error" not in run.stderr.decode()
    if fmt in ("text", "junit", "github"):
        assert "seeds/bad\\udcff\\udcfe.txt" in out
    elif fmt == "sarif":
        assert '"uri": "seeds/bad%FF%FE.txt"' in out
    else:  # JSON escapes give the name back exactly
        assert json.loads(out)["findings"][0]["path"] == f"seeds/{name}"
