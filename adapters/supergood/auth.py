"""Supergood session auth: ``POST /sessions`` with Basic client credentials, username,
password and a TOTP code; a bearer token kept until shortly before it expires and renewed
with ``POST /sessions/refresh``. Shared by every Supergood-family DMS (AutoSoft, Auto/Mate,
Dealertrack, DealerCenter)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pyotp
from pydantic import SecretStr

from adapters.auth import AuthStrategy, require_secrets
from adapters.convert import decimal, ident, strings
from adapters.errors import (
    UpstreamAuthFailed,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from adapters.shared import credential_digest

if TYPE_CHECKING:
    from adapters.http import HttpClient

log = logging.getLogger(__name__)

SECRET_KEYS = ("client_id", "client_secret", "username", "password", "totp_secret")
TOTP_STEP = 30
# Refresh this long before expiry (at most; half the lifetime for short-lived tokens), so
# a request never leaves with a token that dies in flight and refresh, which needs a live
# token, still works.
REFRESH_LEAD_MAX = 60.0


@dataclass(frozen=True, slots=True)
class SupergoodCredentials:
    client_id: SecretStr
    client_secret: SecretStr
    username: SecretStr
    password: SecretStr
    totp_secret: SecretStr

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, str], *, dms: str) -> SupergoodCredentials:
        return cls(**require_secrets(secrets, SECRET_KEYS, dms=dms))

    def digest(self) -> str:
        """Names the login (client and user) without revealing it: connections on the same
        login share one session."""
        return credential_digest(
            self.client_id.get_secret_value(), self.username.get_secret_value()
        )

    def basic(self) -> str:
        pair = f"{self.client_id.get_secret_value()}:{self.client_secret.get_secret_value()}"
        return "Basic " + base64.b64encode(pair.encode()).decode()


@dataclass(frozen=True, slots=True)
class Session:
    token: SecretStr
    expires_in: float
    user_id: str | None = None
    user_name: str | None = None
    entitlements: frozenset[str] = frozenset()
    rooftops: tuple[str, ...] = ()
    """The stores the login may read, where the vendor scopes by store (Dealertrack)."""


def parse_session(body: Any) -> Session:
    """The answer of ``POST /sessions`` (or ``/sessions/refresh``, which has no user)."""
    try:
        token, expires_in = body["authToken"], decimal(body["expiresIn"])
        if not isinstance(token, str) or not token or expires_in is None or expires_in <= 0:
            raise ValueError("no usable token")
        user = body.get("user") or {}
        return Session(
            token=SecretStr(token),
            expires_in=float(expires_in),
            user_id=ident(user.get("id")),
            user_name=user.get("name"),
            entitlements=frozenset(strings(user.get("entitlements"))),
            rooftops=strings(user.get("rooftops")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UpstreamProtocolError("session answer carries no usable token") from None


class SupergoodSessionAuth(AuthStrategy):
    def __init__(
        self,
        credentials: SupergoodCredentials,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._creds = credentials
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._session: Session | None = None
        self._refresh_at = 0.0  # monotonic
        self._expires_at = 0.0  # monotonic
        self._last_step: int | None = None

    def __repr__(self) -> str:
        state = "active" if self._session else "none"
        return f"SupergoodSessionAuth(session={state})"

    @property
    def session(self) -> Session | None:
        return self._session

    async def headers(self, http: HttpClient) -> Mapping[str, str]:
        session = self._session
        if session is None or time.monotonic() >= self._refresh_at:
            session = await self._current(http)
        return {"Authorization": f"Bearer {session.token.get_secret_value()}"}

    async def live_session(self, http: HttpClient) -> Session:
        """The session, logging in (or refreshing) first when there is none or it is due."""
        await self.headers(http)
        assert self._session is not None
        return self._session

    async def renew(self, http: HttpClient, rejected: Mapping[str, str]) -> bool:
        async with self._lock:
            if self._session is not None and rejected.get("Authorization") != self._bearer():
                return True  # another request already replaced the token
            # The vendor disowned the token: refresh needs a live one, so log in afresh.
            self._session = None
            await self._login(http)
            return True

    def sensitive_values(self) -> Iterable[str]:
        c = self._creds
        values = [
            c.client_secret.get_secret_value(),
            c.password.get_secret_value(),
            c.totp_secret.get_secret_value(),
            c.basic().removeprefix("Basic "),
        ]
        if self._session is not None:
            values.append(self._session.token.get_secret_value())
        return values

    # --- internals ----------------------------------------------------------------------

    def _bearer(self) -> str | None:
        return f"Bearer {self._session.token.get_secret_value()}" if self._session else None

    async def _current(self, http: HttpClient) -> Session:
        # The lock keeps exactly one login or refresh in flight per connection; whoever
        # waited finds the fresh session and returns it.
        async with self._lock:
            now = time.monotonic()
            if self._session is not None and now < self._refresh_at:
                return self._session
            if self._session is not None and now < self._expires_at:
                try:
                    await self._refresh(http)
                    return self._session
                except UpstreamAuthFailed:
                    log.info("%s: session refresh refused; logging in again", http.vendor)
                except (UpstreamUnavailable, UpstreamRateLimited):
                    if time.monotonic() < self._expires_at:
                        return self._session  # still valid: try refreshing next time
                    raise
            await self._login(http)
            assert self._session is not None
            return self._session

    async def _login(self, http: HttpClient) -> None:
        for attempt in (1, 2):
            body = {
                "username": self._creds.username.get_secret_value(),
                "password": self._creds.password.get_secret_value(),
                "mfa": {"type": "totp", "code": await self._next_code()},
            }
            sent_at = time.monotonic()
            try:
                answer = await http.request(
                    "POST",
                    "/sessions",
                    json_body=body,
                    headers={"Authorization": self._creds.basic()},
                    authenticate=False,
                )
            except UpstreamAuthFailed as exc:
                # Another client of the same user spent this step's code; the next code
                # is a different step.
                if exc.vendor_code == "mfa_code_reused" and attempt == 1:
                    continue
                raise
            self._accept(parse_session(answer), sent_at)
            log.info("%s: logged in", http.vendor)
            return

    async def _refresh(self, http: HttpClient) -> None:
        sent_at = time.monotonic()
        bearer = self._bearer()
        assert bearer is not None
        answer = await http.request(
            "POST", "/sessions/refresh", headers={"Authorization": bearer}, authenticate=False
        )
        refreshed = parse_session(answer)
        if self._session is not None and refreshed.user_id is None:
            # The refresh answer names no user: the session's user is unchanged.
            refreshed = replace(
                self._session, token=refreshed.token, expires_in=refreshed.expires_in
            )
        self._accept(refreshed, sent_at)

    def _accept(self, session: Session, sent_at: float) -> None:
        # Lifetimes count from when the request left: the conservative end.
        lead = min(REFRESH_LEAD_MAX, session.expires_in / 2)
        self._session = session
        self._refresh_at = sent_at + session.expires_in - lead
        self._expires_at = sent_at + session.expires_in - min(1.0, session.expires_in / 10)

    async def _next_code(self) -> str:
        """A TOTP code never sent before by this connection.

        The vendor refuses a code it already accepted and accepts the previous and next
        30 s step. So a second login within one step uses the next step's code, and a third
        waits until that next step becomes the current one.
        """
        now = self._clock()
        current = int(now // TOTP_STEP)
        step = current if self._last_step is None else max(current, self._last_step + 1)
        if step > current + 1:
            await self._sleep((step - 1) * TOTP_STEP - now)
        self._last_step = step
        try:
            return pyotp.TOTP(self._creds.totp_secret.get_secret_value()).at(step * TOTP_STEP)
        except (ValueError, TypeError, binascii.Error):
            raise UpstreamAuthFailed(
                "the configured TOTP secret is unusable (not base32, or too short)"
            ) from None
