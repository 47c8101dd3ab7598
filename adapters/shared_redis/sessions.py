"""A Supergood login's session, held sign-in and refusals on Redis (``SessionShare``).

The session and any held sign-in are one record, sealed with Fernet (the token and the
challenge id are secrets), kept until the session expires; refusals are times and a vendor
code, nothing secret. The login's lock is a ``RedisLock`` whose lease outlasts a sign-in
that waits for the next TOTP step."""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.fernet import InvalidToken
from pydantic import SecretStr

from adapters.health import MfaChallenge, MfaMethod
from adapters.session_share import SharedLogin, SharedRefusals
from adapters.shared_redis.lock import RedisLock
from adapters.shared_redis.store import redis_errors
from adapters.sign_in_guard import WINDOW_SECONDS
from adapters.supergood.session_state import TOTP_STEP, PendingCode, Session

if TYPE_CHECKING:
    from adapters.shared_redis.store import RedisConnection

SIGN_IN_LEASE = 3 * TOTP_STEP + 30.0
"""Seconds a sign-in may hold the login's lock: a wait for the next step and two tries."""
HELD_SIGN_IN_SECONDS = 3600
"""How long a sign-in waiting for a person's code is kept without a session."""


class RedisSessionShare:
    def __init__(self, shared: RedisConnection, login: str) -> None:
        self._shared = shared
        self._key = shared.key("session", login)
        self._refusals_key = shared.key("refusals", login)
        self._lock = RedisLock(shared, shared.key("lock", "sign-in", login), lease=SIGN_IN_LEASE)

    def lock(self) -> AbstractAsyncContextManager[None]:
        return self._lock.held()

    async def load(self) -> SharedLogin | None:
        with redis_errors("reading a session"):
            sealed = await self._shared.redis.get(self._key)
        if sealed is None:
            return None
        try:
            plain = self._shared.sealer.decrypt(sealed)
        except InvalidToken:
            return None  # sealed under another key: as if nobody had signed in
        return _login_from(json.loads(plain))

    async def save(self, login: SharedLogin) -> None:
        lifetime = login.expires_at - self._shared.wall() if login.session else 0.0
        if login.pending is not None:
            lifetime = max(lifetime, HELD_SIGN_IN_SECONDS)
        with redis_errors("writing a session"):
            if lifetime <= 0:
                await self._shared.redis.delete(self._key)
                return
            sealed = self._shared.sealer.encrypt(json.dumps(_login_json(login)).encode())
            await self._shared.redis.set(self._key, sealed, px=int(lifetime * 1000))

    async def load_refusals(self) -> SharedRefusals | None:
        with redis_errors("reading refused sign-ins"):
            raw = await self._shared.redis.get(self._refusals_key)
        if raw is None:
            return None
        data = json.loads(raw)
        return SharedRefusals(tuple(float(t) for t in data["times"]), data.get("code"))

    async def save_refusals(self, refusals: SharedRefusals) -> None:
        with redis_errors("writing refused sign-ins"):
            if not refusals.times:
                await self._shared.redis.delete(self._refusals_key)
                return
            raw = json.dumps({"times": list(refusals.times), "code": refusals.code})
            await self._shared.redis.set(self._refusals_key, raw, ex=int(WINDOW_SECONDS))


def _login_json(login: SharedLogin) -> dict[str, Any]:
    s, p = login.session, login.pending
    return {
        "session": None
        if s is None
        else {
            "token": s.token.get_secret_value(),
            "expires_in": s.expires_in,
            "user_id": s.user_id,
            "user_name": s.user_name,
            "entitlements": sorted(s.entitlements),
            "rooftops": list(s.rooftops),
        },
        "refresh_at": login.refresh_at,
        "expires_at": login.expires_at,
        "pending": None
        if p is None
        else {
            "challenge_id": p.challenge_id,
            "method": p.challenge.method.value,
            "destination": p.challenge.destination,
            "requested_at": p.challenge.requested_at.isoformat(),
            "expires_at": _iso(p.challenge.expires_at),
        },
    }


def _login_from(data: dict[str, Any]) -> SharedLogin:
    s, p = data["session"], data["pending"]
    session = None
    if s is not None:
        session = Session(
            token=SecretStr(s["token"]),
            expires_in=float(s["expires_in"]),
            user_id=s["user_id"],
            user_name=s["user_name"],
            entitlements=frozenset(s["entitlements"]),
            rooftops=tuple(s["rooftops"]),
        )
    pending = None
    if p is not None:
        pending = PendingCode(
            challenge_id=p["challenge_id"],
            challenge=MfaChallenge(
                method=MfaMethod(p["method"]),
                destination=p["destination"],
                requested_at=datetime.fromisoformat(p["requested_at"]),
                expires_at=datetime.fromisoformat(p["expires_at"]) if p["expires_at"] else None,
            ),
        )
    return SharedLogin(
        session=session,
        refresh_at=float(data["refresh_at"]),
        expires_at=float(data["expires_at"]),
        pending=pending,
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
