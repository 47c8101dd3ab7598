"""Sandboxes on real sockets, shared per module where tests only read."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from tests.sandbox.helpers import FakeClock, autosoft_login


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running() -> AsyncIterator[RunningSandbox]:
    """Both vendors, defaults except a rate limit read-heavy tests cannot reach."""
    sb = await start_sandbox(SandboxOptions(rate_limit_per_minute=100_000))
    yield sb
    await sb.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def autosoft(running: RunningSandbox) -> VendorHandle:
    return running.vendors["autosoft"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def autosync(running: RunningSandbox) -> VendorHandle:
    return running.vendors["autosync"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def token(http: aiohttp.ClientSession, autosoft: VendorHandle) -> str:
    clock = FakeClock(time.time())
    autosoft.state.auth.clock = clock
    status, body = await autosoft_login(http, autosoft, at=clock.now)
    assert status == 200, body
    return str(body["authToken"])
