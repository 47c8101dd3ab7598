"""Logins whose MFA is a code sent by SMS or e-mail, over HTTP against the four Supergood
sandboxes: the connection waits for an operator instead of texting somebody again and again,
takes the code, and keeps its session alive afterwards."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from adapters.base import DmsAdapter, VehicleFilter, Window
from adapters.errors import MfaCodeExpired, MfaCodeRejected, MfaNotPending, UpstreamNeedsMfa
from adapters.health import ConnectionState, MfaMethod
from adapters.http import HttpPolicy
from adapters.models import Dms
from adapters.registry import build_adapter
from adapters.response_cache import NO_CACHE
from sandbox import RunningSandbox, VendorHandle
from sandbox.supergood.mfa import SentCode, latest_code
from tests.adapters.adapter_sandbox_kit import logins
from tests.virtual_clock import VirtualClock

StartSandbox = Callable[..., Awaitable[RunningSandbox]]
VENDORS = {
    "autosoft": Dms.AUTOSOFT,
    "automate": Dms.AUTOMATE,
    "dealertrack": Dms.DEALERTRACK,
    "dealercenter": Dms.DEALERCENTER,
}


class Clock:
    """The sandbox's clock, moved by the test (challenges expire after 300 s)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def sent(handle: VendorHandle, method: str) -> list[SentCode]:
    username = handle.state.mfa_users[method].username
    return [s for s in handle.state.auth.outbox if s.username == username]


def newest_code(handle: VendorHandle, method: str) -> str:
    found = latest_code(handle.state.auth, handle.state.mfa_users[method].username)
    assert found is not None
    return found.code


async def read(adapter: DmsAdapter, handle: VendorHandle) -> list[Any]:
    store = handle.stores[0][0]
    return (await adapter.list_vehicles(store, VehicleFilter(), Window(0, 3))).items


@pytest.fixture(params=sorted(VENDORS))
def vendor_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


async def connect_by_code(
    sandbox: StartSandbox,
    session: aiohttp.ClientSession,
    name: str,
    method: str = "sms",
    clock: VirtualClock | None = None,
    **options: Any,
) -> tuple[DmsAdapter, VendorHandle, Clock | VirtualClock]:
    """``clock``: one the adapter's session runs on too (else only the sandbox's moves)."""
    sb = await sandbox(vendors=(name,), **options)
    handle = sb.vendors[name]
    sandbox_clock = clock or Clock()
    handle.state.auth.clock = sandbox_clock
    adapter = build_adapter(
        VENDORS[name],
        http=session,
        base_url=handle.base_url,
        secrets=handle.code_login_credentials(method),
        policy=HttpPolicy(backoff_base=0.01, backoff_max=0.02, cache_ttls=NO_CACHE),
        shared=clock.shared() if clock is not None else None,
    )
    return adapter, handle, sandbox_clock


async def test_one_challenge_then_fail_fast_until_the_code_comes(
    sandbox: StartSandbox, session: aiohttp.ClientSession, vendor_name: str
) -> None:
    adapter, handle, _ = await connect_by_code(sandbox, session, vendor_name)
    assert adapter.health().state is ConnectionState.UNKNOWN

    # A cold start under concurrent demand asks the DMS for one code, not fifty.
    results = await asyncio.gather(
        *(read(adapter, handle) for _ in range(50)), return_exceptions=True
    )
    assert all(isinstance(r, UpstreamNeedsMfa) for r in results)
    assert len(sent(handle, "sms")) == 1 and logins(handle) == 1
    health = adapter.health()
    assert health.state is ConnectionState.NEEDS_MFA
    assert health.mfa is not None and health.mfa.method is MfaMethod.SMS
    phone = sent(handle, "sms")[0].destination
    assert health.mfa.destination and health.mfa.destination.endswith(phone[-4:])
    assert phone not in health.mfa.destination  # the DMS masked it; so do we
    assert health.mfa.expires_at is not None

    # Waiting for the operator sends nothing more, whatever the demand.
    with pytest.raises(UpstreamNeedsMfa, match="sms"):
        await read(adapter, handle)
    assert len(handle.requests.entries) == 1

    with pytest.raises(MfaCodeRejected, match="attempts"):
        await adapter.submit_mfa_code("000000" if newest_code(handle, "sms") != "000000" else "1")
    assert adapter.health().state is ConnectionState.NEEDS_MFA

    await adapter.submit_mfa_code(newest_code(handle, "sms"))
    assert len(await read(adapter, handle)) == 3
    health = adapter.health()
    assert health.state is ConnectionState.OK and health.mfa is None
    assert len(sent(handle, "sms")) == 1
    with pytest.raises(MfaNotPending):
        await adapter.submit_mfa_code(newest_code(handle, "sms"))
    with pytest.raises(MfaNotPending, match="signed in"):
        await adapter.request_mfa_code()
    await adapter.close()


