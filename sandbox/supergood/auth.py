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
from sandbox.supergood.mfa import (
    CHALLENGE_TTL_SECONDS,
    MAX_WRONG_CODES,
    OUT_OF_BAND,
    SMS,
    TOTP,
    ChallengeBook,
    Outcome,
    SentCode,
    mask_destination,
)


@dataclass(frozen=True)
class SupergoodUser:
    user_id: str
    username: str
    password: str
    totp_secret: str
    name: str
    entitlements: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. Dealertrack's "rooftops"
    mfa_method: str = TOTP  # "totp", "sms" or "email"
    mfa_destination: str | None = None  # the phone number (sms) or address (email)


@dataclass(frozen=True)
class Session:
    token: str
    user: SupergoodUser
    expires_at: float


def _unauthorized(code: str, message: str, extra: Mapping[str, Any] | None = None) -> ApiError:
    scheme = "Basic" if code == "invalid_client" else "Bearer"
    return ApiError(401, code, message, headers={"WWW-Authenticate": scheme}, extra=extra)


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
        label: str = "supergood",
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.users: dict[str, SupergoodUser] = {}
        self.clock = clock
        self.tokens = TokenStore(token_ttl_seconds)
        self.totp = TotpVerifier()
        self._sessions: dict[str, SupergoodUser] = {}
        self.challenges = ChallengeBook(label)
        for user in users:
            self.add_user(user)

    @property
    def outbox(self) -> list[SentCode]:
        """Every SMS or e-mail code sent, oldest first: the users' phones and mailboxes."""
        return self.challenges.outbox

    def add_user(self, user: SupergoodUser) -> None:
        if user.username in self.users:
            raise ValueError(f"duplicate login {user.username!r}")
        if user.mfa_method not in (TOTP, *OUT_OF_BAND):
            raise ValueError(f"unknown MFA method {user.mfa_method!r}")
        if user.mfa_method in OUT_OF_BAND and not user.mfa_destination:
            raise ValueError(f"{user.username!r} needs an {user.mfa_method} destination")
        self.users[user.username] = user

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
        """``POST /sessions``: the client first, then the user, then the TOTP code (or, for
        an SMS or e-mail user, the challenge: see ``_check_out_of_band``).

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
        if user.mfa_method in OUT_OF_BAND:
            self._check_out_of_band(user, mfa)
            return self._open_session(user, ttl_seconds)
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
        return self._open_session(user, ttl_seconds)

    def _check_out_of_band(self, user: SupergoodUser, mfa: object) -> None:
        """No code yet: send one and answer the challenge (401 ``mfa_challenge_sent``).
        With one: it must answer this user's live challenge, in time, within the tries."""
        if mfa is not None and not isinstance(mfa, dict):
            raise _bad_body("mfa", "'mfa' must be an object")
        mfa = mfa or {}
        kind = mfa.get("type")
        code = mfa.get("code")
        # Asking for a code may leave out the type; naming the wrong one is still refused.
        if (code is not None or kind is not None) and kind != user.mfa_method:
            raise _bad_body("mfa.type", f"'mfa.type' must be '{user.mfa_method}' for this user")
        if code is None:
            raise self._send_challenge(user)
        challenge_id = mfa.get("challengeId")
        if not isinstance(challenge_id, str) or not challenge_id.strip():
            raise _bad_body(
                "mfa.challengeId", "'mfa.challengeId' is required: the challenge the code answers"
            )
        if not isinstance(code, str):
            raise _bad_body("mfa.code", "'mfa.code' must be a string of 6 digits")
        verdict = self.challenges.verify(user.username, challenge_id, code, self.clock())
        if verdict.outcome is Outcome.UNKNOWN:
            raise _unauthorized(
                "mfa_challenge_invalid",
                "Unknown, superseded or already used challenge; request a new code",
            )
        if verdict.outcome is Outcome.EXPIRED:
            raise _unauthorized(
                "mfa_challenge_expired", "The verification code has expired; request a new code"
            )
        if verdict.outcome is Outcome.BURNED:
            raise _unauthorized(
                "mfa_challenge_expired",
                f"{MAX_WRONG_CODES} wrong codes: this challenge is void; request a new code",
            )
        if verdict.outcome is Outcome.WRONG_CODE:
            tries = "attempt" if verdict.attempts_left == 1 else "attempts"
            raise _unauthorized(
                "invalid_mfa_code",
                f"Invalid verification code; {verdict.attempts_left} {tries} left",
            )

    def _send_challenge(self, user: SupergoodUser) -> ApiError:
        destination = user.mfa_destination or ""
        challenge = self.challenges.send(user.username, user.mfa_method, destination, self.clock())
        masked = mask_destination(user.mfa_method, destination)
        by = "SMS" if user.mfa_method == SMS else "e-mail"
        return _unauthorized(
            "mfa_challenge_sent",
            f"A verification code was sent by {by} to {masked}",
            extra={
                "challenge": {
                    "id": challenge.id,
                    "type": user.mfa_method,
                    "destination": masked,
                    "expiresIn": CHALLENGE_TTL_SECONDS,
                }
            },
        )

    def _open_session(self, user: SupergoodUser, ttl_seconds: int | None) -> dict[str, Any]:
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
