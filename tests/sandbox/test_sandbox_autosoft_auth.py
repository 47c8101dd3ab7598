"""AutoSoft sessions: Basic client, password, TOTP (skew, replay), expiry, refresh, 401/403."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from tests.sandbox.helpers import (
    FakeClock,
    autosoft_login,
    basic,
    bearer,
    call,
    check_entitlements,
    client_basic,
    fresh_totp_clock,
    login_as,
    login_body,
    post_session,
    totp_at,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
TTL = 120


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sandbox() -> AsyncIterator[RunningSandbox]:
    sb = await start_sandbox(
        SandboxOptions(token_ttl_seconds=TTL, scale=0.1), vendors=("autosoft",)
    )
    yield sb
    await sb.stop()


@pytest.fixture
def vendor(sandbox: RunningSandbox) -> VendorHandle:
    return sandbox.vendors["autosoft"]


@pytest.fixture
def clock(vendor: VendorHandle) -> FakeClock:
    """A fresh TOTP step per test, so one test's codes never count as another's replay."""
    return fresh_totp_clock(vendor)


async def test_login_returns_token_user_and_entitlements(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await autosoft_login(http, vendor, at=clock.now)
    assert status == 200
    assert body["expiresIn"] == TTL
    assert body["authToken"].startswith("eyJ")
    assert body["user"]["id"].startswith("u_")
    assert body["user"]["entitlements"] == [
        "vehicles",
        "leads",
        "deals",
        "service",
        "parts",
        "accounting",
    ]
    status, listed, _ = await call(
        http,
        "GET",
        vendor.base_url + "/users/" + body["user"]["id"],
        headers=bearer(body["authToken"]),
    )
    assert status == 200 and listed["role"] == "manager"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer abc", "Basic !!!notbase64", "Basic " + "Y2xpZW50", "wrong-secret"],
)
async def test_bad_basic_client_is_invalid_client(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock, authorization: str | None
) -> None:
    if authorization == "wrong-secret":
        authorization = basic(vendor.credentials["client_id"], "not-the-secret")
    status, body = await post_session(http, vendor, authorization, login_body(vendor, "000000"))
    assert status == 401
    assert body["error"]["code"] == "invalid_client"
    assert set(body) == {"error"} and body["error"]["message"]


async def test_wrong_password_and_unknown_user(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    code = totp_at(vendor.credentials["totp_secret"], clock.now)
    for changes in ({"password": "nope"}, {"username": "nobody@example.com"}):
        status, body = await post_session(
            http, vendor, client_basic(vendor), login_body(vendor, code, **changes)
        )
        assert (status, body["error"]["code"]) == (401, "invalid_credentials")
    # The code was not consumed by the failed attempts.
    status, _ = await post_session(http, vendor, client_basic(vendor), login_body(vendor, code))
    assert status == 200


async def test_missing_mfa_and_malformed_bodies(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    body = login_body(vendor, "0")
    del body["mfa"]
    status, answer = await post_session(http, vendor, client_basic(vendor), body)
    assert (status, answer["error"]["code"]) == (401, "mfa_required")
    cases = [
        ({"mfa": {"type": "sms", "code": "123456"}}, "mfa.type"),
        ({"mfa": {"type": "totp", "code": 123456}}, "mfa.code"),
        ({"mfa": "123456"}, "mfa"),
        ({"username": ""}, "username"),
    ]
    for changes, field in cases:
        status, answer = await post_session(
            http, vendor, client_basic(vendor), login_body(vendor, "123456", **changes)
        )
        assert status == 400, answer
        assert answer["error"]["code"] == "invalid_parameter"
        assert answer["error"]["details"][0]["field"] == field
    status, answer = await post_session(http, vendor, client_basic(vendor), ["not", "an", "object"])
    assert (status, answer["error"]["code"]) == (400, "invalid_parameter")


async def test_wrong_and_replayed_totp(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    secret = vendor.credentials["totp_secret"]
    code = totp_at(secret, clock.now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    status, body = await post_session(http, vendor, client_basic(vendor), login_body(vendor, wrong))
    assert (status, body["error"]["code"]) == (401, "invalid_mfa_code")
    status, _ = await post_session(http, vendor, client_basic(vendor), login_body(vendor, code))
    assert status == 200
    status, body = await post_session(http, vendor, client_basic(vendor), login_body(vendor, code))
    assert (status, body["error"]["code"]) == (401, "mfa_code_reused")


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-30, True), (30, True), (-60, False), (60, False)]
)
async def test_totp_clock_skew(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock, offset: int, accepted: bool
) -> None:
    status, body = await autosoft_login(http, vendor, at=clock.now + offset)
    if accepted:
        assert status == 200, body
    else:
        assert (status, body["error"]["code"]) == (401, "invalid_mfa_code")


async def test_token_expires_after_ttl(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    _, body = await autosoft_login(http, vendor, at=clock.now)
    token = body["authToken"]
    status, _, _ = await call(http, "GET", vendor.base_url + "/users", headers=bearer(token))
    assert status == 200
    clock.advance(TTL - 1)
    status, _, _ = await call(http, "GET", vendor.base_url + "/users", headers=bearer(token))
    assert status == 200
    clock.advance(1)
    status, answer, headers = await call(
        http, "GET", vendor.base_url + "/users", headers=bearer(token)
    )
    assert (status, answer["error"]["code"]) == (401, "token_expired")
    assert headers["WWW-Authenticate"] == "Bearer"
    status, answer, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(token)
    )
    assert (status, answer["error"]["code"]) == (401, "token_expired")


async def test_token_really_expires_on_the_wall_clock(http: aiohttp.ClientSession) -> None:
    async with await start_sandbox(
        SandboxOptions(token_ttl_seconds=1, scale=0.05), vendors=("autosoft",)
    ) as sb:
        vendor = sb.vendors["autosoft"]
        status, body = await autosoft_login(http, vendor, at=time.time())
        assert status == 200 and body["expiresIn"] == 1
        await asyncio.sleep(1.05)
        status, answer, _ = await call(
            http, "GET", vendor.base_url + "/users", headers=bearer(body["authToken"])
        )
        assert (status, answer["error"]["code"]) == (401, "token_expired")


async def test_refresh_issues_a_new_token_and_revokes_the_old(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    _, body = await autosoft_login(http, vendor, at=clock.now)
    old = body["authToken"]
    clock.advance(TTL - 10)
    status, fresh, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(old)
    )
    assert status == 200 and set(fresh) == {"authToken", "expiresIn"}
    assert fresh["expiresIn"] == TTL and fresh["authToken"] != old
    status, answer, _ = await call(http, "GET", vendor.base_url + "/users", headers=bearer(old))
    assert (status, answer["error"]["code"]) == (401, "invalid_token")
    clock.advance(TTL - 10)  # past the old token's life, inside the new one's
    status, _, _ = await call(
        http, "GET", vendor.base_url + "/users", headers=bearer(fresh["authToken"])
    )
    assert status == 200


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}]
)
async def test_requests_without_a_valid_token_are_401(
    http: aiohttp.ClientSession, vendor: VendorHandle, headers: dict[str, str]
) -> None:
    for path in ("/vehicles", "/service/repair-orders", "/no/such/path"):
        status, body, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert (status, body["error"]["code"]) == (401, "invalid_token")


async def test_entitlements_are_enforced(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await login_as(http, vendor, vendor.state.service_user, at=clock.now)
    assert status == 200 and body["user"]["entitlements"] == ["service", "parts"]
    await check_entitlements(
        http,
        vendor,
        body["authToken"],
        {
            "/service/repair-orders": 200,
            "/parts": 200,
            "/customers": 200,
            "/vehicles": 403,
            "/deals": 403,
            "/accounting/payments": 403,
        },
    )
