"""Signing in with OAuth 2.0 tokens a person granted (AutoSync's platform integrations).

A person authorizes the connection once in the vendor's consent screen; the server trades
the code for an access token and a refresh token (``exchange_code``) and keeps them in a
``TokenStore``. Each request carries the access token; shortly before it expires, or when
the vendor answers 401, the refresh token buys a new pair, once for all concurrent
requests. A refresh the vendor refuses (the grant was revoked) forgets the tokens: the
connection then fails fast with ``UPSTREAM_AUTH_FAILED`` until someone connects it again,
rather than asking the vendor on every request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import SecretStr

from adapters.auth import AuthStrategy
from adapters.errors import UpstreamAuthFailed, UpstreamProtocolError, UpstreamRejected

if TYPE_CHECKING:
    from adapters.http import HttpClient

REFRESH_MARGIN_SECONDS = 60.0
"""Refresh an access token this long before it expires, so no request meets the expiry."""


@dataclass(frozen=True, slots=True)
class OAuthTokens:
    access_token: str
    refresh_token: str | None
    expires_at: float
    """Unix seconds."""
    scope: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "scope": self.scope,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OAuthTokens:
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_at=float(data["expires_at"]),
            scope=str(data.get("scope") or ""),
        )


class TokenStore(Protocol):
    """Where a connection's tokens are kept (encrypted at rest: ``graph.token_vault``)."""

    def load(self, key: str) -> OAuthTokens | None: ...

    def save(self, key: str, tokens: OAuthTokens) -> None: ...

    def forget(self, key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class OAuthGrant:
    """How a connection signs in with OAuth: the store and its key there (the connection
    id), and how to tell an operator to connect it."""

    store: TokenStore
    key: str
    token_path: str = "/oauth/token"


class OAuthBearerAuth(AuthStrategy):
    def __init__(
        self,
        client_id: SecretStr,
        client_secret: SecretStr,
        grant: OAuthGrant,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._grant = grant
        self._clock = clock
        self._lock = asyncio.Lock()

    async def headers(self, http: HttpClient) -> Mapping[str, str]:
        tokens = self._tokens(http)
        if tokens.expires_at - self._clock() <= REFRESH_MARGIN_SECONDS:
            async with self._lock:
                tokens = self._tokens(http)  # another request may have refreshed meanwhile
                if tokens.expires_at - self._clock() <= REFRESH_MARGIN_SECONDS:
                    tokens = await self._refresh(http, tokens)
        return {"Authorization": f"Bearer {tokens.access_token}"}

    async def renew(self, http: HttpClient, rejected: Mapping[str, str]) -> bool:
        async with self._lock:
            current = self._grant.store.load(self._grant.key)
            if current is None:
                return False
            if rejected.get("Authorization") != f"Bearer {current.access_token}":
                return True  # another request already refreshed
            try:
                await self._refresh(http, current)
            except UpstreamAuthFailed:
                return False
            return True

    async def exchange_code(self, http: HttpClient, code: str) -> None:
        """Trade the code the consent screen redirected with for the connection's tokens."""
        body = {"grant_type": "authorization_code", "code": code}
        async with self._lock:
            self._grant.store.save(self._grant.key, await self._token_request(http, body))

    def sensitive_values(self) -> Iterable[str]:
        values = [self._client_id.get_secret_value(), self._client_secret.get_secret_value()]
        tokens = self._grant.store.load(self._grant.key)
        if tokens is not None:
            values += [tokens.access_token, tokens.refresh_token or ""]
        return values

    def _tokens(self, http: HttpClient) -> OAuthTokens:
        tokens = self._grant.store.load(self._grant.key)
        if tokens is None:
            raise UpstreamAuthFailed(
                f"{http.vendor}: connection {self._grant.key!r} is not authorized; run "
                f"`dealergraph connect {http.vendor} --connection {self._grant.key}` and open "
                "the address it prints"
            )
        return tokens

    async def _refresh(self, http: HttpClient, tokens: OAuthTokens) -> OAuthTokens:
        if tokens.refresh_token is None:
            self._grant.store.forget(self._grant.key)
            raise UpstreamAuthFailed(f"{http.vendor}: the access token expired; connect again")
        body = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
        try:
            fresh = await self._token_request(http, body)
        except UpstreamAuthFailed:
            # Revoked: asking again on every request would only hammer the vendor.
            self._grant.store.forget(self._grant.key)
            raise
        self._grant.store.save(self._grant.key, fresh)
        return fresh

    async def _token_request(self, http: HttpClient, grant: dict[str, str]) -> OAuthTokens:
        body = {
            **grant,
            "client_id": self._client_id.get_secret_value(),
            "client_secret": self._client_secret.get_secret_value(),
        }
        try:
            answer = await http.request(
                "POST", self._grant.token_path, json_body=body, authenticate=False
            )
        except (UpstreamRejected, UpstreamAuthFailed) as exc:
            raise UpstreamAuthFailed(
                f"{http.vendor} refused the OAuth grant ({exc.vendor_code or 'rejected'}); "
                f"connect again with `dealergraph connect {http.vendor} "
                f"--connection {self._grant.key}`",
                vendor_code=exc.vendor_code,
            ) from None
        return _read_tokens(http.vendor, answer, self._clock())


def _read_tokens(vendor: str, answer: Any, now: float) -> OAuthTokens:
    if not isinstance(answer, Mapping) or not isinstance(answer.get("access_token"), str):
        raise UpstreamProtocolError(f"{vendor}: the token answer holds no access_token")
    expires_in = answer.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
    refresh = answer.get("refresh_token")
    return OAuthTokens(
        access_token=answer["access_token"],
        refresh_token=refresh if isinstance(refresh, str) else None,
        expires_at=now + lifetime,
        scope=str(answer.get("scope") or ""),
    )
