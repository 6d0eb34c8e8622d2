"""The README's configuration reference is generated from the options and never stale."""

from __future__ import annotations

import sys
from dataclasses import fields
from pathlib import Path

from seedlint.config import OPTIONS, Config, config_from_file
from seedlint.config.reference import BEGIN, END, configuration_reference, main, refreshed
from seedlint.registry import unknown_selectors
from tests.conftest import PROJECT

README = PROJECT / "README.md"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib


def test_readme_reference_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert configuration_reference() in text, (
        "README.md's configuration reference is stale: run "
        "`python -m seedlint.config.reference --write README.md`"
    )


def test_every_config_setting_is_an_option() -> None:
    settings = {f.name for f in fields(Config)} - {"root", "source", "warnings", "refresh"}
    documented = {option.field_name for option in OPTIONS}
    assert settings - documented == set()
    for option in OPTIONS:
        assert f"| `{option.key}` |" in configuration_reference()


def test_the_example_is_a_valid_configuration(tmp_path: Path) -> None:
    block = configuration_reference().split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "seedlint.toml").write_text(block)
    assert set(tomllib.loads(block)["tool"]["seedlint"]) == {o.key for o in OPTIONS}
    config = config_from_file(tmp_path / "seedlint.toml", unknown_selectors)
    assert config.probe_per_host_rate == 5.0 and config.cache_ttl_hours == 24.0
    assert config.per_file_ignores == (("seeds/legacy/*", ("E002", "ambiguous-scalar")),)


def test_write_replaces_only_the_generated_part(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{BEGIN}\nold stuff\n{END}\nafter\n")
    assert main(["--write", str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{END}\nafter\n")
    assert "old stuff" not in text and refreshed(text) == text
