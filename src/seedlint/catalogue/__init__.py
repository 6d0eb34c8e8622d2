"""The catalogue: what every layer above may speak in, importing nothing above it.

Rule metadata (:class:`~seedlint.catalogue.rule.Rule`), the rules reported while
a document is read (:mod:`~seedlint.catalogue.structure`), alongside the findings
types in :mod:`seedlint.diagnostics` and the format checks in :mod:`seedlint.formats`.
"""
