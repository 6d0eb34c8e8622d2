"""Any configuration value, from a file or the command line, is accepted or a ConfigError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.config import OPTIONS, Config, ConfigError, with_command_line
from seedlint.config import config_from_table as from_table
from seedlint.config.files import TomlFile
from seedlint.registry import unknown_selectors

_SCALARS = (
    st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["127.0.0.1:abc", "10.0.0.0/33", "[::1]", "[::1]:0", "a:b:c", "E999"])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = st.sampled_from([o.key for o in OPTIONS]) | st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(table=st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_any_file_table_is_a_config_or_a_config_error(table: dict[str, Any]) -> None:
    toml = TomlFile(Path("/project/seedlint.toml"), table, tuple(f"{k} = x" for k in table))
    try:
        config = from_table(table, toml, (), unknown_selectors)
    except ConfigError as error:
        assert error.location is not None and error.location.startswith("/project/seedlint.toml:")
    else:
        assert isinstance(config, Config)


@settings(max_examples=300, deadline=None)
@given(options=st.dictionaries(st.sampled_from([o.key for o in OPTIONS]), _VALUES, max_size=4))
def test_any_command_line_value_is_a_config_or_a_config_error(options: dict[str, Any]) -> None:
    try:
        config = with_command_line(Config(), options, unknown_selectors)
    except ConfigError as error:
        assert str(error)
    else:
        assert isinstance(config, Config)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(max_size=40), max_size=8),
    table=st.lists(st.text(max_size=6), max_size=2),
    key=st.none() | st.text(max_size=6),
)
def test_positions_are_always_inside_the_file(
    lines: list[str], table: list[str], key: str | None
) -> None:
    toml = TomlFile(Path("x.toml"), {}, tuple(lines))
    line, column, width = toml.position(table, key)
    assert line >= 1 and column >= 1 and width >= 0
    assert isinstance(toml.snippet(line, column, width), str)
