"""How a connection to a DMS is doing, as operators and the graph may see it (no secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ConnectionState(StrEnum):
    UNKNOWN = "unknown"
    """No call has been made yet."""
    OK = "ok"
    DEGRADED = "degraded"
    """Recent calls failed or were retried, but the circuit is closed."""
    NEEDS_MFA = "needs_mfa"
    """The DMS asks for a code the API cannot produce itself (SMS, e-mail)."""
    AUTH_FAILED = "auth_failed"
    """The DMS refused the credentials: sign-ins are held back (a minute, then longer, at
    most three an hour) unless an operator asks with retryDmsConnection."""
    CIRCUIT_OPEN = "circuit_open"
    """Calls fail fast with UPSTREAM_UNAVAILABLE until a probe succeeds."""


class MfaMethod(StrEnum):
    SMS = "sms"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class MfaChallenge:
    """A verification code the DMS sent to a person, as an operator needs to know of it."""

    method: MfaMethod
    destination: str | None
    """Where it went, masked by the DMS (``•••-•••-0142``)."""
    requested_at: datetime
    expires_at: datetime | None
    """When the DMS stops accepting it; None when it has said the challenge is over."""


@dataclass(frozen=True, slots=True)
class ConnectionHealth:
    state: ConnectionState = ConnectionState.UNKNOWN
    last_error_code: str | None = None
    """The ``AdapterError.code`` of the last failure, never its message."""
    last_error_at: datetime | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    mfa: MfaChallenge | None = None
    """The code the connection waits for, while its state is NEEDS_MFA."""
    unserved_endpoints: tuple[str, ...] = ()
    """Vendor endpoints (path templates) the tenant was found not to serve, for now."""
