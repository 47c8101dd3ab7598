"""Supergood session auth: ``POST /sessions`` with Basic client credentials, username,
password and a TOTP code; a bearer token kept until shortly before it expires and renewed
with ``POST /sessions/refresh``. Shared by every Supergood-family DMS (AutoSoft, Auto/Mate,
Dealertrack, DealerCenter).

A login whose MFA is an SMS or e-mail code (a connection configured without a TOTP secret)
cannot sign in alone: the vendor sends a code to a person and holds the sign-in. The
connection then reports NEEDS_MFA and fails fast, never asking for another code on its own
(each ask texts somebody), until an operator submits the code or asks for a new one. Once
signed in, a background refresh keeps the session alive through idle hours, since letting
it lapse would cost a person another code."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyotp
from pydantic import SecretStr

from adapters.auth import AuthStrategy, require_secrets
from adapters.convert import decimal, ident, strings
from adapters.errors import (
    AdapterError,
    MfaCodeExpired,
    MfaCodeRejected,
    MfaNotPending,
    SignInHeld,
    UpstreamAuthFailed,
    UpstreamNeedsMfa,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from adapters.health import MfaChallenge, MfaMethod
from adapters.session_share import (
    LOCAL_SESSIONS,
    SessionShare,
    SharedLogin,
    SharedRefusals,
)
from adapters.shared import credential_digest
from adapters.sign_in_guard import SignInGuard
from adapters.supergood.session_state import TOTP_STEP, PendingCode, Session
from adapters.totp_steps import AnyTotpSteps, MemoryTotpSteps, claim_step
from adapters.upstream_scope import outside_any_scope

if TYPE_CHECKING:
    from adapters.http import HttpClient

log = logging.getLogger(__name__)

SECRET_KEYS = ("client_id", "client_secret", "username", "password")
TOTP_SECRET = "totp_secret"
"""Optional: without it the login's MFA is a code an operator submits (SMS, e-mail)."""
# Refresh this long before expiry (at most; half the lifetime for short-lived tokens), so
# a request never leaves with a token that dies in flight and refresh, which needs a live
# token, still works.
REFRESH_LEAD_MAX = 60.0
KEEPER_MIN_WAIT = 1.0
"""The background refresh never retries faster than this."""
_CHALLENGE_OVER = frozenset({"mfa_challenge_expired", "mfa_challenge_invalid"})


@dataclass(frozen=True, slots=True)
class SupergoodCredentials:
    client_id: SecretStr
    client_secret: SecretStr
    username: SecretStr
    password: SecretStr
    totp_secret: SecretStr | None

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, str], *, dms: str) -> SupergoodCredentials:
        totp = secrets.get(TOTP_SECRET)
        return cls(
            **require_secrets(secrets, SECRET_KEYS, dms=dms),
            totp_secret=SecretStr(str(totp)) if totp else None,
        )

    def digest(self) -> str:
        """Names the login (client and user) without revealing it: connections on the same
        login share one session."""
        return credential_digest(
            self.client_id.get_secret_value(), self.username.get_secret_value()
        )

    def basic(self) -> str:
        pair = f"{self.client_id.get_secret_value()}:{self.client_secret.get_secret_value()}"
        return "Basic " + base64.b64encode(pair.encode()).decode()


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


def read_challenge(detail: Mapping[str, Any], now: datetime) -> PendingCode | None:
    """The ``challenge`` of an ``mfa_challenge_sent`` error, if it is one we can answer."""
    raw = detail.get("challenge")
    if not isinstance(raw, Mapping):
        return None
    try:
        method = MfaMethod(raw.get("type"))
    except ValueError:
        return None
    challenge_id, lifetime = raw.get("id"), decimal(raw.get("expiresIn"))
    if not isinstance(challenge_id, str) or not challenge_id:
        return None
    destination = raw.get("destination")
    return PendingCode(
        challenge_id=challenge_id,
        challenge=MfaChallenge(
            method=method,
            destination=destination if isinstance(destination, str) else None,
            requested_at=now,
            expires_at=now + timedelta(seconds=float(lifetime)) if lifetime else None,
        ),
    )