async def test_an_expired_code_needs_a_new_one(
    sandbox: StartSandbox, session: aiohttp.ClientSession
) -> None:
    adapter, handle, clock = await connect_by_code(sandbox, session, "autosoft", "email")
    with pytest.raises(UpstreamNeedsMfa, match="email"):
        await read(adapter, handle)
    stale = newest_code(handle, "email")

    clock.now += 301
    with pytest.raises(MfaCodeExpired):
        await adapter.submit_mfa_code(stale)
    health = adapter.health()
    assert health.state is ConnectionState.NEEDS_MFA
    assert health.mfa is not None and health.mfa.expires_at is None
    with pytest.raises(MfaCodeExpired):  # refused here: the DMS said the challenge is over
        await adapter.submit_mfa_code(stale)
    assert len(sent(handle, "email")) == 1

    challenge = await adapter.request_mfa_code()
    assert challenge.method is MfaMethod.EMAIL and challenge.expires_at is not None
    assert len(sent(handle, "email")) == 2
    await adapter.submit_mfa_code(newest_code(handle, "email"))
    assert len(await read(adapter, handle)) == 3
    await adapter.close()


async def test_the_session_is_kept_alive_without_traffic(
    sandbox: StartSandbox, session: aiohttp.ClientSession
) -> None:
    # Tokens live 3 s on a clock the sandbox and the adapter's session share.
    clock = VirtualClock()
    adapter, handle, _ = await connect_by_code(
        sandbox, session, "dealercenter", token_ttl_seconds=3, clock=clock
    )
    with pytest.raises(UpstreamNeedsMfa):
        await read(adapter, handle)
    await adapter.submit_mfa_code(newest_code(handle, "sms"))

    await clock.advance(4.5)  # idle for longer than one token's life
    assert handle.requests.count(method="POST", path_contains="/sessions/refresh") >= 2
    assert len(await read(adapter, handle)) == 3
    assert len(sent(handle, "sms")) == 1 and logins(handle) == 2  # no new sign-in
    await adapter.close()


async def test_a_revoked_session_asks_for_one_new_code(
    sandbox: StartSandbox, session: aiohttp.ClientSession
) -> None:
    adapter, handle, _ = await connect_by_code(sandbox, session, "automate")
    with pytest.raises(UpstreamNeedsMfa):
        await read(adapter, handle)
    await adapter.submit_mfa_code(newest_code(handle, "sms"))
    assert len(await read(adapter, handle)) == 3

    handle.state.auth.tokens.revoke_all()
    results = await asyncio.gather(
        *(read(adapter, handle) for _ in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, UpstreamNeedsMfa) for r in results)
    assert len(sent(handle, "sms")) == 2  # one new code for the lost session, not ten
    await adapter.close()


async def test_codes_apply_only_where_a_person_signs_in(
    sandbox: StartSandbox, session: aiohttp.ClientSession
) -> None:
    sb = await sandbox(vendors=("autosoft", "autosync"))
    for name, dms in (("autosoft", Dms.AUTOSOFT), ("autosync", Dms.AUTOSYNC)):
        handle = sb.vendors[name]
        adapter = build_adapter(
            dms, http=session, base_url=handle.base_url, secrets=handle.credentials
        )
        with pytest.raises(MfaNotPending):
            await adapter.request_mfa_code()
        with pytest.raises(MfaNotPending):
            await adapter.submit_mfa_code("123456")
        await adapter.close()
