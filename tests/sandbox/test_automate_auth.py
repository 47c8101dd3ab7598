"""Auto/Mate sessions: Basic client, password, TOTP (skew, replay), expiry, refresh, 401/403.

The session rules are the Supergood platform's, so the AutoSoft session suite runs here
unchanged against the Auto/Mate sandbox (its fixtures below point it there); what differs
per vendor (entitlement names and which endpoints need them) is tested after it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from tests.sandbox import test_sandbox_autosoft_auth as supergood_suite
from tests.sandbox.helpers import FakeClock, bearer, call, check_entitlements, login_as
from tests.sandbox.helpers import autosoft_login as login

pytestmark = pytest.mark.asyncio(loop_scope="module")
TTL = supergood_suite.TTL
clock = supergood_suite.clock

test_bad_basic_client_is_invalid_client = supergood_suite.test_bad_basic_client_is_invalid_client
test_wrong_password_and_unknown_user = supergood_suite.test_wrong_password_and_unknown_user
test_missing_mfa_and_malformed_bodies = supergood_suite.test_missing_mfa_and_malformed_bodies
test_wrong_and_replayed_totp = supergood_suite.test_wrong_and_replayed_totp
test_totp_clock_skew = supergood_suite.test_totp_clock_skew
test_token_expires_after_ttl = supergood_suite.test_token_expires_after_ttl
test_refresh_issues_a_new_token_and_revokes_the_old = (
    supergood_suite.test_refresh_issues_a_new_token_and_revokes_the_old
)
test_requests_without_a_valid_token_are_401 = (
    supergood_suite.test_requests_without_a_valid_token_are_401
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sandbox() -> AsyncIterator[RunningSandbox]:
    sb = await start_sandbox(
        SandboxOptions(token_ttl_seconds=TTL, scale=0.1), vendors=("automate",)
    )
    yield sb
    await sb.stop()


@pytest.fixture
def vendor(sandbox: RunningSandbox) -> VendorHandle:
    return sandbox.vendors["automate"]


async def test_login_answers_as_the_page_shows(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await login(http, vendor, at=clock.now)
    assert status == 200
    assert list(body) == ["authToken", "expiresIn", "user"]
    assert body["expiresIn"] == TTL and body["authToken"].startswith("eyJ")
    assert list(body["user"]) == ["id", "name", "entitlements"]
    assert body["user"]["name"] == "General Manager"
    assert body["user"]["entitlements"] == ["inventory", "sales", "service", "accounting"]
    status, me, _ = await call(
        http,
        "GET",
        vendor.base_url + "/users/" + body["user"]["id"],
        headers=bearer(body["authToken"]),
    )
    assert status == 200 and me["role"] == "manager" and me["isActive"] is True


async def test_replayed_code_is_refused_even_after_a_refresh(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    code_at = clock.now
    status, body = await login(http, vendor, at=code_at)
    assert status == 200
    status, _, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(body["authToken"])
    )
    assert status == 200
    status, answer = await login(http, vendor, at=code_at)
    assert (status, answer["error"]["code"]) == (401, "mfa_code_reused")


async def test_token_really_expires_and_refresh_needs_a_live_token(
    http: aiohttp.ClientSession,
) -> None:
    async with await start_sandbox(
        SandboxOptions(token_ttl_seconds=1, scale=0.05), vendors=("automate",)
    ) as sb:
        vendor = sb.vendors["automate"]
        status, body = await login(http, vendor, at=time.time())
        assert status == 200 and body["expiresIn"] == 1
        status, fresh, _ = await call(
            http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(body["authToken"])
        )
        assert status == 200 and fresh["expiresIn"] == 1
        await asyncio.sleep(1.05)
        for token in (body["authToken"], fresh["authToken"]):
            status, answer, _ = await call(
                http, "GET", vendor.base_url + "/vehicles", headers=bearer(token)
            )
            assert status == 401
        assert answer["error"]["code"] == "token_expired"
        status, answer, _ = await call(
            http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(fresh["authToken"])
        )
        assert (status, answer["error"]["code"]) == (401, "token_expired")


async def test_entitlements_are_enforced(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await login_as(http, vendor, vendor.state.service_user, at=clock.now)
    assert status == 200 and body["user"]["entitlements"] == ["service"]
    await check_entitlements(
        http,
        vendor,
        body["authToken"],
        {
            "/service/repair-orders": 200,
            "/service/appointments": 200,
            "/parts": 200,  # parts are fixed operations
            "/customers": 200,
            "/users": 200,
            "/vehicles": 403,
            "/deals": 403,
            "/accounting/receivables": 403,
            "/accounting/receipts": 403,
        },
    )
