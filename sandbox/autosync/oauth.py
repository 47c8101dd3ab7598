"""AutoSync's OAuth 2.0 authorization code flow, for platform integrations acting for
several shops.

The page documents ``GET /oauth/authorize`` (on the web host: served here at the root) and
``POST /v1/oauth/token`` with ``grant_type=authorization_code``. The answer's members and
the ``refresh_token`` grant are not on the page: they follow RFC 6749 (``access_token``,
``token_type``, ``expires_in``, ``refresh_token``, ``scope``; errors ``invalid_grant``,
``invalid_client``), as the contract doc says.

No person sits at the sandbox's consent screen: an authorize request from a registered
client is approved at once and redirected with a single-use code.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from sandbox.autosync.keys import ApiKey
from sandbox.common.errors import ApiError

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"  # under the API's /v1
CODE_TTL_SECONDS = 600
TOKEN_TTL_SECONDS = 3600


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str
    shop_ids: tuple[int, ...]
    """The shops the sandbox's user grants this client on its consent screen."""


@dataclass
class Grant:
    client_id: str
    shop_ids: tuple[int, ...]
    scope: str
    access_token: str
    refresh_token: str
    expires_at: float


@dataclass
class OAuthServer:
    clients: dict[str, OAuthClient]
    clock: Callable[[], float] = time.time
    token_ttl_seconds: int = TOKEN_TTL_SECONDS
    _codes: dict[str, tuple[str, tuple[int, ...], str, float]] = field(default_factory=dict)
    _by_access: dict[str, Grant] = field(default_factory=dict)
    _by_refresh: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[str] = field(default_factory=list)
    """The grant type of every token request, in order."""

    @property
    def default_client(self) -> OAuthClient:
        return next(iter(self.clients.values()))

    def key_for(self, access_token: str) -> ApiKey | None:
        """The reach of a live access token, as an API key's would be."""
        grant = self._by_access.get(access_token)
        if grant is None or grant.expires_at <= self.clock():
            return None
        return ApiKey(key=f"oauth:{grant.client_id}", shop_ids=grant.shop_ids)

    def revoke(self, client_id: str) -> None:
        """The shop owner withdraws the client's access: every token it holds stops working."""
        for table in (self._by_access, self._by_refresh):
            for token in [t for t, g in table.items() if g.client_id == client_id]:
                del table[token]

    def authorize(self, request: web.Request) -> web.Response:
        q = request.query
        client = self.clients.get(q.get("client_id", ""))
        redirect_uri = q.get("redirect_uri", "")
        if client is None:
            raise ApiError(400, "invalid_client", "Unknown client_id")
        if urlsplit(redirect_uri).scheme not in ("http", "https"):
            raise ApiError(400, "invalid_request", "redirect_uri must be an http(s) URL")
        if q.get("response_type") != "code":
            raise ApiError(400, "unsupported_response_type", "response_type must be 'code'")
        code = secrets.token_urlsafe(24)
        scope = q.get("scope", "")
        self._codes[code] = (client.client_id, client.shop_ids, scope, self.clock())
        params = {"code": code} | ({"state": q["state"]} if "state" in q else {})
        raise web.HTTPFound(f"{redirect_uri}?{urlencode(params)}")

    def token(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "Body must be a JSON object")
        grant_type = body.get("grant_type")
        self.token_requests.append(str(grant_type))
        client = self.clients.get(str(body.get("client_id", "")))
        if client is None or not secrets.compare_digest(
            str(body.get("client_secret", "")), client.client_secret
        ):
            raise ApiError(401, "invalid_client", "Client authentication failed")
        if grant_type == "authorization_code":
            found = self._codes.pop(str(body.get("code", "")), None)
            if found is None or found[0] != client.client_id:
                raise ApiError(400, "invalid_grant", "Authorization code is invalid or used")
            _, shop_ids, scope, issued = found
            if self.clock() - issued > CODE_TTL_SECONDS:
                raise ApiError(400, "invalid_grant", "Authorization code has expired")
            return self._issue(client.client_id, shop_ids, scope)
        if grant_type == "refresh_token":
            old = self._by_refresh.pop(str(body.get("refresh_token", "")), None)
            if old is None or old.client_id != client.client_id:
                raise ApiError(400, "invalid_grant", "Refresh token is invalid or revoked")
            self._by_access.pop(old.access_token, None)
            return self._issue(client.client_id, old.shop_ids, old.scope)
        raise ApiError(400, "unsupported_grant_type", f"Unsupported grant_type {grant_type!r}")

    def _issue(self, client_id: str, shop_ids: tuple[int, ...], scope: str) -> dict[str, Any]:
        grant = Grant(
            client_id=client_id,
            shop_ids=shop_ids,
            scope=scope,
            access_token=f"at_{secrets.token_urlsafe(24)}",
            refresh_token=f"rt_{secrets.token_urlsafe(24)}",
            expires_at=self.clock() + self.token_ttl_seconds,
        )
        self._by_access[grant.access_token] = grant
        self._by_refresh[grant.refresh_token] = grant
        return {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": self.token_ttl_seconds,
            "refresh_token": grant.refresh_token,
            "scope": scope,
        }


def oauth_client_for(seed: int, shop_ids: tuple[int, ...]) -> OAuthClient:
    """The sandbox's registered platform client (deterministic per seed, like the key)."""
    rng = random.Random(f"{seed}:autosync-oauth")
    return OAuthClient(
        client_id=f"oc_{rng.getrandbits(64):016x}",
        client_secret=f"ocs_{rng.getrandbits(160):040x}",
        shop_ids=shop_ids,
    )
