"""``seedlint server``: findings while typing, over the Language Server Protocol on stdio.

Needs the ``server`` extra (``pip install 'seedlint[server]'``, which brings
pygls). Only the command line imports this package; the engine never does.
"""

from __future__ import annotations


def serve() -> None:
    """Run the language server on standard input and output until the client exits."""
    from seedlint.server.app import build_server

    build_server().start_io()
