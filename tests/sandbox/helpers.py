"""Small HTTP helpers for talking to the sandboxes the way a client would."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import aiohttp
import pyotp

from sandbox import VendorHandle


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
            return items
        page += 1
