"""What document rules may consult besides the document."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from seedlint.config import Config


class SchemaErrors(Protocol):
    """What the schema rules need of a validator (``rules.schema.SchemaValidator``)."""

    schema: Any
    """The schema as loaded: S013 reads the type it wants at a path."""

    def iter_errors(self, data: Any) -> Iterator[Any]:
        """Every ``jsonschema`` error of ``data``."""
        ...


class CheckContext(NamedTuple):
    """What document rules may consult besides the document. Rules never do I/O."""

    config: Config
    validator: SchemaErrors
    now: datetime
    collect_urls: bool = False
    """Record each document's URLs for the online pass (only when probing)."""
