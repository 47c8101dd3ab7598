"""What a Supergood-family login's session is, apart from how it is obtained
(``adapters.supergood.auth``), so the stores that share it between processes
(``adapters.session_share``, ``adapters.shared_redis.sessions``) need nothing of the
sign-in itself."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from adapters.health import MfaChallenge

TOTP_STEP = 30


@dataclass(frozen=True, slots=True)
class Session:
    token: SecretStr
    expires_in: float
    user_id: str | None = None
    user_name: str | None = None
    entitlements: frozenset[str] = frozenset()
    rooftops: tuple[str, ...] = ()
    """The stores the login may read, where the vendor scopes by store (Dealertrack)."""


@dataclass(frozen=True, slots=True)
class PendingCode:
    """A sign-in the vendor holds until a person's code arrives."""

    challenge_id: str | None
    """The vendor's id for it; None once the vendor has said it is over."""
    challenge: MfaChallenge
