"""CORS on /graphql: preflights answered for allowed origins, responses readable by them,
nothing for other origins or when no origin is configured."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph.config import ServerConfig
from graph.cors import SANDBOX_CORS_ORIGINS, OriginPolicy
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, Api, start_api

APP = "https://app.example.com"
QUERY = {"query": "{ dealerships { name } }"}


@pytest.fixture(scope="module")
async def cors_api() -> AsyncIterator[Api]:
    server = {"cors_origins": [APP, "https://*.preview.example.com", *SANDBOX_CORS_ORIGINS]}
    async for value in start_api(SandboxOptions(seed=1), vendors=("autosoft",), server=server):
        yield value


def test_patterns() -> None:
    policy = OriginPolicy([APP, "https://*.example.org", "http://localhost:*"])
    assert policy.allows(APP)
    assert policy.allows("HTTPS://APP.EXAMPLE.COM")
    assert policy.allows("https://pr-12.example.org")
    assert policy.allows("http://localhost:5173")
    assert not policy.allows("https://app.example.com.evil.net")
    assert not policy.allows("http://app.example.com")
    assert not policy.allows("https://a.b.example.org")  # * is one label
    assert not policy.allows("https://evil.net/.example.org")
    assert not policy.allows("http://localhost.evil.net:80")
    assert not OriginPolicy([])
    assert OriginPolicy(["*"]).allows("https://anything.test")


def test_config_refuses_paths() -> None:
    with pytest.raises(ValueError, match="not an origin"):
        ServerConfig(cors_origins=["https://app.example.com/path"])


async def test_preflight_for_allowed_origin(cors_api: Api) -> None:
    headers = {
        "Origin": "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    response = await cors_api.http.options(cors_api.url, headers=headers)
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST"
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "content-type", "x-request-id", "traceparent"} <= allowed
    assert "apollographql-client-name" in allowed
    assert "Origin" in response.headers.getall("Vary")


async def test_preflight_for_other_origin_is_not_admitted(cors_api: Api) -> None:
    headers = {"Origin": "https://evil.example.net", "Access-Control-Request-Method": "POST"}
    response = await cors_api.http.options(cors_api.url, headers=headers)
    assert response.status == 405
    assert "Access-Control-Allow-Origin" not in response.headers
    assert (await response.json())["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_response_readable_by_allowed_origin(cors_api: Api) -> None:
    response = await cors_api.http.post(
        cors_api.url,
        json=QUERY,
        headers={
            "Authorization": f"Bearer {FULL_KEY}",
            "Origin": "https://pr-7.preview.example.com",
        },
    )
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://pr-7.preview.example.com"
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers.getall("Vary")
    assert (await response.json())["data"]["dealerships"]


async def test_refusal_readable_by_allowed_origin(cors_api: Api) -> None:
    # A browser app must be able to read why it was refused (a missing or wrong key).
    response = await cors_api.http.post(cors_api.url, json=QUERY, headers={"Origin": APP})
    assert response.status == 401
    assert response.headers["Access-Control-Allow-Origin"] == APP
    body = await response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_other_origin_gets_no_cors_headers(cors_api: Api) -> None:
    response = await cors_api.http.post(
        cors_api.url,
        json=QUERY,
        headers={"Authorization": f"Bearer {FULL_KEY}", "Origin": "https://evil.example.net"},
    )
    assert response.status == 200
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_no_cors_unless_configured(api: Api) -> None:
    response = await api.http.options(
        api.url, headers={"Origin": APP, "Access-Control-Request-Method": "POST"}
    )
    assert response.status == 405
    assert "Access-Control-Allow-Origin" not in response.headers
    response = await api.http.post(
        api.url, json=QUERY, headers={"Authorization": f"Bearer {FULL_KEY}", "Origin": APP}
    )
    assert "Access-Control-Allow-Origin" not in response.headers
