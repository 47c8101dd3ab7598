"""Signing in without a TOTP secret, against the AutoSoft sandbox: what a login configured
without the secret it needs is told, what the operator learns (error and log) of a code the
DMS sent, a login whose DMS asks no code at all, and the refusals of the operator's calls."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from adapters.base import CustomerFilter, DmsAdapter, Window
from adapters.errors import MfaNotPending, UpstreamAuthFailed, UpstreamNeedsMfa
from adapters.models import Dms
from tests.adapters.adapter_sandbox_kit import connect, logins


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
