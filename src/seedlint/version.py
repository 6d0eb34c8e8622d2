"""The version seedlint reports (``--version``, SARIF, JUnit)."""

__version__ = "0.1.0"
