"""Documented-only mode: every route a vendor serves, asked of two sandboxes from one seed,
one serving everything and one serving only what the vendor pages document.

Extrapolated routes answer the vendor's own 404 (``not_found``) in documented-only mode and
their usual answer by default; documented routes answer alike in both modes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from yarl import URL

from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from sandbox.autosync.oauth import AUTHORIZE_PATH
from sandbox.common.documented import documented_only_middleware
from sandbox.common.errors import UNKNOWN_PATH
from sandbox.server import VENDOR_FACTORIES
from tests.sandbox.helpers import autosoft_login, bearer, call, fresh_totp_clock

OPTIONS = SandboxOptions(seed=3, scale=0.2, rate_limit_per_minute=100_000)
VENDORS = sorted(VENDOR_FACTORIES)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
SESSIONS = (("POST", "/sessions"), ("POST", "/sessions/refresh"))
SHOP = "/shops/{shop_id}"
# The endpoints each vendor page shows (tests/fixtures/vendor_pages), below the vendor's base.
ON_THE_PAGE: dict[str, set[tuple[str, str]]] = {
    "autosoft": {
        *SESSIONS,
        ("GET", "/vehicles"),
        ("POST", "/leads"),
        ("POST", "/deals"),
        ("GET", "/service/repair-orders"),
    },
    "automate": {
        *SESSIONS,
        ("GET", "/vehicles"),
        ("POST", "/customers"),
        ("POST", "/deals"),
        ("POST", "/service/appointments"),
    },
    "dealertrack": {
        *SESSIONS,
        ("GET", "/inventory/vehicles"),
        ("POST", "/sales/deals"),
        ("PATCH", "/sales/deals/{dealId}"),
        ("GET", "/service/repair-orders"),
        ("POST", "/accounting/journal-entries"),
    },
    "dealercenter": {
        *SESSIONS,
        ("GET", "/inventory/vehicles"),
        ("POST", "/crm/leads"),
        ("POST", "/deals"),
        ("POST", "/bhph/accounts/{accountId}/payments"),
    },
    "autosync": {
        ("GET", "/oauth/authorize"),  # on the web host; the sandbox serves it at its root
        ("POST", "/oauth/token"),
        ("GET", "/shops"),
        ("GET", SHOP),
        *((m, f"{SHOP}/customers") for m in ("GET", "POST")),
        *((m, f"{SHOP}/customers/{{customer_id}}") for m in ("GET", "PUT")),
        *((m, f"{SHOP}/vehicles") for m in ("GET", "POST")),
        ("GET", f"{SHOP}/vehicles/{{vehicle_id}}"),
        *((m, f"{SHOP}/workorders") for m in ("GET", "POST")),
        *((m, f"{SHOP}/workorders/{{workorder_id}}") for m in ("GET", "PUT")),
        *((m, f"{SHOP}/workorders/{{workorder_id}}/jobs") for m in ("GET", "POST")),
        *((m, f"{SHOP}/appointments") for m in ("GET", "POST")),
        ("GET", f"{SHOP}/payments"),
        ("GET", f"{SHOP}/payments/{{payment_id}}"),
        ("GET", f"{SHOP}/inventory"),
        ("PATCH", f"{SHOP}/inventory/{{part_id}}"),
        ("GET", f"{SHOP}/employees"),
    },
}


@dataclass
class Client:
    """A signed-in client of one vendor server; ids it looked up are kept per list path."""

    http: aiohttp.ClientSession
    handle: VendorHandle
    headers: dict[str, str]
    params: dict[str, str]
    ids: dict[str, str | None] = field(default_factory=dict)

    async def send(self, method: str, path: str) -> tuple[int, Any]:
        url = str(URL(self.handle.base_url).origin()) + path
        # An empty object: every documented write refuses it, so nothing is written.
        body = {} if method in WRITE_METHODS else None
        params = self.params if method == "GET" else None
        status, answer, _ = await call(
            self.http, method, url, headers=self.headers, params=params, json=body
        )
        return status, answer

    async def first_id(self, path: str, name: str) -> str | None:
        """An id of the list at ``path``, for the path parameter ``name`` after it; None
        when the list is empty (no journal entry is posted before a test posts one)."""
        if name == "shop_id":
            return str(self.handle.stores[0][0])
        if name == "rooftopId":
            return str(self.params["rooftopId"])
        if path not in self.ids:
            status, answer = await self.send("GET", path)
            assert status == 200, (path, answer)
            rows = answer["data"] if "data" in answer else answer["items"]
            self.ids[path] = str(rows[0].get(name, rows[0].get("id"))) if rows else None
        return self.ids[path]

    async def concrete(self, pattern: str) -> tuple[str, bool]:
        """The pattern with each parameter an id taken from the list before it, and whether
        each such id exists."""
        path, real = "", True
        for part in pattern.strip("/").split("/"):
            if part.startswith("{"):
                found = await self.first_id(path, part[1:-1])
                real = real and found is not None
                part = found or "none"
            path += "/" + part
        return path, real


async def client(http: aiohttp.ClientSession, handle: VendorHandle) -> Client:
    """A client signed in for this test alone: a test that sends ``POST /sessions/refresh``
    retires its token, so no token is shared between tests. Each sign-in is at a TOTP step
    no earlier one spent (the server's clock moves on)."""
    if handle.name == "autosync":
        return Client(http, handle, bearer(handle.credentials["api_key"]), {})
    clock = fresh_totp_clock(handle)
    status, body = await autosoft_login(http, handle, at=clock.now)
    assert status == 200, body
    store = str(handle.stores[0][0])
    params = {"rooftopId": store} if handle.name == "dealertrack" else {}
    return Client(http, handle, bearer(str(body["authToken"])), params)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def full() -> AsyncIterator[RunningSandbox]:
    sandbox = await start_sandbox(OPTIONS)
    yield sandbox
    await sandbox.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def documented() -> AsyncIterator[RunningSandbox]:
    sandbox = await start_sandbox(replace(OPTIONS, documented_only=True))
    yield sandbox
    await sandbox.stop()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("vendor", VENDORS)
async def test_what_documented_only_mode_keeps_is_what_the_vendor_page_shows(
    documented: RunningSandbox, vendor: str
) -> None:
    handle = documented.vendors[vendor]
    base = URL(handle.base_url).path
    kept = handle.routes - handle.extrapolated
    assert {(method, path.removeprefix(base)) for method, path in kept} == ON_THE_PAGE[vendor]


def not_found_code(vendor: str, answer: Any) -> str:
    """The error code in the vendor's own error shape."""
    if vendor == "autosync":
        assert answer["success"] is False and answer["error"]["status"] == 404
    return str(answer["error"]["code"])


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("vendor", VENDORS)
async def test_extrapolated_routes_answer_404_only_in_documented_only_mode(
    http: aiohttp.ClientSession, full: RunningSandbox, documented: RunningSandbox, vendor: str
) -> None:
    everything = await client(http, full.vendors[vendor])
    pages_only = await client(http, documented.vendors[vendor])
    blocked = full.vendors[vendor].extrapolated
    assert blocked, f"{vendor} declares no extrapolated route"
    assert blocked <= full.vendors[vendor].routes
    for method, pattern in sorted(blocked):
        path, real = await everything.concrete(pattern)
        status, answer = await pages_only.send(method, path)
        assert status == 404, (method, path, answer)
        assert not_found_code(vendor, answer) == "not_found"
        assert answer["error"]["message"] == UNKNOWN_PATH
        # By default the same request is served: a read answers, a write judges its body.
        status, answer = await everything.send(method, path)
        if not real:  # nothing to read yet: the route itself says so
            assert status == 404 and answer["error"]["message"] != UNKNOWN_PATH, answer
            continue
        expected = (200,) if method == "GET" else (400, 422)
        assert status in expected, (method, path, status, answer)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("vendor", VENDORS)
async def test_documented_routes_answer_alike_in_both_modes(
    http: aiohttp.ClientSession, full: RunningSandbox, documented: RunningSandbox, vendor: str
) -> None:
    everything = await client(http, full.vendors[vendor])
    pages_only = await client(http, documented.vendors[vendor])
    handle = full.vendors[vendor]
    served = handle.routes - handle.extrapolated
    assert served == documented.vendors[vendor].routes - documented.vendors[vendor].extrapolated
    for method, pattern in sorted(served):
        path, real = await everything.concrete(pattern)
        first, answer = await everything.send(method, path)
        second, other = await pages_only.send(method, path)
        assert first == second, (method, path, answer, other)
        if method == "GET" and real and pattern != AUTHORIZE_PATH:  # that one wants a client
            assert first == 200, (method, path, answer)
            assert answer == other


async def _ok(request: web.Request) -> web.Response:
    return web.Response()


def test_a_declared_route_that_is_not_served_is_refused() -> None:
    app = web.Application()
    app.router.add_get("/v1/things", _ok)
    with pytest.raises(ValueError, match="not routed"):
        documented_only_middleware(
            app, frozenset({("GET", "/v1/thigns")}), lambda err: web.Response()
        )
