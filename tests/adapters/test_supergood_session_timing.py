"""When the Supergood session auth refreshes its token and when it stops sending it, against
the AutoSoft sandbox on one clock the test moves: a refresh falls due a minute before the
token expires (half its life for short-lived tokens), a token is never sent in its last
second (last tenth, when short), and a refresh keeps the login's user and takes the new
token's lifetime."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from adapters.base import CustomerFilter, DmsAdapter, Window
from adapters.models import Dms
from adapters.supergood.auth import SupergoodSessionAuth
from sandbox.common.errors import ApiError
from tests.adapters.adapter_sandbox_kit import connect, logins
from tests.virtual_clock import InstantClock


@pytest.fixture
def clock() -> InstantClock:
    return InstantClock()


async def read(adapter: DmsAdapter) -> int:
    return len((await adapter.list_customers(None, CustomerFilter(), Window(0, 2))).items)


def refreshes(handle: Any) -> list[int]:
    return [
        e.status
        for e in handle.requests.entries
        if e.method == "POST" and e.path.endswith("/sessions/refresh")
    ]


async def signed_in(
    sandbox: Any, session: aiohttp.ClientSession, clock: InstantClock, ttl: int
) -> tuple[DmsAdapter, Any, float]:
    sb = await sandbox(vendors=("autosoft",), clock=clock, scale=0.1, token_ttl_seconds=ttl)
    handle = sb.vendors["autosoft"]
    adapter = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared())
    start = clock.now
    assert await read(adapter) == 2
    assert logins(handle) == 1
    return adapter, handle, start


def refresh_down(*args: Any, **kwargs: Any) -> Any:
    raise ApiError(503, "service_unavailable", "Service temporarily unavailable")


@pytest.mark.parametrize(
    ("ttl", "refresh_after", "last_use"),
    [(300, 240.0, 299.0), (20, 10.0, 19.0), (5, 2.5, 4.5)],
    ids=["a minute before", "half its life", "its last tenth"],
)
async def test_a_refresh_falls_due_before_expiry_and_a_token_is_never_sent_at_its_end(
    sandbox: Any,
    session: aiohttp.ClientSession,
    clock: InstantClock,
    ttl: int,
    refresh_after: float,
    last_use: float,
) -> None:
    adapter, handle, start = await signed_in(sandbox, session, clock, ttl)
    clock.now = start + refresh_after - 0.01
    assert await read(adapter) == 2
    assert refreshes(handle) == [], "not due yet"

    handle.state.auth.refresh = refresh_down
    clock.now = start + refresh_after
    assert await read(adapter) == 2
    assert refreshes(handle) == [503], "due: tried, and the token, still valid, served"
    clock.now = start + last_use - 0.01
    assert await read(adapter) == 2
    assert refreshes(handle) == [503, 503]
    assert logins(handle) == 1

    clock.now = start + last_use
    assert await read(adapter) == 2
    assert refreshes(handle) == [503, 503], "too late to refresh: a new login instead"
    assert logins(handle) == 2


async def test_a_refresh_keeps_the_logins_user_and_takes_the_new_tokens_lifetime(
    sandbox: Any, session: aiohttp.ClientSession, clock: InstantClock
) -> None:
    adapter, handle, start = await signed_in(sandbox, session, clock, 300)
    auth = adapter._api.http.auth  # type: ignore[attr-defined]
    assert isinstance(auth, SupergoodSessionAuth) and auth.session is not None
    user = (auth.session.user_id, auth.session.user_name, auth.session.entitlements)
    assert user[0] is not None
    first_token = auth.session.token.get_secret_value()

    refresh = handle.state.auth.refresh

    def refresh_for_40_s(authorization: str | None, **_: Any) -> Any:
        return refresh(authorization, ttl_seconds=40)

    handle.state.auth.refresh = refresh_for_40_s
    clock.now = start + 240.0
    assert await read(adapter) == 2
    assert refreshes(handle) == [200]
    refreshed = auth.session
    assert refreshed is not None
    assert refreshed.token.get_secret_value() != first_token
    assert (refreshed.user_id, refreshed.user_name, refreshed.entitlements) == user
    assert refreshed.expires_in == 40.0

    # The new token's own schedule: due 20 s on (half of its 40 s), not a minute before 300.
    clock.now = start + 240.0 + 19.99
    assert await read(adapter) == 2
    assert refreshes(handle) == [200]
    clock.now = start + 240.0 + 20.0
    assert await read(adapter) == 2
    assert refreshes(handle) == [200, 200]
    assert logins(handle) == 1


async def test_a_refused_refresh_signs_in_again_and_says_so(
    sandbox: Any,
    session: aiohttp.ClientSession,
    clock: InstantClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapter, handle, start = await signed_in(sandbox, session, clock, 300)
    auth = adapter._api.http.auth  # type: ignore[attr-defined]
    token = auth.session.token.get_secret_value()
    assert token in list(auth.sensitive_values()), "the token is scrubbed from errors too"

    def refresh_refused(*args: Any, **kwargs: Any) -> Any:
        raise ApiError(401, "invalid_token", "Unknown or revoked auth token")

    handle.state.auth.refresh = refresh_refused
    clock.now = start + 240.0
    with caplog.at_level(logging.INFO, logger="adapters.supergood.auth"):
        assert await read(adapter) == 2
    assert refreshes(handle) == [401]
    assert logins(handle) == 2
    assert "autosoft: session refresh refused; logging in again" in [
        r.getMessage() for r in caplog.records
    ]
