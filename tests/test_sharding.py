"""``check --shard K/N`` and ``seedlint merge``: N shards as N processes equal one run.

A generated project with planted defects (schema errors, absurd dates, a
broken file, webUrls shared across files that fall to different shards,
suppression comments and per-file ignores) is linted once whole and once as
shards running at the same time; the merged report must be byte for byte the
single run's, in every output format, with the same exit code.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.config import Config
from seedlint.merging import FORMAT, config_digest
from seedlint.sharding import Shard, bucket, host_key
from tests.conftest import CASES, SEEDS
from tests.reporting import sarif_validator
from tests.test_recipes import _readme_section, _yaml_blocks

GENERATOR = Path(__file__).parents[1] / "benchmarks" / "generate_seeds.py"
FORMATS = ("text", "json", "sarif", "junit", "github")
SHARDS = 3


def _seedlint(*args: str | Path, cwd: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "seedlint", *map(str, args)]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _run(*args: str | Path, cwd: Path) -> tuple[int, str]:
    process = _seedlint(*args, cwd=cwd)
    _, err = process.communicate(timeout=120)
    return process.returncode, err.decode()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharded")
    (root / "seedlint.toml").write_text('per-file-ignores = { "seeds/00[0-2]*" = ["D004"] }\n')
    seeds = root / "seeds"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--count", "48", "--out", str(seeds)],
        check=True,
        capture_output=True,
    )
    files = sorted(seeds.glob("*.txt"))
    first_url = re.search(r'^webUrl: "([^"]+)"', files[0].read_text(), re.MULTILINE)
    assert first_url is not None
    for number, file in enumerate(files):
        text = file.read_text()
        if number % 5 == 0:  # absurd date (D004), silenced by per-file-ignores for 000-002
            text = text.replace("publishedDateTime: 20", "publishedDateTime: 18", 1)
        if number % 7 == 3:  # schema error
            text = re.sub(r"^quality: \d+", "quality: 300", text, count=1, flags=re.MULTILINE)
        if number in (9, 21, 33):  # C010: the same webUrl as the first seed
            text = re.sub(
                r'^webUrl: "[^"]+"', f'webUrl: "{first_url[1]}"', text, count=1, flags=re.M
            )
        if number == 21:  # a suppression comment silences one of them
            text = text.replace("---\n", "---\n# seedlint: ignore[C010]\n", 1)
        file.write_text(text)
    (seeds / "nested").mkdir()
    (seeds / "nested" / "broken.txt").write_text("---\ntitle: [unclosed\n---\n")
    (seeds / "nested" / "empty.md").write_text("")
    return root


def test_shards_split_the_files_and_cover_each_once() -> None:
    paths = [f"seeds/{n:03}.txt" for n in range(400)]
    owners = [[k for k in range(1, 5) if Shard(k, 4).owns_path(p)] for p in paths]
    assert all(len(o) == 1 for o in owners)
    counts = [sum(1 for o in owners if o == [k]) for k in range(1, 5)]
    assert min(counts) > 60  # roughly even
    assert bucket("seeds/a.txt", 4) == bucket("seeds/a.txt", 4)


def test_urls_split_by_host_alone() -> None:
    shard = Shard(2, 3)
    assert host_key("https://WWW.Example.COM./a?b") == "www.example.com"
    assert host_key("https://bücher.example/x") == "xn--bcher-kva.example"
    same_host = ["https://a.example/1", "https://a.example/2", "http://A.example:8080/3"]
    assert len({shard.owns_url(url) for url in same_host}) == 1


def test_merged_shards_equal_one_run_in_every_format(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    single: dict[str, tuple[int, bytes]] = {}
    for output in FORMATS:
        target = tmp_path / f"single.{output}"
        code, err = _run(
            "check",
            "--cache-dir",
            cache,
            "--output-format",
            output,
            "--output-file",
            target,
            cwd=project,
        )
        assert code in (0, 1), err
        single[output] = (code, target.read_bytes())
    assert single["json"][0] == 1
    found = json.loads(single["json"][1])
    codes = {item["code"] for item in (found if isinstance(found, list) else found["findings"])}
    assert {"C010", "D004", "S003"} <= codes
    # The shards run at the same time, as N runners would, sharing nothing but the tree.
    shard_files = [tmp_path / f"shard{k}.json" for k in range(1, SHARDS + 1)]
    processes = [
        _seedlint(
            "check",
            "--cache-dir",
            tmp_path / f"cache{k}",
            "--shard",
            f"{k}/{SHARDS}",
            "--shard-output",
            shard_files[k - 1],
            "-q",
            "--exit-zero",
            cwd=project,
        )
        for k in range(1, SHARDS + 1)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    data = [json.loads(file.read_text()) for file in shard_files]
    assert all(d["format"] == FORMAT for d in data)
    assert sum(d["files_checked"] for d in data) == 50
    assert all(d["files_checked"] < 50 for d in data)
    for output in FORMATS:
        target = tmp_path / f"merged.{output}"
        code, err = _run(
            "merge",
            *reversed(shard_files),
            "--output-format",
            output,
            "--output-file",
            target,
            cwd=tmp_path,  # anywhere: a shard file is self-contained
        )
        assert (code, target.read_bytes()) == single[output], (output, err)


def _shard_files(project: Path, tmp_path: Path, count: int, *extra: str) -> list[Path]:
    files = []
    for k in range(1, count + 1):
        out = tmp_path / f"s{k}-{count}{'-'.join(extra)}.json"
        code, err = _run(
            "check",
            "--no-cache",
            "--shard",
            f"{k}/{count}",
            "--shard-output",
            out,
            "-q",
            "--exit-zero",
            *extra,
            cwd=project,
        )
        assert code == 0, err
        files.append(out)
    return files


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0/3", "from 1 to 3"),
        ("4/3", "from 1 to 3"),
        ("1/0", "N ≥ 1"),
        ("two/3", "K/N"),
        ("1/3/4", "K/N"),
        ("-1/3", "K/N"),
        ("", "K/N"),
    ],
)
def test_shard_index_errors(
    project: Path,
    value: str,
    says: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(project)
    assert main(["check", "--shard", value, "seeds"]) == 2
    err = capsys.readouterr().err
    assert "--shard" in err and says in err


def test_shard_output_needs_a_shard(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["check", "--shard-output", "x.json", "seeds"]) == 2
    assert "--shard-output needs --shard" in capsys.readouterr().err


def test_merge_refuses_a_missing_or_doubled_shard(project: Path, tmp_path: Path) -> None:
    one, two, three = _shard_files(project, tmp_path, 3)
    code, err = _run("merge", one, three, cwd=tmp_path)
    assert code == 2 and "shard 2 of 3 missing" in err and "nothing merged" in err
    code, err = _run("merge", one, two, two, three, cwd=tmp_path)
    assert code == 2 and "shard 2/3 given twice" in err
    code, err = _run(
        "merge", one, two, three, *_shard_files(project, tmp_path, 2)[:1], cwd=tmp_path
    )
    assert code == 2 and "one of 3" in err


def test_merge_refuses_other_versions_and_configurations(project: Path, tmp_path: Path) -> None:
    one, two = _shard_files(project, tmp_path, 2)
    other = _shard_files(project, tmp_path, 2, "--ignore", "D004")[1]
    code, err = _run("merge", one, other, cwd=tmp_path)
    assert code == 2 and "different configurations" in err
    data = json.loads(two.read_text())
    data["seedlint"] = "0.0.1"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data))
    code, err = _run("merge", one, older, cwd=tmp_path)
    assert code == 2 and "seedlint 0.0.1" in err and "same version" in err
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    code, err = _run("merge", one, junk, cwd=tmp_path)
    assert code == 2 and "not a seedlint shard file" in err and "Traceback" not in err


def test_config_digest_ignores_where_and_covers_what(tmp_path: Path) -> None:
    base = Config(root=tmp_path)
    assert config_digest(base) == config_digest(Config(root=tmp_path / "elsewhere", jobs=3))
    assert config_digest(base) != config_digest(Config(root=tmp_path, ignore=("D004",)))


def _recipe_commands(run: str, **values: str) -> list[list[str]]:
    for name, value in values.items():
        run = run.replace(name, value)
    return [shlex.split(line) for line in run.replace("\n", " ").split(" && ")]


def test_readme_recipes_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    github, gitlab = _yaml_blocks(_readme_section("Split across CI runners"))
    shard_job, merge_job = github["jobs"]["shard"], github["jobs"]["merge"]
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert merge_job["needs"] == "shard"
    assert gitlab["seedlint-shard"]["parallel"] == len(shards)
    assert gitlab["seedlint-merge"]["needs"] == ["seedlint-shard"]
    uses = [step.get("uses", "").split("@")[0] for step in shard_job["steps"]]
    assert {"actions/cache/restore", "actions/cache/save", "actions/upload-artifact"} <= set(uses)
    runs = [s["run"] for s in shard_job["steps"] if s.get("run", "").startswith("seedlint")]
    (shard_run,) = runs
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copy(CASES / "E003_quality_string.txt", tmp_path / "seeds" / "bad.txt")
    monkeypatch.chdir(tmp_path)
    for k in shards:
        (argv,) = _recipe_commands(shard_run, **{"${{ matrix.shard }}": str(k)})
        assert argv[:2] == ["seedlint", "check"] and "--probe" in argv
        argv.remove("--probe")  # no internet in tests
        assert main(argv[1:]) == 0
    merges = [s["run"] for s in merge_job["steps"] if s.get("run", "").startswith("seedlint")]
    files = sorted(str(p) for p in tmp_path.glob("shard-*.json"))
    assert len(files) == len(shards)
    codes = []
    for merge_run in merges:
        argv = shlex.split(merge_run)
        star = argv.index("shard-*.json")
        argv[star : star + 1] = files
        codes.append(main(argv[1:]))
    assert codes == [0, 1]  # the SARIF step always uploads; the last one fails the job
    sarif = json.loads((tmp_path / "seedlint.sarif").read_text())
    assert sarif_validator().is_valid(sarif) and len(sarif["runs"]) == 1
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["E003"]
    script = " ".join(gitlab["seedlint-shard"]["script"])
    assert '--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in script
    capsys.readouterr()
