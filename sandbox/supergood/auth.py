"""Session establishment, refresh and bearer checks, as the Supergood platform does them."""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.common.errors import ApiError
from sandbox.common.tokens import TokenState, TokenStore
from sandbox.common.totp import TotpResult, TotpVerifier


@dataclass(frozen=True)
class SupergoodUser:
    user_id: str
    username: str
    password: str
    totp_secret: str
    name: str
    entitlements: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. Dealertrack's "rooftops"


@dataclass(frozen=True)
class Session:
    token: str
    user: SupergoodUser
    expires_at: float


def _unauthorized(code: str, message: str) -> ApiError:
    scheme = "Basic" if code == "invalid_client" else "Bearer"
    return ApiError(401, code, message, headers={"WWW-Authenticate": scheme})


def _bad_body(field_name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, field=field_name)


class SupergoodAuth:
    """All credential checks of one integration. ``clock`` may be replaced by tests."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        users: Sequence[SupergoodUser],
        token_ttl_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.users = {u.username: u for u in users}
        self.clock = clock
        self.tokens = TokenStore(token_ttl_seconds)
        self.totp = TotpVerifier()
        self._sessions: dict[str, SupergoodUser] = {}

    @property
    def token_ttl_seconds(self) -> int:
        return self.tokens.ttl_seconds

    def check_client(self, authorization: str | None) -> None:
        """``Authorization: Basic base64(clientId:clientSecret)``."""
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise _unauthorized("invalid_client", "Basic client credentials are required")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise _unauthorized("invalid_client", "Malformed Basic credentials") from None
        client_id, sep, secret = decoded.partition(":")
        if not (
            sep
            and hmac.compare_digest(client_id.encode(), self.client_id.encode())
            and hmac.compare_digest(secret.encode(), self.client_secret.encode())
        ):
            raise _unauthorized("invalid_client", "Unknown client or wrong client secret")

    def login(
        self,
        authorization: str | None,
        body: object,
        *,
        ttl_seconds: int | None = None,
        replay_check: bool = True,
    ) -> dict[str, Any]:
        """``POST /sessions``: the client first, then the user, then the TOTP code.

        ``ttl_seconds`` and ``replay_check`` let injected faults shorten the token's life
        or accept a spent (but otherwise valid) code."""
        self.check_client(authorization)
        if not isinstance(body, dict):
            raise _bad_body("body", "Request body must be a JSON object")
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not username:
            raise _bad_body("username", "'username' is required")
        if not isinstance(password, str) or not password:
            raise _bad_body("password", "'password' is required")
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            raise _unauthorized("invalid_credentials", "Invalid username or password")
        mfa = body.get("mfa")
        if mfa is None:
            raise _unauthorized("mfa_required", "This user requires a TOTP code in 'mfa'")
        if not isinstance(mfa, dict):
            raise _bad_body("mfa", "'mfa' must be an object")
        if mfa.get("type") != "totp":
            raise _bad_body("mfa.type", "'mfa.type' must be 'totp' for this user")
        code = mfa.get("code")
        if not isinstance(code, str):
            raise _bad_body("mfa.code", "'mfa.code' must be a string of 6 digits")
        result = self.totp.verify(user.username, user.totp_secret, code, self.clock())
        if result is TotpResult.REUSED and replay_check:
            raise _unauthorized(
                "mfa_code_reused", "This code was already used; wait for the next one"
            )
        if result is TotpResult.INVALID:
            raise _unauthorized("invalid_mfa_code", "Invalid or expired TOTP code")
        issued = self.tokens.issue(user.user_id, self.clock(), ttl_seconds)
        self._sessions[issued.token] = user
        user_body: dict[str, Any] = {"id": user.user_id, "name": user.name}
        user_body.update(user.extra)
        user_body["entitlements"] = list(user.entitlements)
        expires_in = ttl_seconds or self.token_ttl_seconds
        return {"authToken": issued.token, "expiresIn": expires_in, "user": user_body}

    def authenticate(self, authorization: str | None) -> Session:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("invalid_token", "A bearer token is required")
        state, issued = self.tokens.check(token.strip(), self.clock())
        if state is TokenState.EXPIRED:
            raise _unauthorized(
                "token_expired", "The auth token has expired; establish a new session"
            )
        if state is TokenState.UNKNOWN or issued is None:
            raise _unauthorized("invalid_token", "Unknown or revoked auth token")
        return Session(issued.token, self._sessions[issued.token], issued.expires_at)

    def refresh(
        self, authorization: str | None, *, ttl_seconds: int | None = None
    ) -> dict[str, Any]:
        """``POST /sessions/refresh``: a live token buys a new one; the old one is revoked."""
        session = self.authenticate(authorization)
        self.tokens.revoke(session.token)
        del self._sessions[session.token]
        issued = self.tokens.issue(session.user.user_id, self.clock(), ttl_seconds)
        self._sessions[issued.token] = session.user
        return {"authToken": issued.token, "expiresIn": ttl_seconds or self.token_ttl_seconds}
