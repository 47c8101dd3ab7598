"""How a client proves who it is. ``HttpClient`` asks its strategy for headers before each
request and, on a 401, whether the credential could be renewed so the request is replayed."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from pydantic import SecretStr

from adapters.errors import MfaNotPending

if TYPE_CHECKING:
    from adapters.health import MfaChallenge
    from adapters.http import HttpClient


class AuthStrategy(ABC):
    @abstractmethod
    async def headers(self, http: HttpClient) -> Mapping[str, str]:
        """Headers that authenticate the next request, obtaining a credential if needed."""

    async def renew(self, http: HttpClient, rejected: Mapping[str, str]) -> bool:
        """The vendor answered 401 to a request sent with ``rejected`` headers.

        Return True when a fresh credential is now in place (the request is then replayed
        once), False when nothing can be done (the 401 becomes ``UpstreamAuthFailed``).
        """
        return False

    def sensitive_values(self) -> Iterable[str]:
        """Every secret this strategy holds, so error text can be scrubbed of them."""
        return ()

    def credentials_refused(self) -> bool:
        """The DMS refused the credentials and sign-ins are being held back."""
        return False

    def retry_sign_in(self) -> None:
        """An operator asks: forget refused sign-ins, so the next request signs in now."""
        return None

    async def close(self) -> None:
        """Stop anything the strategy runs in the background."""
        return None

    # An operator's part in signing in, where the vendor sends codes only a person reads.

    def pending_mfa(self) -> MfaChallenge | None:
        """The verification code the vendor is waiting for, if any."""
        return None

    async def request_mfa_code(self, http: HttpClient) -> MfaChallenge:
        """Ask the vendor to send a new code (the last one expired or never arrived)."""
        raise MfaNotPending.no_operator(http.vendor)

    async def submit_mfa_code(self, http: HttpClient, code: str) -> None:
        """Complete the sign-in the vendor is holding with the code a person read."""
        raise MfaNotPending.no_operator(http.vendor)


class BearerKeyAuth(AuthStrategy):
    """A static API key sent as ``Authorization: Bearer <key>`` (AutoSync)."""

    def __init__(self, key: SecretStr) -> None:
        self._key = key

    async def headers(self, http: HttpClient) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._key.get_secret_value()}"}

    def sensitive_values(self) -> Iterable[str]:
        return (self._key.get_secret_value(),)

    def __repr__(self) -> str:
        return "BearerKeyAuth(key=SecretStr('**********'))"


def require_secrets(
    secrets: Mapping[str, str], keys: Iterable[str], *, dms: str
) -> dict[str, SecretStr]:
    """Pick ``keys`` out of a connection's secrets, wrapped so they never print.

    The error names missing keys only, never any value.
    """
    keys = tuple(keys)
    missing = [k for k in keys if not secrets.get(k)]
    if missing:
        raise ValueError(f"{dms} connection is missing secrets: {', '.join(missing)}")
    return {k: SecretStr(str(secrets[k])) for k in keys}
