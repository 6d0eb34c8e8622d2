"""What document rules may consult besides the document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

    from seedlint.config import Config


@dataclass(frozen=True)
class CheckContext:
    """What document rules may consult besides the document. Rules never do I/O."""

    config: Config
    validator: Validator
    now: datetime
    collect_urls: bool = False
    """Record each document's URLs for the online pass (only when probing)."""