class SupergoodSessionAuth(AuthStrategy):
    def __init__(
        self,
        credentials: SupergoodCredentials,
        *,
        clock: Callable[[], float] = time.time,
        timer: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        failed_sign_ins_per_hour: int = 3,
        totp_steps: AnyTotpSteps | None = None,
        login: str | None = None,
        share: SessionShare | None = None,
    ) -> None:
        """``clock`` (Unix seconds) picks TOTP steps; ``timer`` times the token's refresh
        and expiry; ``sleep`` waits (for a TOTP step, for the background refresh). Tests
        pass fake ones to move time instead of sleeping. ``failed_sign_ins_per_hour``:
        refused sign-ins tried at most (``adapters.sign_in_guard``). ``totp_steps``: where
        the steps this login used are claimed (durable ones survive restarts), under
        ``login``: the account at one vendor tenant (default: the credentials' digest).
        ``share``: the session, held sign-in and refusals other server processes share
        (``adapters.session_share``); none by default."""
        self._creds = credentials
        self._clock = clock
        self._timer = timer
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._session: Session | None = None
        self._refresh_at = 0.0  # on the timer
        self._expires_at = 0.0  # on the timer
        self._steps = totp_steps or MemoryTotpSteps()
        self._login_key = login or credentials.digest()
        self._pending: PendingCode | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._guard = SignInGuard(per_hour=failed_sign_ins_per_hour, clock=timer)
        self._share = share or LOCAL_SESSIONS
        self._operator_cleared = False

    def __repr__(self) -> str:
        state = "active" if self._session else "none"
        return f"SupergoodSessionAuth(session={state})"

    @property
    def session(self) -> Session | None:
        return self._session

    async def headers(self, http: HttpClient) -> Mapping[str, str]:
        session = self._session
        if session is None or self._timer() >= self._refresh_at:
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
            async with self._share.lock():
                await self._adopt_shared()
                if self._session is not None and rejected.get("Authorization") != self._bearer():
                    return True  # another process refreshed or signed in meanwhile
                # The vendor disowned the token: refresh needs a live one, so log in afresh.
                self._session = None
                if self._pending is not None:
                    raise self._needs_mfa(http.vendor, self._pending.challenge)
                await self._guarded_login(http)
                return True

    def credentials_refused(self) -> bool:
        return self._guard.refused

    def retry_sign_in(self) -> None:
        self._guard.cleared()
        self._operator_cleared = True  # for every process: at the next sign-in

    def sensitive_values(self) -> Iterable[str]:
        c = self._creds
        # The client id and user name are configured as secrets too: they name the login.
        values = [
            c.client_id.get_secret_value(),
            c.username.get_secret_value(),
            c.client_secret.get_secret_value(),
            c.password.get_secret_value(),
            c.basic().removeprefix("Basic "),
        ]
        if c.totp_secret is not None:
            values.append(c.totp_secret.get_secret_value())
        if self._session is not None:
            values.append(self._session.token.get_secret_value())
        return values

    # --- the operator's part, for SMS and e-mail MFA ---------------------------------------

    def pending_mfa(self) -> MfaChallenge | None:
        return self._pending.challenge if self._pending is not None else None

    async def request_mfa_code(self, http: HttpClient) -> MfaChallenge:
        async with self._lock, self._share.lock():
            await self._adopt_shared()
            if self._creds.totp_secret is not None:
                raise MfaNotPending(f"{http.vendor}: this login signs in with TOTP codes alone")
            if self._pending is None and self._session is not None:
                raise MfaNotPending(f"{http.vendor}: the connection is signed in")
            self._pending = None
            try:
                await self._login(http)
            except UpstreamNeedsMfa:
                assert self._pending is not None
                return self._pending.challenge
        raise MfaNotPending(f"{http.vendor}: the DMS signed in without asking for a code")

    async def submit_mfa_code(self, http: HttpClient, code: str) -> None:
        async with self._lock, self._share.lock():
            await self._adopt_shared()
            pending = self._pending
            if pending is None:
                raise MfaNotPending(f"{http.vendor}: the connection is not waiting for a code")
            if pending.challenge_id is None:
                raise MfaCodeExpired(f"{http.vendor}: that code has expired; ask for a new one")
            body = self._credentials_body()
            body["mfa"] = {
                "type": pending.challenge.method.value,
                "challengeId": pending.challenge_id,
                "code": code,
            }
            sent_at = self._timer()
            try:
                answer = await self._post_session(http, body)
            except UpstreamAuthFailed as exc:
                if exc.vendor_code == "invalid_mfa_code":
                    raise MfaCodeRejected(exc.message) from None
                if exc.vendor_code in _CHALLENGE_OVER:
                    over = replace(pending.challenge, expires_at=None)
                    self._pending = PendingCode(challenge_id=None, challenge=over)
                    await self._publish()
                    raise MfaCodeExpired(f"{exc.message}; ask for a new code") from None
                raise
            self._pending = None
            await self._accept(parse_session(answer), sent_at)
            log.info("%s: signed in with the operator's code", http.vendor)
            self._keep_alive(http)

    async def close(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            self._keeper = None

    # --- internals ----------------------------------------------------------------------

    def _bearer(self) -> str | None:
        return f"Bearer {self._session.token.get_secret_value()}" if self._session else None

    async def _current(self, http: HttpClient) -> Session:
        # The lock keeps exactly one login or refresh in flight per connection; whoever
        # waited finds the fresh session and returns it.
        async with self._lock:
            now = self._timer()
            if self._session is not None and now < self._refresh_at:
                return self._session
            async with self._share.lock():
                return await self._sign_in_or_refresh(http)

    async def _sign_in_or_refresh(self, http: HttpClient) -> Session:
        """Under both locks: another process's fresh session, a refresh, or a login."""
        if await self._adopt_shared() and self._timer() < self._refresh_at:
            assert self._session is not None
            return self._session
        if self._session is not None and self._timer() < self._expires_at:
            try:
                await self._refresh(http)
                return self._session
            except UpstreamAuthFailed:
                log.info("%s: session refresh refused; logging in again", http.vendor)
            except (UpstreamUnavailable, UpstreamRateLimited):
                if self._timer() < self._expires_at:
                    return self._session  # still valid: try refreshing next time
                raise
        if self._pending is not None:
            # A person has the code: asking again would text them again.
            raise self._needs_mfa(http.vendor, self._pending.challenge)
        await self._guarded_login(http)
        assert self._session is not None
        return self._session

    def _credentials_body(self) -> dict[str, Any]:
        return {
            "username": self._creds.username.get_secret_value(),
            "password": self._creds.password.get_secret_value(),
        }

    async def _post_session(self, http: HttpClient, body: Mapping[str, Any]) -> Any:
        return await http.request(
            "POST",
            "/sessions",
            json_body=body,
            headers={"Authorization": self._creds.basic()},
            authenticate=False,
        )

    async def _guarded_login(self, http: HttpClient) -> None:
        """A login, unless the DMS refused these credentials too recently: then fail at
        once, sending nothing (a wrong password must not lock the vendor account)."""
        await self._share_refusals()
        wait = self._guard.wait()
        if wait is not None:
            raise SignInHeld(
                f"{http.vendor}: the DMS refused this login's credentials"
                f" ({self._guard.last_code or 'unauthorized'}); the next sign-in is tried in"
                f" {wait:.0f} s, or at once after retryDmsConnection",
                vendor_code=self._guard.last_code,
            )
        try:
            await self._login(http)
        except SignInHeld:
            raise
        except UpstreamAuthFailed as exc:
            self._guard.refusal(exc.vendor_code)
            await self._publish_refusals()
            log.warning("%s: sign-in refused (%s)", http.vendor, exc.vendor_code)
            raise
        if self._guard.refused:
            self._guard.cleared()
            await self._publish_refusals()

    async def _login(self, http: HttpClient) -> None:
        if self._creds.totp_secret is None:
            await self._login_for_a_code(http)
            return
        for attempt in (1, 2):
            body = self._credentials_body()
            body["mfa"] = {"type": "totp", "code": await self._next_code()}
            sent_at = self._timer()
            try:
                answer = await self._post_session(http, body)
            except UpstreamAuthFailed as exc:
                # Another client of the same user spent this step's code; the next code
                # is a different step.
                if exc.vendor_code == "mfa_code_reused" and attempt == 1:
                    continue
                raise
            await self._accept(parse_session(answer), sent_at)
            log.info("%s: logged in", http.vendor)
            return

    async def _login_for_a_code(self, http: HttpClient) -> None:
        """Sign in without a code: the vendor sends one to a person and holds the sign-in
        (or, for a login without MFA, signs in at once)."""
        sent_at = self._timer()
        try:
            answer = await self._post_session(http, self._credentials_body())
        except UpstreamAuthFailed as exc:
            pending = None
            if exc.vendor_code == "mfa_challenge_sent":
                pending = read_challenge(exc.detail, datetime.now(UTC))
            if pending is None:
                if exc.vendor_code == "mfa_required":
                    raise UpstreamAuthFailed(
                        f"{http.vendor}: this login needs TOTP codes; configure the"
                        f" connection's {TOTP_SECRET}",
                        vendor_code=exc.vendor_code,
                    ) from None
                raise
            self._pending = pending
            await self._publish()
            c = pending.challenge
            log.warning(
                "%s: sign-in waits for the code the DMS sent by %s to %s",
                http.vendor,
                c.method.value,
                c.destination or "the login's contact",
            )
            raise self._needs_mfa(http.vendor, c) from None
        await self._accept(parse_session(answer), sent_at)
        self._keep_alive(http)

    @staticmethod
    def _needs_mfa(vendor: str, challenge: MfaChallenge) -> UpstreamNeedsMfa:
        to = f" to {challenge.destination}" if challenge.destination else ""
        return UpstreamNeedsMfa(
            f"{vendor} is waiting for the verification code it sent by"
            f" {challenge.method.value}{to}; until an operator submits it, this connection"
            " answers nothing"
        )

    def _keep_alive(self, http: HttpClient) -> None:
        if self._keeper is None or self._keeper.done():
            # Not the request's work: neither billed to it nor bound by its deadline.
            self._keeper = asyncio.create_task(
                self._keep_session(http), context=outside_any_scope()
            )

    async def _keep_session(self, http: HttpClient) -> None:
        """Refresh the session before it expires, with or without traffic, for as long as
        the vendor renews it."""
        while True:
            await self._sleep(max(self._refresh_at - self._timer(), KEEPER_MIN_WAIT))
            async with self._lock, self._share.lock():
                await self._adopt_shared()  # another process may have refreshed it
                now = self._timer()
                if self._session is None or self._pending is not None:
                    return
                if now >= self._expires_at:
                    return  # lapsed (the vendor was down throughout): the next call signs in
                if now < self._refresh_at:
                    continue  # a request refreshed it meanwhile
                try:
                    await self._refresh(http)
                except UpstreamAuthFailed:
                    log.warning("%s: the DMS ended the session", http.vendor)
                    self._session = None
                    return
                except AdapterError as exc:
                    # Down for now: try again shortly while the token still lives.
                    log.warning("%s: session refresh failed (%s)", http.vendor, exc.code)

    async def _refresh(self, http: HttpClient) -> None:
        sent_at = self._timer()
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
        await self._accept(refreshed, sent_at)

    async def _accept(self, session: Session, sent_at: float) -> None:
        # Lifetimes count from when the request left: the conservative end.
        lead = min(REFRESH_LEAD_MAX, session.expires_in / 2)
        self._session = session
        self._refresh_at = sent_at + session.expires_in - lead
        self._expires_at = sent_at + session.expires_in - min(1.0, session.expires_in / 10)
        await self._publish()

    # --- what other server processes see (``adapters.session_share``) -----------

    def _to_wall(self, at: float) -> float:
        return at - self._timer() + self._clock()

    def _from_wall(self, at: float) -> float:
        return at - self._clock() + self._timer()

    async def _publish(self) -> None:
        """Leave this login's session and held sign-in for the other processes."""
        await self._share.save(
            SharedLogin(
                session=self._session,
                refresh_at=self._to_wall(self._refresh_at),
                expires_at=self._to_wall(self._expires_at),
                pending=self._pending,
            )
        )

    async def _adopt_shared(self) -> bool:
        """Take up the session (or held sign-in) another process left, when it is newer than
        ours: True if a live session was taken."""
        shared = await self._share.load()
        if shared is None:
            return False
        self._pending = shared.pending
        session = shared.session
        if session is None or self._clock() >= shared.expires_at:
            return False
        if self._session is not None and session.token == self._session.token:
            return False  # ours, or already taken
        self._session = session
        self._refresh_at = self._from_wall(shared.refresh_at)
        self._expires_at = self._from_wall(shared.expires_at)
        return True

    async def _share_refusals(self) -> None:
        """Refusals any process met hold this one back too; an operator's retry here clears
        them for all."""
        if self._operator_cleared:
            self._operator_cleared = False
            await self._publish_refusals()
            return
        shared = await self._share.load_refusals()
        if shared is not None:
            self._guard.restore([self._from_wall(t) for t in shared.times], shared.code)

    async def _publish_refusals(self) -> None:
        times = tuple(self._to_wall(t) for t in self._guard.refusal_times)
        await self._share.save_refusals(SharedRefusals(times, self._guard.last_code))

    async def _next_code(self) -> str:
        """A TOTP code never sent before by this connection.

        The vendor refuses a code it already accepted and accepts the previous and next
        30 s step. So a second login within one step uses the next step's code, and a third
        waits until that next step becomes the current one.
        """
        now = self._clock()
        current = int(now // TOTP_STEP)
        step = await claim_step(self._steps, self._login_key, current)
        if step > current + 1:
            await self._sleep((step - 1) * TOTP_STEP - now)
        assert self._creds.totp_secret is not None
        try:
            return pyotp.TOTP(self._creds.totp_secret.get_secret_value()).at(step * TOTP_STEP)
        except (ValueError, TypeError, binascii.Error):
            raise UpstreamAuthFailed(
                "the configured TOTP secret is unusable (not base32, or too short)"
            ) from None
