"""Small HTTP helpers for talking to the sandboxes the way a client would."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import pyotp

from adapters.http import dumps, loads
from sandbox import VendorHandle
from tests.guards import each


class FakeClock:
    """Replaces a server's clock so tests move time instead of sleeping."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def basic(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def totp_at(secret: str, at: float) -> str:
    return pyotp.TOTP(secret).at(at)


async def call(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
) -> tuple[int, Any, Mapping[str, str]]:
    async with http.request(method, url, headers=headers, params=params, json=json) as r:
        text = await r.text()
        body = await r.json(content_type=None) if text else None
        return r.status, body, r.headers


async def autosoft_login(
    http: aiohttp.ClientSession,
    handle: VendorHandle,
    *,
    at: float,
    username: str | None = None,
    password: str | None = None,
    secret: str | None = None,
) -> tuple[int, Any]:
    """POST /sessions with a code valid at ``at`` (the server's clock must be near it)."""
    c = handle.credentials
    body = {
        "username": username or c["username"],
        "password": password or c["password"],
        "mfa": {"type": "totp", "code": totp_at(secret or c["totp_secret"], at)},
    }
    status, payload, _ = await call(
        http,
        "POST",
        handle.base_url + "/sessions",
        headers={"Authorization": basic(c["client_id"], c["client_secret"])},
        json=body,
    )
    return status, payload


def assert_distinct(rows: list[dict[str, Any]]) -> None:
    """No row twice: a page overlapping the one before would repeat rows."""
    seen = {json.dumps(row, sort_keys=True, default=str) for row in rows}
    assert len(seen) == len(rows), f"{len(rows) - len(seen)} rows came twice"


async def autosoft_all(
    http: aiohttp.ClientSession, handle: VendorHandle, token: str, path: str, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a filtered AutoSoft list, page by page."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        status, body, _ = await call(
            http,
            "GET",
            handle.base_url + path,
            headers=bearer(token),
            params={**params, "page": page, "pageSize": 100},
        )
        assert status == 200, body
        items += body["items"]
        if page * 100 >= body["total"]:
            assert len(items) == body["total"]
            assert_distinct(items)
            return items
        page += 1


