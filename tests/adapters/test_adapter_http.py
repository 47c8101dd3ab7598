"""The shared HTTP machinery against small local servers on real sockets: status mapping,
retries, rate limits, timeouts, the concurrency bound, replay after 401, exact decimals."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from decimal import Decimal

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from adapters.auth import AuthStrategy, BearerKeyAuth
from adapters.errors import (
    UpstreamAuthFailed,
    UpstreamOutcomeUnknown,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from adapters.http import HttpClient, HttpPolicy, rate_limit_wait
from adapters.response_cache import NO_CACHE
from tests.virtual_clock import InstantClock

ServeApp = Callable[[web.Application], Awaitable[str]]
FAST = HttpPolicy(
    cache_ttls=NO_CACHE,
    backoff_base=0.01,
    backoff_max=0.02,
    read_timeout=0.3,
    max_rate_limit_wait=1.0,
)
KEY = "sk_live_supersecretkey123"


def app_with(
    handler: web.RequestHandler, path: str = "/thing", method: str = "*"
) -> web.Application:
    app = web.Application()
    app.router.add_route(method, path, handler)
    return app


class Counter:
    def __init__(self) -> None:
        self.calls = 0


async def client_for(
    session: aiohttp.ClientSession,
    serve: ServeApp,
    app: web.Application,
    policy: HttpPolicy = FAST,
    auth: AuthStrategy | None = None,
    clock: InstantClock | None = None,
) -> HttpClient:
    """``clock``: what the client's backoff and rate-limit waits sleep on (they return at
    once, and ``clock.slept`` lists them)."""
    return HttpClient(
        session,
        await serve(app),
        vendor="acme",
        policy=policy,
        auth=auth,
        clock=clock,
        sleep=clock.sleep if clock is not None else None,
    )


async def test_json_floats_are_exact_decimals(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text='{"price": 0.1, "big": 12345678901234567890.10, "n": 3}')

    http = await client_for(session, serve, app_with(handler))
    body = await http.get("/thing")
    assert body["price"] == Decimal("0.1") and str(body["big"]) == "12345678901234567890.10"
    assert body["n"] == 3 and isinstance(body["n"], int)


async def test_invalid_json_is_a_protocol_error(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>")

    http = await client_for(session, serve, app_with(handler))
    with pytest.raises(UpstreamProtocolError):
        await http.get("/thing")


async def test_read_retried_after_5xx_then_succeeds(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    seen = Counter()

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        if seen.calls < 3:
            return web.json_response({"error": {"code": "internal_error"}}, status=503)
        return web.json_response({"ok": True})

    http = await client_for(session, serve, app_with(handler))
    assert await http.get("/thing") == {"ok": True}
    assert seen.calls == 3


async def test_read_gives_up_after_bounded_retries(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    seen = Counter()

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        return web.json_response(
            {"error": {"code": "internal_error", "message": "boom"}}, status=500
        )

    http = await client_for(session, serve, app_with(handler))
    with pytest.raises(UpstreamUnavailable) as err:
        await http.get("/thing")
    assert seen.calls == FAST.max_retries + 1
    assert "500" in str(err.value) and "internal_error" in str(err.value)


async def test_write_is_never_retried(session: aiohttp.ClientSession, serve: ServeApp) -> None:
    seen = Counter()

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        return web.json_response({}, status=502)

    http = await client_for(session, serve, app_with(handler))
    # A 5xx after a write may follow a commit: the outcome is unknown, not "unavailable".
    with pytest.raises(UpstreamOutcomeUnknown) as err:
        await http.request("POST", "/thing", json_body={"password": "hunter22"})
    assert seen.calls == 1
    assert "hunter22" not in str(err.value)


async def test_read_timeout_is_retried_with_backoff_then_unavailable(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    seen = Counter()
    answer = asyncio.Event()  # never set while the client waits: every attempt times out

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        await answer.wait()
        return web.json_response({})

    clock = InstantClock()
    policy = replace(FAST, read_timeout=0.05)
    http = await client_for(session, serve, app_with(handler), policy=policy, clock=clock)
    try:
        with pytest.raises(UpstreamUnavailable, match="timed out"):
            await http.get("/thing")
    finally:
        answer.set()
    assert seen.calls == FAST.max_retries + 1
    # One backoff before each retry, each within the policy's bounds.
    assert len(clock.slept) == FAST.max_retries
    assert all(FAST.backoff_base / 2 <= s <= FAST.backoff_max for s in clock.slept)


async def test_connection_refused_is_unavailable(session: aiohttp.ClientSession) -> None:
    http = HttpClient(session, "http://127.0.0.1:9", vendor="acme", policy=FAST)
    with pytest.raises(UpstreamUnavailable, match="acme GET /thing"):
        await http.get("/thing")


async def test_404_is_none_for_detail_reads_and_rejected_otherwise(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "not_found", "message": "no such"}}, status=404)

    http = await client_for(session, serve, app_with(handler))
    assert await http.get("/thing", not_found_ok=True) is None
    with pytest.raises(UpstreamRejected) as err:
        await http.get("/thing")
    assert (err.value.status, err.value.vendor_code) == (404, "not_found")


async def test_4xx_carries_vendor_code_and_message_never_secrets(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    async def handler(request: web.Request) -> web.Response:
        # A vendor that echoes the credential back in its message.
        return web.json_response(
            {"error": {"code": "invalid_parameter", "message": f"bad key {KEY} for pageSize"}},
            status=400,
        )

    http = await client_for(session, serve, app_with(handler), auth=BearerKeyAuth(SecretStr(KEY)))
    with pytest.raises(UpstreamRejected) as err:
        await http.request("POST", "/thing", params={"q": "x"}, json_body={"password": "hunter22"})
    text = str(err.value)
    assert err.value.status == 400 and err.value.vendor_code == "invalid_parameter"
    assert "for pageSize" in text
    assert KEY not in text and "hunter22" not in text and "q=x" not in text
    assert err.value.__cause__ is None


async def test_429_short_retry_after_is_waited_out(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    seen = Counter()

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        if seen.calls == 1:
            return web.json_response({}, status=429, headers={"Retry-After": "0.3"})
        return web.json_response({"ok": 1})

    clock = InstantClock()
    http = await client_for(session, serve, app_with(handler), clock=clock)
    assert await http.get("/thing") == {"ok": 1}
    assert seen.calls == 2
    # The pause asked for, plus at most 50 ms of jitter, before the one resend.
    assert len(clock.slept) == 1 and 0.3 <= clock.slept[0] <= 0.35


async def test_429_reset_header_is_waited_out(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    seen = Counter()

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        if seen.calls == 1:
            reset = f"{time.time() + 0.8:.3f}"  # Unix seconds: the window reopens then
            return web.json_response({}, status=429, headers={"X-RateLimit-Reset": reset})
        return web.json_response({"ok": 1})

    clock = InstantClock()
    http = await client_for(session, serve, app_with(handler), clock=clock)
    assert await http.get("/thing") == {"ok": 1}
    assert seen.calls == 2
    assert len(clock.slept) == 1 and 0 < clock.slept[0] <= 0.85  # until the reset, no longer


async def test_429_long_wait_fails_fast(session: aiohttp.ClientSession, serve: ServeApp) -> None:
    seen = Counter()

    async def handler(request: web.Request) -> web.Response:
        seen.calls += 1
        return web.json_response(
            {"error": {"code": "rate_limited"}}, status=429, headers={"Retry-After": "60"}
        )

    clock = InstantClock()
    http = await client_for(session, serve, app_with(handler), clock=clock)
    with pytest.raises(UpstreamRateLimited) as err:
        await http.get("/thing")
    assert err.value.retry_after == 60
    assert seen.calls == 1 and clock.slept == []  # failed at once, nothing waited


def test_rate_limit_wait_parsing() -> None:
    now = 1_710_432_000.0
    assert rate_limit_wait({"Retry-After": "7"}, now) == 7
    assert rate_limit_wait({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, now) == 0
    assert rate_limit_wait({"X-RateLimit-Reset": str(int(now) + 12)}, now) == 12
    assert rate_limit_wait({"X-RateLimit-Reset": "3"}, now) == 3
    assert rate_limit_wait({}, now) is None


async def test_concurrency_is_bounded_per_connection(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    in_flight = peak = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return web.json_response({})

    policy = HttpPolicy(max_concurrency=3, cache_ttls=NO_CACHE)
    http = await client_for(session, serve, app_with(handler), policy=policy)
    await asyncio.gather(*(http.get("/thing") for _ in range(12)))
    assert peak == 3


class RotatingAuth(AuthStrategy):
    """Hands out token N; renewing moves to N+1, as a re-login would."""

    def __init__(self, renewable: bool = True) -> None:
        self.token = 1
        self.renewals = 0
        self.renewable = renewable

    async def headers(self, http: HttpClient) -> Mapping[str, str]:
        return {"Authorization": f"Bearer tok-{self.token}"}

    async def renew(self, http: HttpClient, rejected: Mapping[str, str]) -> bool:
        self.renewals += 1
        self.token += 1
        return self.renewable


async def test_401_renews_once_and_replays(session: aiohttp.ClientSession, serve: ServeApp) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.headers["Authorization"] == "Bearer tok-1":
            return web.json_response({"error": {"code": "token_expired"}}, status=401)
        return web.json_response({"who": request.headers["Authorization"]})

    auth = RotatingAuth()
    http = await client_for(session, serve, app_with(handler), auth=auth)
    assert await http.get("/thing") == {"who": "Bearer tok-2"}
    assert auth.renewals == 1


async def test_401_after_renewal_is_auth_failure(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "invalid_token"}}, status=401)

    auth = RotatingAuth()
    http = await client_for(session, serve, app_with(handler), auth=auth)
    with pytest.raises(UpstreamAuthFailed) as err:
        await http.get("/thing")
    assert auth.renewals == 1 and err.value.vendor_code == "invalid_token"
    assert "tok-" not in str(err.value)


async def test_logs_carry_no_credentials(
    session: aiohttp.ClientSession, serve: ServeApp, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "boom"}}, status=503)

    http = await client_for(session, serve, app_with(handler), auth=BearerKeyAuth(SecretStr(KEY)))
    with caplog.at_level(logging.DEBUG, logger="adapters"), pytest.raises(UpstreamUnavailable):
        await http.get("/thing", {"search": "x"})
    assert caplog.records, "expected request logs"
    assert KEY not in caplog.text
    assert KEY not in repr(http)
