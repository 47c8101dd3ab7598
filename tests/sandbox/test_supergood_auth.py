"""Supergood-family sessions, one suite for every vendor on the platform: Basic client,
password, TOTP (skew, replay), expiry, refresh, 401 without a live token.

Each vendor's entitlement names and the endpoints that need them are profile data here;
Dealertrack's rooftops are tested in test_dealertrack_auth.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from tests.sandbox.helpers import (
    AUTH_TTL,
    FakeClock,
    autosoft_login,
    basic,
    bearer,
    call,
    check_entitlements,
    client_basic,
    login_as,
    login_body,
    post_session,
    totp_at,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
TTL = AUTH_TTL


@dataclass(frozen=True)
class Profile:
    """What one Supergood-family vendor answers where the platform leaves room."""

    name: str
    user_keys: tuple[str, ...]
    entitlements: tuple[str, ...]
    expiry_paths: tuple[str, ...]  # reads that show whether a token still lives
    guarded_paths: tuple[str, ...]  # reads refused without a live token
    me: Mapping[str, Any] = field(default_factory=dict)  # the API login's own user record
    scoped: bool = False  # reads name one of the login's rooftops
    # A login with fewer entitlements: its name in the vendor's state, what it holds, and
    # the status each read answers it.
    limited_user: str = ""
    limited_entitlements: tuple[str, ...] = ()
    limits: Callable[[VendorHandle], Mapping[str, int]] = lambda _: {}


UNSCOPED_GUARDED = ("/vehicles", "/service/repair-orders", "/no/such/path")
PROFILES = [
    Profile(
        name="autosoft",
        user_keys=("id", "name", "entitlements"),
        entitlements=("vehicles", "leads", "deals", "service", "parts", "accounting"),
        expiry_paths=("/users",),
        guarded_paths=UNSCOPED_GUARDED,
        limited_user="service_user",
        limited_entitlements=("service", "parts"),
        limits=lambda _: {
            "/service/repair-orders": 200,
            "/parts": 200,
            "/customers": 200,
            "/vehicles": 403,
            "/deals": 403,
            "/accounting/payments": 403,
        },
    ),
    Profile(
        name="automate",
        user_keys=("id", "name", "entitlements"),
        entitlements=("inventory", "sales", "service", "accounting"),
        expiry_paths=("/users", "/vehicles"),
        guarded_paths=UNSCOPED_GUARDED,
        me={"isActive": True},
        limited_user="service_user",
        limited_entitlements=("service",),
        limits=lambda _: {
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
    ),
    Profile(
        name="dealercenter",
        user_keys=("id", "name", "entitlements"),
        entitlements=("inventory", "crm", "deals", "bhph"),
        expiry_paths=("/users", "/inventory/vehicles"),
        guarded_paths=UNSCOPED_GUARDED,
        me={"active": True},
        limited_user="collections_user",
        limited_entitlements=("bhph",),
        limits=lambda vendor: {
            "/bhph/accounts": 200,
            f"/bhph/accounts/{vendor.state.accounts.ordered()[0]['accountId']}/payments": 200,
            "/bhph/payments": 200,
            "/users": 200,
            "/inventory/vehicles": 403,
            "/inventory/lots": 403,
            "/crm/customers": 403,
            "/crm/leads": 403,
            "/deals": 403,
        },
    ),
    Profile(
        name="dealertrack",
        user_keys=("id", "name", "rooftops", "entitlements"),  # the page's order
        entitlements=("inventory", "sales", "service", "accounting"),
        expiry_paths=("/rooftops",),
        guarded_paths=(
            "/rooftops",
            "/inventory/vehicles",
            "/customers",
            "/sales/deals",
            "/service/repair-orders",
            "/service/appointments",
            "/parts",
            "/users",
        ),
        scoped=True,  # its limited login is tested with its rooftops
    ),
]
UNSCOPED = [p for p in PROFILES if not p.scoped]


@pytest.fixture(params=PROFILES, ids=lambda p: p.name)
def profile(request: pytest.FixtureRequest) -> Profile:
    chosen: Profile = request.param
    return chosen


@pytest.fixture
def vendor(auth_sandbox: RunningSandbox, profile: Profile) -> VendorHandle:
    return auth_sandbox.vendors[profile.name]


def assert_error(status: int, answer: Any, expected_status: int, code: str) -> None:
    """A Supergood-family error: the status, the code, and nothing but the error object."""
    assert (status, answer["error"]["code"]) == (expected_status, code), answer
    assert set(answer) == {"error"} and answer["error"]["message"]


async def test_login_returns_token_user_and_entitlements(
    http: aiohttp.ClientSession, vendor: VendorHandle, profile: Profile, clock: FakeClock
) -> None:
    status, body = await autosoft_login(http, vendor, at=clock.now)
    assert status == 200
    assert list(body) == ["authToken", "expiresIn", "user"]
    assert body["expiresIn"] == TTL and body["authToken"].startswith("eyJ")
    user = body["user"]
    assert list(user) == list(profile.user_keys)
    assert user["id"].startswith("u_")
    assert user["name"] == "General Manager"
    assert user["entitlements"] == list(profile.entitlements)
    params = {"rooftopId": user["rooftops"][0]} if profile.scoped else {}
    status, me, _ = await call(
        http,
        "GET",
        vendor.base_url + "/users/" + user["id"],
        headers=bearer(body["authToken"]),
        params=params,
    )
    assert status == 200 and me["role"] == "manager"
    for name, value in {**profile.me, **params}.items():
        assert me[name] == value, name


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer abc", "Basic !!!notbase64", "Basic " + "Y2xpZW50", "wrong-secret"],
)
async def test_bad_basic_client_is_invalid_client(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock, authorization: str | None
) -> None:
    if authorization == "wrong-secret":
        authorization = basic(vendor.credentials["client_id"], "not-the-secret")
    # Refused before the code is looked at: a wrong one and a good one alike.
    for code in ("000000", totp_at(vendor.credentials["totp_secret"], clock.now)):
        status, body = await post_session(http, vendor, authorization, login_body(vendor, code))
        assert_error(status, body, 401, "invalid_client")


async def test_wrong_password_and_unknown_user(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    code = totp_at(vendor.credentials["totp_secret"], clock.now)
    for changes in ({"password": "nope"}, {"username": "nobody@example.com"}):
        status, body = await post_session(
            http, vendor, client_basic(vendor), login_body(vendor, code, **changes)
        )
        assert_error(status, body, 401, "invalid_credentials")
    # The code was not consumed by the failed attempts.
    status, _ = await post_session(http, vendor, client_basic(vendor), login_body(vendor, code))
    assert status == 200


async def test_missing_mfa_and_malformed_bodies(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    body = login_body(vendor, totp_at(vendor.credentials["totp_secret"], clock.now))
    del body["mfa"]
    status, answer = await post_session(http, vendor, client_basic(vendor), body)
    assert_error(status, answer, 401, "mfa_required")
    cases = [
        ({"mfa": {"type": "sms", "code": "123456"}}, "mfa.type"),
        ({"mfa": {"type": "totp", "code": 123456}}, "mfa.code"),
        ({"mfa": "123456"}, "mfa"),
        ({"username": ""}, "username"),
    ]
    for changes, name in cases:
        status, answer = await post_session(
            http, vendor, client_basic(vendor), login_body(vendor, "123456", **changes)
        )
        assert_error(status, answer, 400, "invalid_parameter")
        assert answer["error"]["details"][0]["field"] == name
    status, answer = await post_session(http, vendor, client_basic(vendor), ["not", "an", "object"])
    assert (status, answer["error"]["code"]) == (400, "invalid_parameter")


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


async def test_replayed_code_is_refused_even_after_a_refresh(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    code_at = clock.now
    status, body = await autosoft_login(http, vendor, at=code_at)
    assert status == 200
    status, _, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(body["authToken"])
    )
    assert status == 200
    status, answer = await autosoft_login(http, vendor, at=code_at)
    assert (status, answer["error"]["code"]) == (401, "mfa_code_reused")


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
    http: aiohttp.ClientSession, vendor: VendorHandle, profile: Profile, clock: FakeClock
) -> None:
    _, body = await autosoft_login(http, vendor, at=clock.now)
    headers = bearer(body["authToken"])
    for path in profile.expiry_paths:
        status, _, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert status == 200, path
    clock.advance(TTL - 1)
    for path in profile.expiry_paths:
        status, _, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert status == 200, path
    clock.advance(1)
    for path in profile.expiry_paths:
        status, answer, got = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert (status, answer["error"]["code"]) == (401, "token_expired"), path
        assert got["WWW-Authenticate"] == "Bearer"
    status, answer, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=headers
    )
    assert (status, answer["error"]["code"]) == (401, "token_expired")


async def test_refresh_issues_a_new_token_and_revokes_the_old(
    http: aiohttp.ClientSession, vendor: VendorHandle, profile: Profile, clock: FakeClock
) -> None:
    _, body = await autosoft_login(http, vendor, at=clock.now)
    old = body["authToken"]
    clock.advance(TTL - 10)
    status, fresh, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(old)
    )
    assert status == 200 and set(fresh) == {"authToken", "expiresIn"}
    assert fresh["expiresIn"] == TTL and fresh["authToken"] != old
    for path in profile.expiry_paths:
        status, answer, _ = await call(http, "GET", vendor.base_url + path, headers=bearer(old))
        assert (status, answer["error"]["code"]) == (401, "invalid_token"), path
    clock.advance(TTL - 10)  # past the old token's life, inside the new one's
    for path in profile.expiry_paths:
        status, _, _ = await call(
            http, "GET", vendor.base_url + path, headers=bearer(fresh["authToken"])
        )
        assert status == 200, path


async def test_token_really_expires_and_refresh_needs_a_live_token(
    http: aiohttp.ClientSession, profile: Profile
) -> None:
    options = SandboxOptions(token_ttl_seconds=1, scale=0.05)
    async with await start_sandbox(options, vendors=(profile.name,)) as sb:
        vendor = sb.vendors[profile.name]
        status, body = await autosoft_login(http, vendor, at=time.time())
        assert status == 200 and body["expiresIn"] == 1
        status, fresh, _ = await call(
            http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(body["authToken"])
        )
        assert status == 200 and fresh["expiresIn"] == 1
        await asyncio.sleep(1.05)
        for path in profile.expiry_paths:
            for token in (body["authToken"], fresh["authToken"]):
                status, answer, _ = await call(
                    http, "GET", vendor.base_url + path, headers=bearer(token)
                )
                assert status == 401, path
            assert answer["error"]["code"] == "token_expired"
        status, answer, _ = await call(
            http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(fresh["authToken"])
        )
        assert (status, answer["error"]["code"]) == (401, "token_expired")


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}]
)
async def test_requests_without_a_valid_token_are_401(
    http: aiohttp.ClientSession, vendor: VendorHandle, profile: Profile, headers: dict[str, str]
) -> None:
    for path in profile.guarded_paths:
        status, body, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert (status, body["error"]["code"]) == (401, "invalid_token"), path


@pytest.mark.parametrize("profile", UNSCOPED, ids=lambda p: p.name, indirect=True)
async def test_entitlements_are_enforced(
    http: aiohttp.ClientSession, vendor: VendorHandle, profile: Profile, clock: FakeClock
) -> None:
    user = getattr(vendor.state, profile.limited_user)
    status, body = await login_as(http, vendor, user, at=clock.now)
    assert status == 200 and body["user"]["entitlements"] == list(profile.limited_entitlements)
    await check_entitlements(http, vendor, body["authToken"], profile.limits(vendor))
