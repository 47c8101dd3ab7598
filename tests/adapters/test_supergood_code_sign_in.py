"""Signing in without a TOTP secret, against the AutoSoft sandbox: what a login configured
without the secret it needs is told, what the operator learns (error and log) of a code the
DMS sent, a login whose DMS asks no code at all, and the refusals of the operator's calls."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from adapters.base import CustomerFilter, DmsAdapter, Window
from adapters.errors import (
    MfaCodeExpired,
    MfaNotPending,
    SignInHeld,
    UpstreamAuthFailed,
    UpstreamNeedsMfa,
)
from adapters.models import Dms
from adapters.upstream_scope import UpstreamScope
from sandbox.common.errors import ApiError
from sandbox.supergood.mfa import latest_code
from tests.adapters.adapter_sandbox_kit import connect, logins
from tests.virtual_clock import VirtualClock


async def read(adapter: DmsAdapter) -> int:
    return len((await adapter.list_customers(None, CustomerFilter(), Window(0, 2))).items)


async def autosoft(sandbox: Any) -> Any:
    return (await sandbox(vendors=("autosoft",), scale=0.1)).vendors["autosoft"]


def by_code(session: aiohttp.ClientSession, handle: Any, method: str = "sms") -> DmsAdapter:
    secrets = handle.code_login_credentials(method) | {"totp_secret": ""}
    return connect(Dms.AUTOSOFT, session, handle, **secrets)


async def test_a_totp_login_configured_without_its_secret_is_told_to_configure_it(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    handle = await autosoft(sandbox)
    adapter = connect(Dms.AUTOSOFT, session, handle, totp_secret="")
    with pytest.raises(UpstreamAuthFailed) as refused:
        await read(adapter)
    assert refused.value.message == (
        "autosoft: this login needs TOTP codes; configure the connection's totp_secret"
    )
    assert refused.value.vendor_code == "mfa_required"
    await adapter.close()


async def test_the_operator_learns_from_the_error_and_the_log_where_the_code_went(
    sandbox: Any, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    handle = await autosoft(sandbox)
    adapter = by_code(session, handle)
    with caplog.at_level(logging.WARNING, logger="adapters.supergood.auth"):
        with pytest.raises(UpstreamNeedsMfa) as waiting:
            await read(adapter)
    health = adapter.health()
    assert health.mfa is not None and health.mfa.destination
    to = health.mfa.destination
    assert str(waiting.value) == (
        f"autosoft is waiting for the verification code it sent by sms to {to};"
        " until an operator submits it, this connection answers nothing"
    )
    assert [r.getMessage() for r in caplog.records] == [
        f"autosoft: sign-in waits for the code the DMS sent by sms to {to}"
    ]
    await adapter.close()


async def test_a_login_whose_dms_asks_no_code_signs_in_at_once(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    handle = await autosoft(sandbox)
    auth_state = handle.state.auth
    user = handle.state.mfa_users["sms"]

    def sign_in_at_once(authorization: str | None, body: Any, **_: Any) -> Any:
        return auth_state._open_session(user, None)

    auth_state.login = sign_in_at_once
    adapter = by_code(session, handle)
    with pytest.raises(MfaNotPending) as refused:
        await adapter.request_mfa_code()
    assert str(refused.value) == "autosoft: the DMS signed in without asking for a code"
    assert await read(adapter) == 2
    assert logins(handle) == 1, "the session from that sign-in serves the reads"
    assert adapter.health().mfa is None
    with pytest.raises(MfaNotPending) as signed_in:
        await adapter.request_mfa_code()
    assert str(signed_in.value) == "autosoft: the connection is signed in"
    await adapter.close()


async def test_the_operators_calls_are_refused_where_no_code_is_awaited(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    handle = await autosoft(sandbox)
    totp = connect(Dms.AUTOSOFT, session, handle)
    with pytest.raises(MfaNotPending) as asked:
        await totp.request_mfa_code()
    assert str(asked.value) == "autosoft: this login signs in with TOTP codes alone"
    by_sms = by_code(session, handle)
    with pytest.raises(MfaNotPending) as submitted:
        await by_sms.submit_mfa_code("123456")
    assert str(submitted.value) == "autosoft: the connection is not waiting for a code"
    assert handle.requests.entries == [], "nothing was sent"
    await totp.close()
    await by_sms.close()


# --- the background refresh of a session signed in without TOTP ------------------------


def refreshes(handle: Any) -> list[int]:
    return [
        e.status
        for e in handle.requests.entries
        if e.method == "POST" and e.path.endswith("/sessions/refresh")
    ]


async def kept_session(
    sandbox: Any, session: aiohttp.ClientSession, clock: VirtualClock
) -> tuple[DmsAdapter, Any]:
    """A code login whose DMS signs in at once, tokens of 20 s (refreshed from 10 s on, not
    sent from 19 s on), on one clock with the sandbox; signed in inside a request."""
    handle = (await sandbox(vendors=("autosoft",), scale=0.1, token_ttl_seconds=20)).vendors[
        "autosoft"
    ]
    handle.state.auth.clock = clock
    auth_state, user = handle.state.auth, handle.state.mfa_users["sms"]
    auth_state.login = lambda authorization, body, **_: auth_state._open_session(user, None)
    secrets = handle.code_login_credentials("sms") | {"totp_secret": ""}
    adapter = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared(), **secrets)
    return adapter, handle


def refresh_answering(status: int, code: str) -> Any:
    def refresh(*args: Any, **kwargs: Any) -> Any:
        raise ApiError(status, code, "refused by the test")

    return refresh


async def test_the_background_refresh_is_not_billed_to_the_request_that_signed_in(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    clock = VirtualClock(now=1_800_000_000.0)
    adapter, handle = await kept_session(sandbox, session, clock)
    with UpstreamScope(client="web").opened() as scope:
        assert await read(adapter) == 2
    billed = scope.requests
    assert billed == 2, "the sign-in and the read"
    auth = adapter._api.http.auth  # type: ignore[attr-defined]
    assert repr(auth) == "SupergoodSessionAuth(session=active)"
    await clock.advance(10.0)
    assert refreshes(handle) == [200]
    assert scope.requests == billed
    await adapter.close()


async def test_the_background_refresh_retries_while_the_token_lives_then_stops(
    sandbox: Any, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock(now=1_800_000_000.0)
    adapter, handle = await kept_session(sandbox, session, clock)
    assert await read(adapter) == 2
    handle.state.auth.refresh = refresh_answering(503, "service_unavailable")
    with caplog.at_level(logging.WARNING, logger="adapters.supergood.auth"):
        await clock.advance(10.0)
        assert refreshes(handle) == [503]
        await clock.advance(9.0)  # once a second until 19 s, where the token is no longer sent
        await clock.advance(30.0)
    assert refreshes(handle) == [503] * 9
    assert {r.getMessage() for r in caplog.records} == {
        "autosoft: session refresh failed (UPSTREAM_UNAVAILABLE)"
    }
    assert logins(handle) == 1
    await adapter.close()


async def test_when_the_dms_ends_the_session_the_refresh_stops_and_the_next_call_signs_in(
    sandbox: Any, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock(now=1_800_000_000.0)
    adapter, handle = await kept_session(sandbox, session, clock)
    assert await read(adapter) == 2
    handle.state.auth.refresh = refresh_answering(401, "invalid_token")
    with caplog.at_level(logging.WARNING, logger="adapters.supergood.auth"):
        await clock.advance(10.0)
    assert [r.getMessage() for r in caplog.records] == ["autosoft: the DMS ended the session"]
    auth = adapter._api.http.auth  # type: ignore[attr-defined]
    assert auth.session is None
    await clock.advance(30.0)
    assert refreshes(handle) == [401], "the refresh stopped"
    assert await read(adapter) == 2
    assert logins(handle) == 2
    await adapter.close()


async def test_a_live_session_is_signed_in_for_when_there_is_none(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    handle = await autosoft(sandbox)
    adapter = connect(Dms.AUTOSOFT, session, handle)
    http = adapter._api.http  # type: ignore[attr-defined]
    live = await http.auth.live_session(http)
    assert live is http.auth.session and live.user_id is not None
    assert logins(handle) == 1
    assert await http.auth.live_session(http) is live
    assert logins(handle) == 1
    await adapter.close()


async def test_a_refused_sign_in_holds_the_next_ones_back_saying_for_how_long(
    sandbox: Any, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock(now=1_800_000_000.0)
    handle = await autosoft(sandbox)
    handle.state.auth.clock = clock
    secrets = handle.code_login_credentials("sms") | {"totp_secret": "", "password": "wrong"}
    adapter = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared(), **secrets)
    with caplog.at_level(logging.WARNING, logger="adapters.supergood.auth"):
        with pytest.raises(UpstreamAuthFailed) as refused:
            await read(adapter)
    assert refused.value.vendor_code == "invalid_credentials"
    assert [r.getMessage() for r in caplog.records] == [
        "autosoft: sign-in refused (invalid_credentials)"
    ]
    await clock.advance(15.0)
    with pytest.raises(SignInHeld) as held:
        await read(adapter)
    assert str(held.value) == (
        "autosoft: the DMS refused this login's credentials (invalid_credentials); the next"
        " sign-in is tried in 45 s, or at once after retryDmsConnection"
    )
    assert held.value.vendor_code == "invalid_credentials"
    assert logins(handle) == 1, "nothing sent while held"
    await adapter.close()


async def test_the_operators_code_signs_in_and_an_expired_one_is_named_as_such(
    sandbox: Any, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock(now=1_800_000_000.0)
    handle = await autosoft(sandbox)
    handle.state.auth.clock = clock
    adapter = by_code(session, handle)
    with pytest.raises(UpstreamNeedsMfa):
        await read(adapter)
    with pytest.raises(UpstreamNeedsMfa) as still:  # asked again: the same, nothing sent
        await read(adapter)
    assert str(still.value).startswith("autosoft is waiting for the verification code it sent")
    username = handle.state.mfa_users["sms"].username
    stale = latest_code(handle.state.auth, username)
    assert stale is not None

    clock.now += 301  # the DMS's challenge is over
    with pytest.raises(MfaCodeExpired) as expired:
        await adapter.submit_mfa_code(stale.code)
    assert str(expired.value).endswith("; ask for a new code")
    with pytest.raises(MfaCodeExpired) as again:
        await adapter.submit_mfa_code(stale.code)
    assert str(again.value) == "autosoft: that code has expired; ask for a new one"

    await adapter.request_mfa_code()
    fresh = latest_code(handle.state.auth, username)
    assert fresh is not None and fresh.code
    with caplog.at_level(logging.INFO, logger="adapters.supergood.auth"):
        await adapter.submit_mfa_code(fresh.code)
    assert "autosoft: signed in with the operator's code" in [
        r.getMessage() for r in caplog.records
    ]
    assert await read(adapter) == 2
    await adapter.close()
