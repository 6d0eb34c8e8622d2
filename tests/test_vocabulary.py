"""Vocabularies of keyword fields: configured (C015) and learned from the project (C016, C017).

The learned rules compare seeds with each other, so they follow C010's
contract: a pure function of the project's files at the time of the run,
reported only on linted files, the same whatever the working folder, the
order of runs or what the caches hold.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from seedlint import project_index
from seedlint.cli import main
from seedlint.config import Config, load_config
from seedlint.diagnostics import Diagnostic
from seedlint.linter import lint_paths, lint_text
from seedlint.rules.vocabulary import KeywordFacts, KeywordUse, check_keyword_variants
from tests.conftest import CASES, FIXED_NOW, SEEDS
from tests.corpus import plant as _plant
from tests.corpus import write_corpus

VOCABULARY_CODES = {"C015", "C016", "C017"}
EDITORIAL_CODES = {"C011", "C012", "C013", "C014"}
SEED = (CASES / "valid" / "minimal.txt").read_text(encoding="utf-8")


def _found(diagnostics: list[Diagnostic], codes: set[str]) -> list[tuple[str, int, int, str]]:
    return sorted((d.path, d.line, d.column, d.code) for d in diagnostics if d.code in codes)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean generated project of 300 seeds (copied by tests that change it)."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "seeds", 300)
    return root


def _copy(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    return root


def test_a_clean_generated_corpus_gives_no_vocabulary_or_editorial_warning(corpus: Path) -> None:
    config = Config(root=corpus, cache=False, project_index=False)
    result = lint_paths([corpus / "seeds"], config, now=FIXED_NOW)
    assert result.files_checked == 300
    assert _found(result.diagnostics, VOCABULARY_CODES | EDITORIAL_CODES) == []


def test_the_corpus_has_a_realistic_spread(corpus: Path) -> None:
    """The clean test above means something only if the spread has a long tail."""
    texts = [file.read_text(encoding="utf-8") for file in (corpus / "seeds").iterdir()]
    types = {line.strip() for text in texts for line in text.splitlines() if "type: " in line}
    categories = {line for text in texts for line in text.splitlines() if "category: " in line}
    assert len(types) >= 7 and len(categories) >= 9


def test_the_shipped_seeds_give_no_vocabulary_or_editorial_warning() -> None:
    config = Config(root=SEEDS.parent, cache=False, project_index=False)
    result = lint_paths([SEEDS], config, now=FIXED_NOW)
    assert _found(result.diagnostics, VOCABULARY_CODES | EDITORIAL_CODES) == []


def test_planted_typos_are_found_at_their_value_naming_the_common_one(
    corpus: Path, tmp_path: Path
) -> None:
    root = _copy(corpus, tmp_path)
    files = sorted((root / "seeds").iterdir())
    typo, type_at = _plant(files, 3, "type: article", "type: artical")
    category, category_at = _plant(files, files.index(typo) + 1, "category: news", "category: News")
    name, name_at = _plant(files, files.index(category) + 1, "name: The Guardian", "name: Guardian")
    config = Config(root=root, cache_dir=tmp_path / "cache")
    result = lint_paths([root / "seeds"], config, now=FIXED_NOW)
    found = [d for d in result.diagnostics if d.code in VOCABULARY_CODES]
    assert _found(found, VOCABULARY_CODES) == sorted(
        [
            (f"seeds/{typo.name}", *type_at, "C016"),
            (f"seeds/{category.name}", *category_at, "C016"),
            (f"seeds/{name.name}", *name_at, "C017"),
        ]
    )
    messages = {d.code + d.path: d.message for d in found}
    assert 'type "artical" is used by 1 seed, "article" by ' in messages[f"C016seeds/{typo.name}"]
    assert messages[f"C016seeds/{typo.name}"].endswith('did you mean "article"?')
    assert 'did you mean "news"?' in messages[f"C016seeds/{category.name}"]
    assert 'provider.name for theguardian.com "Guardian"' in messages[f"C017seeds/{name.name}"]


@pytest.fixture
def corpus_with_a_typo(corpus: Path, tmp_path: Path) -> tuple[Path, Path, tuple[int, int]]:
    root = _copy(corpus, tmp_path)
    return root, *_plant(sorted((root / "seeds").iterdir()), 10, "type: article", "type: artical")


def test_linting_one_file_compares_it_with_the_whole_project(
    corpus_with_a_typo: tuple[Path, Path, tuple[int, int]], tmp_path: Path
) -> None:
    root, typo, at = corpus_with_a_typo
    clean = next(file for file in sorted((root / "seeds").iterdir()) if file != typo)
    config = Config(root=root, cache_dir=tmp_path / "cache")
    alone = lint_paths([typo], config, now=FIXED_NOW)
    assert _found(alone.diagnostics, VOCABULARY_CODES) == [(f"seeds/{typo.name}", *at, "C016")]
    other = lint_paths([clean], config, now=FIXED_NOW)  # the typo is not this file's problem
    assert _found(other.diagnostics, VOCABULARY_CODES) == []


def test_same_findings_whatever_the_cache_the_folder_or_the_order_of_runs(
    corpus_with_a_typo: tuple[Path, Path, tuple[int, int]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, typo, _ = corpus_with_a_typo
    (root / "seedlint.toml").write_text("", encoding="utf-8")  # the root, from any folder
    monkeypatch.setattr(project_index, "RACY_NS", 0)
    cache = tmp_path / "cache"
    fresh = lint_paths([typo], Config(root=root, cache=False), now=FIXED_NOW).diagnostics
    runs = []
    for _ in range(2):  # cold, then every entry from the result cache and the index
        runs.append(lint_paths([typo], Config(root=root, cache_dir=cache), now=FIXED_NOW))
    assert runs[1].index_stats["misses"] == 0
    assert runs[0].diagnostics == runs[1].diagnostics == fresh
    # From another folder, through the CLI: the same lines.
    outputs = []
    for folder in (root, root / "seeds", tmp_path):
        monkeypatch.chdir(folder)
        main(["check", "--cache-dir", str(cache), "--select", "C016", str(typo)])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert f"seeds/{typo.name}" in outputs[0] and "C016" in outputs[0]


def test_a_change_to_another_seed_counts_at_the_next_run(
    corpus_with_a_typo: tuple[Path, Path, tuple[int, int]], tmp_path: Path
) -> None:
    """When the rare value becomes common, it is no longer a variant."""
    root, typo, _ = corpus_with_a_typo
    config = Config(root=root, cache_dir=tmp_path / "cache")
    assert _found(lint_paths([typo], config, now=FIXED_NOW).diagnostics, {"C016"})
    for file in sorted((root / "seeds").iterdir())[:40]:
        text = file.read_text(encoding="utf-8").replace("type: article", "type: artical")
        file.write_text(text, encoding="utf-8")
        os.utime(file, ns=(0, 0))  # an old mtime with new content: only size/ctime tell
    assert _found(lint_paths([typo], config, now=FIXED_NOW).diagnostics, {"C016"}) == []


def test_an_inline_comment_silences_the_finding(
    corpus_with_a_typo: tuple[Path, Path, tuple[int, int]], tmp_path: Path
) -> None:
    root, typo, (line, _) = corpus_with_a_typo
    lines = typo.read_text(encoding="utf-8").split("\n")
    lines[line - 1] += "  # seedlint: ignore[C016]"
    typo.write_text("\n".join(lines), encoding="utf-8")
    config = Config(root=root, cache_dir=tmp_path / "cache")
    assert _found(lint_paths([typo], config, now=FIXED_NOW).diagnostics, VOCABULARY_CODES) == []


def _use(value: str, field: str = "type", scope: str = "") -> KeywordUse:
    return KeywordUse(field, scope, value, 8, 7)


def _project(counts: dict[str, int], field: str = "type", scope: str = "") -> list[KeywordFacts]:
    seeds = []
    for value, count in counts.items():
        seeds += [
            KeywordFacts(f"{value}-{n}.txt", (_use(value, field, scope),)) for n in range(count)
        ]
    return seeds


@pytest.mark.parametrize(
    ("counts", "rare", "reported"),
    [
        ({"article": 5, "artical": 1}, "artical", True),
        ({"article": 10, "artcile": 2}, "artcile", True),  # a swap is one edit
        ({"article": 4, "artical": 1}, "artical", False),  # the common value is not common enough
        ({"article": 9, "artical": 3}, "artical", False),  # used by three seeds: a real value
        ({"article": 9, "artical": 2}, "artical", False),  # fewer than five times as many
        ({"review": 50, "preview": 1}, "preview", True),  # one edit apart: worth a look
        ({"news": 50, "new": 1}, "new", False),  # too short to guess
        ({"opinion": 50, "obituary": 1}, "obituary", False),  # not near anything
        ({"liveblog": 50, "live-blog": 1}, "live-blog", True),  # separators only
    ],
)
def test_what_counts_as_a_rare_variant(counts: dict[str, int], rare: str, reported: bool) -> None:
    project = _project(counts)
    linted = [facts for facts in project if facts.uses[0].value == rare][:1]
    found = check_keyword_variants(linted, project)
    assert bool(found) == reported


def test_provider_names_are_compared_per_domain() -> None:
    project = _project({"New York Times": 6, "NY Times": 1}, "provider.name", "nytimes.com")
    project += _project({"NY Times": 1}, "provider.name", "nypost.com")
    rare = [facts for facts in project if facts.uses[0].value == "NY Times"]
    found = check_keyword_variants(rare, project)
    assert [(d.path, d.code) for d in found] == [("NY Times-0.txt", "C017")]


def test_a_configured_vocabulary_replaces_the_learned_one() -> None:
    project = _project({"article": 9, "artical": 1})
    linted = [facts for facts in project if facts.uses[0].value == "artical"]
    config = Config(vocabulary_type=("article", "artical"))
    assert check_keyword_variants(linted, project, config) == []


def test_a_value_outside_the_configured_vocabulary_gets_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "seedlint.toml").write_text(
        'vocabulary-type = ["article", "video"]\n'
        'vocabulary-category = ["news", "sport"]\n'
        '[provider-names]\n"biometricupdate.com" = "Biometric Update"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "seedlint.toml")
    seed = SEED.replace("type: article", "type: artical").replace(
        "category: news", "category: tech"
    )
    seed = seed.replace("name: Biometric Update", "name: Biometric Companies")
    found = [d for d in lint_text(seed, "x.txt", config, now=FIXED_NOW) if d.code == "C015"]
    assert [(d.line, d.column) for d in found] == [(2, 11), (8, 7), (13, 9)]
    assert (
        found[0].message
        == 'category "tech" is not in the configured vocabulary; expected one of news, sport'
    )
    assert (
        found[1].message
        == 'type "artical" is not in the configured vocabulary; did you mean "article"?'
    )
    assert found[2].message == (
        'provider.name "Biometric Companies" is not the configured name of biometricupdate.com;'
        ' expected "Biometric Update"'
    )
    assert [d for d in lint_text(SEED, "x.txt", config, now=FIXED_NOW) if d.code == "C015"] == []


@pytest.mark.parametrize(
    "toml",
    ['vocabulary-type = "article, video"\n', "vocabulary-type = [1]\n", 'provider-names = ["x"]\n'],
)
def test_bad_vocabulary_settings_are_config_errors(toml: str, tmp_path: Path) -> None:
    (tmp_path / "seedlint.toml").write_text(toml, encoding="utf-8")
    if toml.startswith('vocabulary-type = "'):  # one string is a list of one, as elsewhere
        assert load_config(tmp_path / "seedlint.toml").vocabulary_type == ("article, video",)
        return
    assert main(["check", "--config", str(tmp_path / "seedlint.toml"), str(tmp_path)]) == 2
