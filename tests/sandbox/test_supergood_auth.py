"""Supergood-family sessions, one suite for every vendor on the platform: Basic client,
password, TOTP (skew, replay), expiry, refresh, 401 without a live token.

Each vendor's entitlement names and the endpoints that need them are profile data here;
Dealertrack's rooftops are tested in test_dealertrack_auth.py.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from sandbox.supergood.mfa import SentCode, latest_code, mask_destination
from sandbox.supergood.tenant import mfa_logins
from tests.guards import each
from tests.sandbox.helpers import (
    AUTH_TTL,
    SUPERGOOD_VENDORS,
    FakeClock,
    assert_invalid_parameter,
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
    for path in each(profile.expiry_paths):
        status, _, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert status == 200, path
    clock.advance(TTL - 1)
    for path in each(profile.expiry_paths):
        status, _, _ = await call(http, "GET", vendor.base_url + path, headers=headers)
        assert status == 200, path
    clock.advance(1)
    for path in each(profile.expiry_paths):
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
    for path in each(profile.expiry_paths):
        status, answer, _ = await call(http, "GET", vendor.base_url + path, headers=bearer(old))
        assert (status, answer["error"]["code"]) == (401, "invalid_token"), path
    clock.advance(TTL - 10)  # past the old token's life, inside the new one's
    for path in each(profile.expiry_paths):
        status, _, _ = await call(
            http, "GET", vendor.base_url + path, headers=bearer(fresh["authToken"])
        )
        assert status == 200, path


async def test_token_really_expires_and_refresh_needs_a_live_token(
    http: aiohttp.ClientSession, profile: Profile
) -> None:
    clock = FakeClock(time.time())
    options = SandboxOptions(token_ttl_seconds=1, scale=0.05, clock=clock)
    async with await start_sandbox(options, vendors=(profile.name,)) as sb:
        vendor = sb.vendors[profile.name]
        status, body = await autosoft_login(http, vendor, at=clock.now)
        assert status == 200 and body["expiresIn"] == 1
        status, fresh, _ = await call(
            http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(body["authToken"])
        )
        assert status == 200 and fresh["expiresIn"] == 1
        clock.advance(1.05)
        for path in each(profile.expiry_paths):
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
    for path in each(profile.guarded_paths):
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


# --- MFA by SMS or e-mail (extrapolated): a challenge, then its id and the code sent ---

METHODS = ("sms", "email")
BULLETS = "\u2022\u2022\u2022"
CHALLENGE_ID = re.compile(r"mfc_[0-9a-f]{24}")


@pytest.fixture(params=METHODS)
def method(request: pytest.FixtureRequest) -> str:
    chosen: str = request.param
    return chosen


def mfa_credentials(vendor: VendorHandle, method: str) -> dict[str, str]:
    """The API login's credentials with the MFA user's name and password, no TOTP secret."""
    user = vendor.state.mfa_users[method]
    creds = {k: v for k, v in vendor.credentials.items() if k != "totp_secret"}
    return {**creds, "username": user.username, "password": user.password}


def masked(method: str, destination: str) -> str:
    if method == "sms":
        return f"{BULLETS}-{BULLETS}-{re.sub(r'[^0-9]', '', destination)[-4:]}"
    local, domain = destination.split("@")
    return f"{local[0]}{BULLETS}@{domain}"


async def mfa_post(
    http: aiohttp.ClientSession, vendor: VendorHandle, method: str, mfa: Any = None, **changes: Any
) -> tuple[int, Any, Mapping[str, str]]:
    """``POST /sessions`` as the ``method`` user; ``mfa`` None leaves it out."""
    creds = mfa_credentials(vendor, method)
    body: dict[str, Any] = {"username": creds["username"], "password": creds["password"]}
    if mfa is not None:
        body["mfa"] = mfa
    body.update(changes)
    headers = {"Authorization": basic(creds["client_id"], creds["client_secret"])}
    return await call(http, "POST", vendor.base_url + "/sessions", headers=headers, json=body)


async def challenged(
    http: aiohttp.ClientSession, vendor: VendorHandle, method: str
) -> tuple[str, str]:
    """A fresh challenge for the ``method`` user: its id and the code the outbox got."""
    status, answer, _ = await mfa_post(http, vendor, method)
    assert (status, answer["error"]["code"]) == (401, "mfa_challenge_sent"), answer
    sent = latest_code(vendor.state.auth, vendor.state.mfa_users[method].username)
    assert sent is not None and sent.challenge_id == answer["error"]["challenge"]["id"]
    return sent.challenge_id, sent.code


async def answer(
    http: aiohttp.ClientSession,
    vendor: VendorHandle,
    method: str,
    challenge_id: str,
    code: str,
) -> tuple[int, Any]:
    mfa = {"type": method, "challengeId": challenge_id, "code": code}
    status, body, _ = await mfa_post(http, vendor, method, mfa)
    return status, body


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_login_without_a_code_sends_a_challenge(
    http: aiohttp.ClientSession,
    vendor: VendorHandle,
    profile: Profile,
    clock: FakeClock,
    method: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = vendor.state.mfa_users[method]
    outbox = vendor.state.auth.outbox
    before = len(outbox)
    with caplog.at_level(logging.INFO, logger="sandbox.mfa"):
        status, body, headers = await mfa_post(http, vendor, method)
    assert status == 401 and headers["WWW-Authenticate"] == "Bearer"
    destination = masked(method, user.mfa_destination)
    by = "SMS" if method == "sms" else "e-mail"
    challenge = body["error"]["challenge"]
    assert body == {
        "error": {
            "code": "mfa_challenge_sent",
            "message": f"A verification code was sent by {by} to {destination}",
            "challenge": {
                "id": challenge["id"],
                "type": method,
                "destination": destination,
                "expiresIn": 300,
            },
        }
    }
    assert CHALLENGE_ID.fullmatch(challenge["id"])
    # The outbox (the phone or mailbox) got exactly this one code, unmasked.
    assert len(outbox) == before + 1
    sent = outbox[-1]
    assert sent == SentCode(
        username=user.username,
        method=method,
        destination=user.mfa_destination,
        code=sent.code,
        challenge_id=challenge["id"],
        sent_at=clock.now,
    )
    assert re.fullmatch(r"[0-9]{6}", sent.code)
    assert latest_code(vendor.state.auth, user.username) is sent
    assert [r.getMessage() for r in caplog.records if r.name == "sandbox.mfa"] == [
        f"{profile.name} sandbox: {method} code for {destination} is {sent.code}"
    ]
    # "mfa" without a code asks for one too, and each ask sends one code.
    status, again, _ = await mfa_post(http, vendor, method, {"type": method})
    assert (status, again["error"]["code"]) == (401, "mfa_challenge_sent")
    assert again["error"]["challenge"]["id"] != challenge["id"]
    assert len(outbox) == before + 2
    assert outbox[-1].challenge_id == again["error"]["challenge"]["id"]


async def test_mfa_destinations_and_their_masks(vendor: VendorHandle) -> None:
    sms, email = vendor.state.mfa_users["sms"], vendor.state.mfa_users["email"]
    assert re.fullmatch(r"\+1 555 010 01[0-9]{2}", sms.mfa_destination)
    assert email.mfa_destination == email.username
    assert mask_destination("sms", "+1 555 010 0142") == f"{BULLETS}-{BULLETS}-0142"
    assert mask_destination("email", "jordan@example.com") == f"j{BULLETS}@example.com"


async def test_the_right_code_opens_a_session_that_reads(
    http: aiohttp.ClientSession,
    vendor: VendorHandle,
    profile: Profile,
    clock: FakeClock,
    method: str,
) -> None:
    user, api = vendor.state.mfa_users[method], vendor.state.api_user
    challenge_id, code = await challenged(http, vendor, method)
    clock.advance(60)
    status, body = await answer(http, vendor, method, challenge_id, code)
    assert status == 200, body
    assert list(body) == ["authToken", "expiresIn", "user"] and body["expiresIn"] == TTL
    assert list(body["user"]) == list(profile.user_keys)
    assert body["user"]["id"] == user.user_id and body["user"]["name"] == user.name
    assert body["user"]["entitlements"] == list(profile.entitlements)
    if profile.scoped:  # the same rooftops as the group login
        assert body["user"]["rooftops"] == list(api.extra["rooftops"])
    for path in profile.expiry_paths:
        status, page, _ = await call(
            http, "GET", vendor.base_url + path, headers=bearer(body["authToken"])
        )
        assert status == 200 and page["total"] > 0, path
    status, fresh, _ = await call(
        http, "POST", vendor.base_url + "/sessions/refresh", headers=bearer(body["authToken"])
    )
    assert status == 200 and fresh["authToken"] != body["authToken"]


async def test_wrong_codes_count_down_and_the_fifth_burns_the_challenge(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    challenge_id, code = await challenged(http, vendor, "sms")
    for left in (4, 3, 2, 1):
        status, body = await answer(http, vendor, "sms", challenge_id, other_code(code))
        assert_error(status, body, 401, "invalid_mfa_code")
        noun = "attempt" if left == 1 else "attempts"
        assert f"{left} {noun} left" in body["error"]["message"]
    status, body = await answer(http, vendor, "sms", challenge_id, other_code(code))
    assert_error(status, body, 401, "mfa_challenge_expired")
    assert "request a new code" in body["error"]["message"]
    # Burned: not even the right code opens it now.
    status, body = await answer(http, vendor, "sms", challenge_id, code)
    assert_error(status, body, 401, "mfa_challenge_expired")
    challenge_id, code = await challenged(http, vendor, "sms")
    status, body = await answer(http, vendor, "sms", challenge_id, code)
    assert status == 200, body


async def test_a_challenge_expires_after_300_seconds(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    challenge_id, code = await challenged(http, vendor, "sms")
    clock.advance(300)
    status, body = await answer(http, vendor, "sms", challenge_id, code)
    assert_error(status, body, 401, "mfa_challenge_expired")
    challenge_id, code = await challenged(http, vendor, "sms")
    clock.advance(299)
    status, body = await answer(http, vendor, "sms", challenge_id, code)
    assert status == 200, body


async def test_a_new_challenge_supersedes_the_old(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    old_id, old_code = await challenged(http, vendor, "sms")
    new_id, new_code = await challenged(http, vendor, "sms")
    for code in (old_code, new_code):
        status, body = await answer(http, vendor, "sms", old_id, code)
        assert_error(status, body, 401, "mfa_challenge_invalid")
    status, body = await answer(http, vendor, "sms", new_id, new_code)
    assert status == 200, body


async def test_a_challenge_opens_one_session_only(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    challenge_id, code = await challenged(http, vendor, "email")
    status, _ = await answer(http, vendor, "email", challenge_id, code)
    assert status == 200
    status, body = await answer(http, vendor, "email", challenge_id, code)
    assert_error(status, body, 401, "mfa_challenge_invalid")
    status, body = await answer(http, vendor, "email", "mfc_" + "0" * 24, code)
    assert_error(status, body, 401, "mfa_challenge_invalid")
    # A challenge is its own user's: the e-mail user cannot answer the SMS user's.
    sms_id, sms_code = await challenged(http, vendor, "sms")
    status, body = await answer(http, vendor, "email", sms_id, sms_code)
    assert_error(status, body, 401, "mfa_challenge_invalid")
    status, _ = await answer(http, vendor, "sms", sms_id, sms_code)
    assert status == 200


async def test_malformed_mfa_is_400_and_costs_no_attempt(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    challenge_id, code = await challenged(http, vendor, "sms")
    cases: list[tuple[Any, str]] = [
        ({"type": "totp", "challengeId": challenge_id, "code": code}, "mfa.type"),
        ({"type": "email", "challengeId": challenge_id, "code": code}, "mfa.type"),
        ({"challengeId": challenge_id, "code": code}, "mfa.type"),
        ({"type": "email"}, "mfa.type"),  # asking for a code by the wrong method
        ({"type": "sms", "code": code}, "mfa.challengeId"),
        ({"type": "sms", "challengeId": " ", "code": code}, "mfa.challengeId"),
        ({"type": "sms", "challengeId": challenge_id, "code": 123456}, "mfa.code"),
        ("123456", "mfa"),
    ]
    before = len(vendor.state.auth.outbox)
    for mfa, name in cases:
        status, body, _ = await mfa_post(http, vendor, "sms", mfa)
        assert_invalid_parameter(status, body, name)
        if name == "mfa.type":
            assert "'sms'" in body["error"]["message"]
    assert len(vendor.state.auth.outbox) == before  # none of them sent a code
    # Six refusals, none of them a wrong code: the challenge still opens.
    status, body = await answer(http, vendor, "sms", challenge_id, code)
    assert status == 200, body


async def test_client_and_password_are_checked_before_a_code_is_sent(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock, method: str
) -> None:
    creds = mfa_credentials(vendor, method)
    before = len(vendor.state.auth.outbox)
    for authorization in (None, basic(creds["client_id"], "not-the-secret")):
        status, body = await post_session(
            http, vendor, authorization, {"username": creds["username"], "password": "x"}
        )
        assert_error(status, body, 401, "invalid_client")
    status, body, _ = await mfa_post(http, vendor, method, password="not-the-password")
    assert_error(status, body, 401, "invalid_credentials")
    assert len(vendor.state.auth.outbox) == before


async def test_totp_login_is_unchanged_beside_mfa_users(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    api = vendor.state.api_user
    assert api.mfa_method == "totp" and api.mfa_destination is None
    assert vendor.credentials == {
        "client_id": vendor.state.auth.client_id,
        "client_secret": vendor.state.auth.client_secret,
        "username": api.username,
        "password": api.password,
        "totp_secret": api.totp_secret,
    }
    before = len(vendor.state.auth.outbox)
    body = login_body(vendor, totp_at(api.totp_secret, clock.now))
    del body["mfa"]
    status, answer_ = await post_session(http, vendor, client_basic(vendor), body)
    assert_error(status, answer_, 401, "mfa_required")
    for kind in METHODS:
        mfa = {"type": kind, "challengeId": "mfc_" + "0" * 24, "code": "123456"}
        status, answer_ = await post_session(
            http, vendor, client_basic(vendor), login_body(vendor, "123456", mfa=mfa)
        )
        assert_invalid_parameter(status, answer_, "mfa.type")
    assert len(vendor.state.auth.outbox) == before  # a TOTP user is never sent a code
    status, answer_ = await autosoft_login(http, vendor, at=clock.now)
    assert status == 200, answer_


BUILDERS = {name: f"sandbox.{name}.state" for name in SUPERGOOD_VENDORS}


@pytest.mark.parametrize("name", SUPERGOOD_VENDORS)
async def test_mfa_users_are_seeded_and_hold_the_api_logins_rights(name: str) -> None:
    build = importlib.import_module(BUILDERS[name]).build_state
    state, same, other = (
        build(SandboxOptions(scale=0.05)),
        build(SandboxOptions(scale=0.05)),
        build(SandboxOptions(seed=7, scale=0.05)),
    )
    assert set(state.mfa_users) == set(METHODS)
    logins = {u.username for u in state.auth.users.values()}
    assert len(logins) == len(state.auth.users) == 4  # API, limited, SMS, e-mail
    for kind, user in state.mfa_users.items():
        assert (user.mfa_method, user.totp_secret) == (kind, "")
        assert user.entitlements == state.api_user.entitlements
        assert user.extra == state.api_user.extra  # Dealertrack: every rooftop
        assert state.auth.users[user.username] is user
        twin = same.mfa_users[kind]
        assert (twin.username, twin.password, twin.mfa_destination) == (
            user.username,
            user.password,
            user.mfa_destination,
        )
        assert other.mfa_users[kind].password != user.password
    assert state.mfa_users["sms"].password != state.mfa_users["email"].password


async def test_mfa_users_are_made_up_when_the_store_has_too_few_staff() -> None:
    state = importlib.import_module(BUILDERS["autosoft"]).build_state(SandboxOptions(scale=0.05))
    manager = next(e for e in state.world.employees if e.email == state.api_user.username)
    few = dataclasses.replace(state.world, employees=[manager])
    users = mfa_logins(0, "autosoft", few, lambda n: f"u_{n}", state.api_user, [state.api_user])
    again = mfa_logins(0, "autosoft", few, lambda n: f"u_{n}", state.api_user, [state.api_user])
    assert users == again
    # No employee record behind them: their ids come after the store's last one.
    assert [u.user_id for u in users.values()] == [f"u_{manager.id + 1}", f"u_{manager.id + 2}"]
    for kind, user in users.items():
        assert user.username.startswith(f"{kind}.")
        assert user.username.endswith("@" + state.world.store.email_domain)
        assert user.entitlements == state.api_user.entitlements
