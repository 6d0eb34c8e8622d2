"""Fixtures for probe tests: local servers (plain and TLS), settings, a run helper.

Nothing here reaches beyond 127.0.0.1: the default resolver in ``probe_run``
knows only ``localhost`` and fails every other name.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import trustme

from seedlint.probe import ProbeReport, ProbeSettings, run_probe

from .servers import LocalServer, start_server

ServerFactory = Callable[..., LocalServer]


async def local_resolver(host: str, port: int) -> Sequence[str]:
    """A resolver that never asks real DNS: localhost only."""
    if host.lower().rstrip(".") == "localhost":
        return ["127.0.0.1"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_bundle(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_tls_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def make_server(ca: trustme.CA) -> Iterator[ServerFactory]:
    """start(tls=False | True | "untrusted") -> a running server, stopped at teardown."""
    started: list[LocalServer] = []

    def start(tls: bool | str = False) -> LocalServer:
        context = None
        if tls == "untrusted":
            context = server_tls_context(trustme.CA())  # a CA the client does not know
        elif tls:
            context = server_tls_context(ca)
        server = start_server(context)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(params=["http", "https"])
def server(request: pytest.FixtureRequest, make_server: ServerFactory) -> LocalServer:
    """The same scenario over plain HTTP and over TLS."""
    return make_server(tls=request.param == "https")


@pytest.fixture
def http_server(make_server: ServerFactory) -> LocalServer:
    return make_server()


@pytest.fixture
def local_settings(ca_bundle: str) -> Callable[..., ProbeSettings]:
    """Fast, local settings: guard open, short timeouts, tiny backoff, no cache."""

    def build(**overrides: Any) -> ProbeSettings:
        values: dict[str, Any] = {
            "allow_private": True,
            "connect_timeout": 0.5,
            "read_timeout": 0.5,
            "total_timeout": 5.0,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
            "retry_after_max": 2.0,
            "use_cache": False,
            "verify": ca_bundle,
        }
        values.update(overrides)
        return ProbeSettings(**values)

    return build


@pytest.fixture
def probe_run() -> Callable[..., ProbeReport]:
    """run_probe with the local resolver (never real DNS)."""

    def run(
        links: Iterable[str] = (),
        images: Iterable[str] = (),
        settings: ProbeSettings | None = None,
        **kwargs: Any,
    ) -> ProbeReport:
        kwargs.setdefault("resolver", local_resolver)
        return run_probe(links, images, settings, **kwargs)

    return run


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "seedlint.sqlite3"
