"""Dealertrack sessions and scope: the rooftops a login holds (400 without one, 403 outside),
kept across a refresh. The platform's session rules run for Dealertrack in
test_supergood_auth.py."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from sandbox import RunningSandbox, VendorHandle
from tests.sandbox.helpers import AUTH_TTL, FakeClock, autosoft_login, bearer, call, login_as

pytestmark = pytest.mark.asyncio(loop_scope="module")
TTL = AUTH_TTL
SCOPED = (
    "/inventory/vehicles",
    "/customers",
    "/sales/deals",
    "/service/repair-orders",
    "/service/appointments",
    "/parts",
    "/users",
)


@pytest.fixture
def vendor(auth_sandbox: RunningSandbox) -> VendorHandle:
    return auth_sandbox.vendors["dealertrack"]


async def _token(http: aiohttp.ClientSession, vendor: VendorHandle, at: float, **who: Any) -> str:
    status, body = await autosoft_login(http, vendor, at=at, **who)
    assert status == 200, body
    return str(body["authToken"])


async def test_login_holds_the_groups_rooftops(
    http: aiohttp.ClientSession, vendor: VendorHandle, clock: FakeClock
) -> None:
    status, body = await autosoft_login(http, vendor, at=clock.now)
    assert status == 200
    rooftops = body["user"]["rooftops"]
    assert rooftops == [store_id for store_id, _ in vendor.stores]
    assert len(rooftops) == 2 and all(r.startswith("rt_") for r in rooftops)


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
