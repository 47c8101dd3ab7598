"""Fixtures for adapter tests: one shared client session per test (as in production, one
per process), local HTTP servers on real sockets, and sandbox vendors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from tests.virtual_clock import VirtualClock


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


ServeApp = Callable[[web.Application], Awaitable[str]]


@pytest.fixture
async def serve() -> AsyncIterator[ServeApp]:
    """Start an aiohttp application on 127.0.0.1 and return its base URL."""
    servers: list[TestServer] = []

    async def start(app: web.Application) -> str:
        server = TestServer(app)
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()


StartSandbox = Callable[..., Awaitable[RunningSandbox]]


@pytest.fixture
async def sandbox() -> AsyncIterator[StartSandbox]:
    """Start the vendor sandbox with options; stopped after the test.

    ``await sandbox(vendors=("autosoft",), token_ttl_seconds=2)``.
    """
    started: list[RunningSandbox] = []

    async def start(
        vendors: tuple[str, ...] = ("autosoft", "autosync"), **options: Any
    ) -> RunningSandbox:
        opts = {
            "seed": 1,
            "scale": 1.0,
            "token_ttl_seconds": 3600,
            "rate_limit_per_minute": 100_000,
            **options,
        }
        sb = await start_sandbox(SandboxOptions(**opts), vendors=vendors)
        started.append(sb)
        return sb

    yield start
    for sb in started:
        await sb.stop()


@pytest.fixture
def latency_clock() -> VirtualClock:
    """The clock a sandbox's injected latencies sleep on (``sandbox(..., sleep=
    latency_clock.sleep)``): an answer held back leaves only when the test advances it."""
    return VirtualClock()
