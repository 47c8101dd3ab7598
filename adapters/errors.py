"""Errors an adapter raises. The graph turns each into a GraphQL error with ``code``.

Messages never carry credentials, tokens or request bodies: they are shown to API clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.base import Capability
    from adapters.models import Dms


class AdapterError(Exception):
    """Base class. ``code`` becomes ``extensions.code`` in the GraphQL response."""

    code = "UPSTREAM_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotSupported(AdapterError):
    """The DMS has no such data or operation at all (not: "there are none")."""

    code = "NOT_SUPPORTED_BY_DMS"

    def __init__(self, dms: Dms, capability: Capability | str) -> None:
        super().__init__(f"{dms.value} does not provide {capability}")
        self.dms = dms
        self.capability = str(capability)


class UpstreamUnavailable(AdapterError):
    """The vendor could not be reached, timed out, or answered 5xx."""

    code = "UPSTREAM_UNAVAILABLE"


class UpstreamAuthFailed(AdapterError):
    """The vendor refused our credentials (wrong password, bad TOTP secret, revoked key)."""

    code = "UPSTREAM_AUTH_FAILED"

    def __init__(
        self,
        message: str,
        vendor_code: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.vendor_code = vendor_code
        self.detail: Mapping[str, Any] = detail or {}
        """The vendor's error object as it came (an MFA challenge rides in it)."""


class SignInHeld(UpstreamAuthFailed):
    """A sign-in not even tried: the DMS refused these credentials recently
    (``adapters.sign_in_guard``)."""


class UpstreamNeedsMfa(AdapterError):
    """The DMS asked for a verification code it sent by SMS or e-mail, which only a person
    can read. Calls fail fast with this until an operator submits the code."""

    code = "UPSTREAM_NEEDS_MFA"


class MfaNotPending(AdapterError):
    """An operator submitted a code, or asked for one, where none applies: the connection
    is not waiting for a code, or signs in without an operator's help."""

    code = "MFA_NOT_PENDING"

    @classmethod
    def no_operator(cls, vendor: str) -> MfaNotPending:
        """For a connection whose sign-in never waits for a person's code."""
        return cls(f"{vendor}: this connection signs in without an operator")


class MfaCodeRejected(AdapterError):
    """The DMS refused the submitted code; the same challenge takes another try."""

    code = "MFA_CODE_REJECTED"


class MfaCodeExpired(AdapterError):
    """The challenge ended (too old, or too many wrong codes): ask the DMS for a new code."""

    code = "MFA_CODE_EXPIRED"


class UpstreamRateLimited(AdapterError):
    """The vendor kept answering 429 after we waited as it asked."""

    code = "UPSTREAM_RATE_LIMITED"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BudgetExhausted(UpstreamRateLimited):
    """Our own request budget for the credential has no room before the request's
    deadline: nothing was sent, so the vendor's health is not in question."""


class SharedStateUnavailable(UpstreamUnavailable):
    """The state the deployment's server processes share (Redis) did not answer: nothing was
    sent, so the vendor's health is not in question either."""


class UpstreamRejected(AdapterError):
    """The vendor answered 4xx to a request we built (a bug here, or input it refuses)."""

    code = "UPSTREAM_REJECTED"

    def __init__(
        self,
        message: str,
        status: int,
        vendor_code: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.vendor_code = vendor_code
        self.field = field
        """The vendor's name for the offending input field, where it says."""


class UpstreamOutcomeUnknown(AdapterError):
    """A write may have reached the vendor, but no answer came back (timeout or reset after
    sending). Never retried blindly against a vendor without idempotency: the caller must
    reconcile, by ``reference_id``, against what the DMS shows."""

    code = "OUTCOME_UNKNOWN"

    def __init__(self, message: str, reference_id: str | None = None) -> None:
        super().__init__(message)
        self.reference_id = reference_id


class UpstreamProtocolError(AdapterError):
    """The vendor answered something that does not follow its contract."""

    code = "UPSTREAM_PROTOCOL_ERROR"
