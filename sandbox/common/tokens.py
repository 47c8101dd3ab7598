"""Short-lived bearer tokens that really expire and can be revoked."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from enum import StrEnum


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    subject: str
    issued_at: float
    expires_at: float


class TokenState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class TokenStore:
    """Issues JWT-shaped opaque tokens (the vendor's look) and remembers them server-side."""

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds
        self._secret = secrets.token_bytes(32)
        self._tokens: dict[str, IssuedToken] = {}

    def issue(self, subject: str, now: float, ttl_seconds: int | None = None) -> IssuedToken:
        """``ttl_seconds`` overrides the store's life for this token alone."""
        ttl = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        header = _b64url(b'{"alg":"HS256","typ":"JWT"}')
        claims = {
            "sub": subject,
            "iat": int(now),
            "exp": int(now + ttl),
            "jti": secrets.token_hex(8),
        }
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode()
        signature = _b64url(hmac.new(self._secret, signing_input, hashlib.sha256).digest())
        issued = IssuedToken(
            token=f"{header}.{payload}.{signature}",
            subject=subject,
            issued_at=now,
            expires_at=now + ttl,
        )
        self._prune(now)
        self._tokens[issued.token] = issued
        return issued

    def check(self, token: str, now: float) -> tuple[TokenState, IssuedToken | None]:
        issued = self._tokens.get(token)
        if issued is None:
            return TokenState.UNKNOWN, None
        if now >= issued.expires_at:
            return TokenState.EXPIRED, issued
        return TokenState.VALID, issued

    def revoke(self, token: str) -> None:
        self._tokens.pop(token, None)

    def revoke_all(self) -> None:
        """Every session ends at once, as when an administrator signs all devices out."""
        self._tokens.clear()

    def _prune(self, now: float) -> None:
        # Expired tokens are kept a day so clients get "expired" rather than "unknown".
        stale = [t for t, i in self._tokens.items() if i.expires_at + 86400 < now]
        for token in stale:
            del self._tokens[token]
