"""Dealertrack sessions and scope: Basic client, password, TOTP (skew, replay), expiry,
refresh, entitlements, and the rooftops a login holds (400 without one, 403 outside)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

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
    client_basic,
    fresh_totp_clock,
    login_as,
    login_body,
    post_session,
    totp_at,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
TTL = 120
SCOPED = (
    "/inventory/vehicles",
    "/customers",
    "/sales/deals",
    "/service/repair-orders",
    "/service/appointments",
    "/parts",
    "/users",
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sandbox() -> AsyncIterator[RunningSandbox]:
    sb = await start_sandbox(
        SandboxOptions(token_ttl_seconds=TTL, scale=0.1), vendors=("dealertrack",)
    )
    yield sb
    await sb.stop()


@pytest.fixture
def vendor(sandbox: RunningSandbox) -> VendorHandle:
    return sandbox.vendors["dealertrack"]


@pytest.fixture
def clock(vendor: VendorHandle) -> FakeClock:
    """A fresh TOTP step per test, so one test's codes never count as another's replay."""
    return fresh_totp_clock(vendor)


async def _token(http: aiohttp.ClientSession, vendor: VendorHandle, at: float, **who: Any) -> str:
    status, body = await autosoft_login(http, vendor, at=at, **who)
    assert status == 200, body
    return str(body["authToken"])


async def test_login_names_the_user_rooftops_and_entitlements(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await autosoft_login(http, vendor, at=clock.now)
    assert status == 200 and list(body) == ["authToken", "expiresIn", "user"]
    assert body["expiresIn"] == TTL and body["authToken"].startswith("eyJ")
    user = body["user"]
    assert list(user) == ["id", "name", "rooftops", "entitlements"]  # the page's order
    assert user["name"] == "General Manager"
    assert user["rooftops"] == [store_id for store_id, _ in vendor.stores]
    assert len(user["rooftops"]) == 2 and all(r.startswith("rt_") for r in user["rooftops"])
    assert user["entitlements"] == ["inventory", "sales", "service", "accounting"]
    rooftop = user["rooftops"][0]
    status, me, _ = await call(
        http,
        "GET",
        f"{vendor.base_url}/users/{user['id']}",
        headers=bearer(body["authToken"]),
        params={"rooftopId": rooftop},
    )
    assert status == 200 and me["role"] == "manager" and me["rooftopId"] == rooftop


@pytest.mark.parametrize(
    ("authorization", "changes", "status", "code"),
    [
        (None, {}, 401, "invalid_client"),
        ("Basic !!!notbase64", {}, 401, "invalid_client"),
        ("wrong-secret", {}, 401, "invalid_client"),
        ("client", {"password": "nope"}, 401, "invalid_credentials"),
        ("client", {"username": "nobody@example.com"}, 401, "invalid_credentials"),
        ("client", {"mfa": None}, 401, "mfa_required"),
        ("client", {"mfa": {"type": "sms", "code": "123456"}}, 400, "invalid_parameter"),
        ("client", {"mfa": {"type": "totp", "code": 123456}}, 400, "invalid_parameter"),
    ],
)
async def test_login_failures(
    http: aiohttp.ClientSession,
    vendor: VendorHandle,
    clock: FakeClock,
    authorization: str | None,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    if authorization == "client":
        authorization = client_basic(vendor)
    elif authorization == "wrong-secret":
        authorization = basic(vendor.credentials["client_id"], "not-the-secret")
    body = login_body(vendor, totp_at(vendor.credentials["totp_secret"], clock.now), **changes)
    if changes.get("mfa", ...) is None:
        del body["mfa"]
    got, answer = await post_session(http, vendor, authorization, body)
    assert (got, answer["error"]["code"]) == (status, code)
    assert set(answer) == {"error"} and answer["error"]["message"]


async def test_wrong_and_replayed_totp(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    code = totp_at(vendor.credentials["totp_secret"], clock.now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    status, body = await post_session(http, vendor, client_basic(vendor), login_body(vendor, wrong))
    assert (status, body["error"]["code"]) == (401, "invalid_mfa_code")
    status, _ = await post_session(http, vendor, client_basic(vendor), login_body(vendor, code))
    assert status == 200
    status, body = await post_session(http, vendor, client_basic(vendor), login_body(vendor, code))
    assert (status, body["error"]["code"]) == (401, "mfa_code_reused")


@pytest.mark.parametrize(("offset", "accepted"), [(-30, True), (30, True), (-60, False)])
async def test_totp_clock_skew_is_one_step(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock, offset: int, accepted: bool
) -> None:
    status, body = await autosoft_login(http, vendor, at=clock.now + offset)
    assert status == 200 if accepted else body["error"]["code"] == "invalid_mfa_code"


async def test_expiry_and_refresh(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    token = await _token(http, vendor, clock.now)
    rooftops = vendor.base_url + "/rooftops"
    clock.advance(TTL - 10)
    status, fresh, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(token)
    )
    assert status == 200 and set(fresh) == {"authToken", "expiresIn"}
    status, answer, _ = await call(http, "GET", rooftops, headers=bearer(token))
    assert (status, answer["error"]["code"]) == (401, "invalid_token")  # revoked by refresh
    clock.advance(TTL - 1)
    status, listed, _ = await call(http, "GET", rooftops, headers=bearer(fresh["authToken"]))
    assert status == 200 and listed["total"] == 2  # the refreshed session keeps its rooftops
    clock.advance(1)
    status, answer, headers = await call(http, "GET", rooftops, headers=bearer(fresh["authToken"]))
    assert (status, answer["error"]["code"]) == (401, "token_expired")
    assert headers["WWW-Authenticate"] == "Bearer"


async def test_tiny_token_lifetime_expires_on_the_wall_clock(http: aiohttp.ClientSession) -> None:
    options = SandboxOptions(token_ttl_seconds=1, scale=0.05)
    async with await start_sandbox(options, vendors=("dealertrack",)) as sb:
        vendor = sb.vendors["dealertrack"]
        token = await _token(http, vendor, time.time())
        await asyncio.sleep(1.05)
        status, answer, _ = await call(
            http, "GET", vendor.base_url + "/rooftops", headers=bearer(token)
        )
        assert (status, answer["error"]["code"]) == (401, "token_expired")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}])
async def test_reads_need_a_token(
    http: aiohttp.ClientSession, vendor: VendorHandle, headers: dict[str, str]
) -> None:
    for path in ("/rooftops", *SCOPED):
        status, body, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert (status, body["error"]["code"]) == (401, "invalid_token"), path


async def test_every_read_needs_a_rooftop_the_user_holds(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    headers = bearer(await _token(http, vendor, clock.now))
    for path in SCOPED:
        status, body, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert status == 400, path
        assert body["error"]["details"] == [
            {"field": "rooftopId", "message": "'rooftopId' is required"}
        ]
        for foreign in ("rt_9999", ""):
            status, body, _ = await call(
                http,
                "GET",
                vendor.base_url + path,
                headers=headers,
                params={"rooftopId": foreign, "status": "not-a-status"},
            )
            # The scope is checked before any other parameter.
            assert status == (403 if foreign else 400), (path, foreign)
    status, body, _ = await call(
        http, "GET", vendor.base_url + "/rooftops/rt_9999", headers=headers
    )
    assert (status, body["error"]["code"]) == (403, "forbidden")


async def test_a_one_rooftop_service_login(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await login_as(http, vendor, vendor.state.service_user, at=clock.now)
    assert status == 200 and body["user"]["entitlements"] == ["service"]
    home, other = (store_id for store_id, _ in vendor.stores)
    assert body["user"]["rooftops"] == [home]
    headers = bearer(body["authToken"])
    for path, rooftop, expected in [
        ("/service/repair-orders", home, 200),
        ("/parts", home, 200),
        ("/customers", home, 200),
        ("/service/repair-orders", other, 403),  # the group has it; this login does not
        ("/inventory/vehicles", home, 403),  # no inventory entitlement
        ("/sales/deals", home, 403),
    ]:
        status, answer, _ = await call(
            http, "GET", vendor.base_url + path, headers=headers, params={"rooftopId": rooftop}
        )
        assert status == expected, (path, rooftop)
        if expected == 403:
            assert answer["error"]["code"] == "forbidden"
    status, listed, _ = await call(http, "GET", vendor.base_url + "/rooftops", headers=headers)
    assert [r["rooftopId"] for r in listed["items"]] == [home]