async def autosync_all(
    http: aiohttp.ClientSession, handle: VendorHandle, path: str, **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    headers = bearer(handle.credentials["api_key"])
    while True:
        status, body, _ = await call(
            http,
            "GET",
            handle.base_url + path,
            headers=headers,
            params={**params, "page": page, "per_page": 100},
        )
        assert status == 200, body
        items += body["data"]
        if page * 100 >= body["pagination"]["total"]:
            assert len(items) == body["pagination"]["total"]
            assert_distinct(items)
            return items
        page += 1


async def exact_call(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: Any = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[int, Any, Mapping[str, str]]:
    """A request whose JSON body and answer keep money exact: Decimal is sent as its own
    digits and numbers with a fraction come back as Decimal."""
    data = None if body is None else dumps(body).encode()
    sent = {**headers, "Content-Type": "application/json"}
    async with http.request(method, url, headers=sent, params=params, data=data) as r:
        raw = await r.read()
        return r.status, loads(raw) if raw.strip() else None, r.headers


class SupergoodClient:
    """A signed-in client of one Supergood-family sandbox (AutoSoft, Auto/Mate...)."""

    def __init__(self, http: aiohttp.ClientSession, vendor: VendorHandle, token: str) -> None:
        self.http, self.vendor, self.token = http, vendor, token

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        status, body, _ = await call(
            self.http, "GET", self.vendor.base_url + path, headers=bearer(self.token), params=params
        )
        return status, body

    async def ok(self, path: str, **params: Any) -> Any:
        status, body = await self.get(path, **params)
        assert status == 200, body
        return body

    async def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        return await autosoft_all(self.http, self.vendor, self.token, path, **params)


def assert_invalid_parameter(status: int, body: Any, field: str) -> None:
    """A Supergood-family 400: ``invalid_parameter`` naming exactly the offending field."""
    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["details"] == [{"field": field, "message": body["error"]["message"]}]


SUPERGOOD_VENDORS = ("autosoft", "automate", "dealercenter", "dealertrack")
AUTH_TTL = 120  # seconds a session lives in the auth suites' sandboxes


def fresh_totp_clock(vendor: VendorHandle) -> FakeClock:
    """Move a Supergood-family sandbox's clock to a TOTP step no earlier test spent."""
    auth = vendor.state.auth
    clock = auth.clock if isinstance(auth.clock, FakeClock) else FakeClock(time.time())
    clock.advance(300)
    auth.clock = clock
    return clock


def client_basic(vendor: VendorHandle) -> str:
    return basic(vendor.credentials["client_id"], vendor.credentials["client_secret"])


def login_body(vendor: VendorHandle, code: str, **changes: Any) -> dict[str, Any]:
    c = vendor.credentials
    body: dict[str, Any] = {
        "username": c["username"],
        "password": c["password"],
        "mfa": {"type": "totp", "code": code},
    }
    body.update(changes)
    return body


async def post_session(
    http: aiohttp.ClientSession, vendor: VendorHandle, authorization: str | None, body: Any
) -> tuple[int, Any]:
    headers = {"Authorization": authorization} if authorization else {}
    status, payload, _ = await call(
        http, "POST", vendor.base_url + "/sessions", headers=headers, json=body
    )
    return status, payload


async def login_as(
    http: aiohttp.ClientSession, vendor: VendorHandle, user: Any, *, at: float
) -> tuple[int, Any]:
    """``POST /sessions`` as another of the sandbox's logins (a ``SupergoodUser``)."""
    return await autosoft_login(
        http, vendor, at=at, username=user.username, password=user.password, secret=user.totp_secret
    )


async def check_entitlements(
    http: aiohttp.ClientSession, vendor: VendorHandle, token: str, expected: Mapping[str, int]
) -> None:
    """Each path answers the status expected for this token's entitlements; a refusal is
    ``403 forbidden``."""
    for path, wanted in each(expected.items()):
        status, answer, _ = await call(http, "GET", vendor.base_url + path, headers=bearer(token))
        assert status == wanted, path
        if wanted == 403:
            assert answer["error"]["code"] == "forbidden"


async def signed_in(http: aiohttp.ClientSession, vendor: VendorHandle) -> str:
    """A bearer token for a Supergood-family sandbox's API login, its clock made movable."""
    clock = FakeClock(time.time())
    vendor.state.auth.clock = clock
    status, body = await autosoft_login(http, vendor, at=clock.now)
    assert status == 200, body
    return str(body["authToken"])


class WriteClient:
    """A signed-in client of a Supergood-family sandbox that writes: money goes both ways as
    exact decimals, and a refusal's shape is checked on the way."""

    def __init__(self, http: aiohttp.ClientSession, vendor: VendorHandle, token: str) -> None:
        self.http, self.vendor, self.headers = http, vendor, bearer(token)

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """(status, body, headers) of one request."""
        return await exact_call(
            self.http, method, self.vendor.base_url + path, self.headers, body, params
        )

    async def ok(self, path: str, **params: Any) -> Any:
        status, body, _ = await self.send("GET", path, **params)
        assert status == 200, body
        return body

    async def created(self, path: str, body: dict[str, Any], status: int = 201) -> Any:
        got, answer, _ = await self.send("POST", path, body)
        assert got == status, answer
        return answer

    async def refused(self, method: str, path: str, body: Any) -> list[str]:
        """The fields a 422 names."""
        status, answer, _ = await self.send(method, path, body)
        assert status == 422, answer
        error = answer["error"]
        assert error["code"] == "validation_failed"
        assert error["message"] == error["details"][0]["message"]
        return [d["field"] for d in error["details"]]

    async def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = await self.ok(path, **params, page=len(items) // 100 + 1, pageSize=100)
            items += page["items"]
            if len(items) >= page["total"] or not page["items"]:
                return items
