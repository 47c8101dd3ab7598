"""Sandboxes on real sockets, shared per module where tests only read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from tests.sandbox.helpers import (
    AUTH_TTL,
    SUPERGOOD_VENDORS,
    FakeClock,
    fresh_totp_clock,
    signed_in,
)


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
    return await signed_in(http, autosoft)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dealercenter() -> AsyncIterator[VendorHandle]:
    """DealerCenter alone, fresh per module: its write tests change its tables."""
    sb = await start_sandbox(SandboxOptions(), vendors=("dealercenter",))
    yield sb.vendors["dealercenter"]
    await sb.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def auth_sandbox() -> AsyncIterator[RunningSandbox]:
    """The Supergood-family vendors with a short token life, fresh per module."""
    sb = await start_sandbox(
        SandboxOptions(token_ttl_seconds=AUTH_TTL, scale=0.1), vendors=SUPERGOOD_VENDORS
    )
    yield sb
    await sb.stop()


@pytest.fixture
def clock(vendor: VendorHandle) -> FakeClock:
    """A fresh TOTP step per test, so one test's codes never count as another's replay."""
    return fresh_totp_clock(vendor)
