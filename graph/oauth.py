"""Authorizing an OAuth connection: the address a person opens, and the callback the
vendor's consent screen sends them back to.

``dealergraph connect autosync --connection ID`` prints the address: the vendor's
authorize URL with the client id, the configured redirect URI, the scopes and a signed
``state``. The vendor redirects to ``GET /oauth/callback/{connection id}?code&state``; the
server checks the state (it names this connection and is less than 15 minutes old, signed
with a key derived from the token key, so nobody can feed the server a code of their own),
trades the code for tokens and keeps them encrypted (``graph.token_vault``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlencode

from aiohttp import web

from adapters.errors import AdapterError
from graph.config import AppConfig, ConfigError, ConnectionConfig

STATE_TTL_SECONDS = 15 * 60
CALLBACK_PATH = "/oauth/callback/{connection_id}"


class OAuthLinks:
    """The authorize addresses of a configuration's OAuth connections, and their states."""

    def __init__(
        self,
        connections: Mapping[str, tuple[ConnectionConfig, str]],
        token_key: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``connections``: id -> (its configuration, its OAuth client id)."""
        self._connections = dict(connections)
        self._key = hashlib.sha256(b"oauth-state\x00" + token_key.encode()).digest()
        self._clock = clock

    @classmethod
    def from_config(
        cls,
        config: AppConfig,
        environ: Mapping[str, str],
        *,
        clock: Callable[[], float] = time.time,
    ) -> OAuthLinks | None:
        """None when no connection uses OAuth. Raises ConfigError naming what is missing."""
        chosen = [c for c in config.connections if c.oauth is not None]
        if not chosen:
            return None
        key = environ.get(config.server.token_key_env)
        if not key:
            raise ConfigError(
                f"connections {[c.id for c in chosen]} use OAuth: set "
                f"{config.server.token_key_env} to a key of 32 or more characters"
            )
        clients = {}
        for connection in chosen:
            resolved = connection.resolve_secrets(environ)
            if "client_id" not in resolved or "client_secret" not in resolved:
                raise ConfigError(
                    f"connection {connection.id!r}: OAuth needs secrets client_id and client_secret"
                )
            clients[connection.id] = (connection, resolved["client_id"].get_secret_value())
        return cls(clients, key, clock=clock)

    def authorize_url(self, connection_id: str) -> str:
        connection, client_id = self._known(connection_id)
        assert connection.oauth is not None
        params = {
            "client_id": client_id,
            "redirect_uri": connection.oauth.redirect_uri,
            "response_type": "code",
            "scope": " ".join(connection.oauth.scopes),
            "state": self._state(connection_id),
        }
        return f"{connection.oauth.authorize_url}?{urlencode(params)}"

    def state_is_valid(self, connection_id: str, state: str) -> bool:
        nonce, _, rest = state.partition(".")
        issued, _, signature = rest.partition(".")
        if not (nonce and issued.isdigit() and signature):
            return False
        expected = self._sign(connection_id, nonce, issued)
        fresh = 0 <= self._clock() - int(issued) <= STATE_TTL_SECONDS
        return hmac.compare_digest(signature, expected) and fresh

    def _known(self, connection_id: str) -> tuple[ConnectionConfig, str]:
        if connection_id not in self._connections:
            raise ConfigError(f"no OAuth connection {connection_id!r} in the configuration")
        return self._connections[connection_id]

    def _state(self, connection_id: str) -> str:
        nonce, issued = secrets.token_urlsafe(12), str(int(self._clock()))
        return f"{nonce}.{issued}.{self._sign(connection_id, nonce, issued)}"

    def _sign(self, connection_id: str, nonce: str, issued: str) -> str:
        message = f"{connection_id}.{nonce}.{issued}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def _answer(status: int, message: str, code: str | None = None) -> web.Response:
    body: dict[str, object] = {"message": message}
    if code is not None:
        body["code"] = code
    return web.json_response(body, status=status)


def callback_handler(
    links: OAuthLinks, complete: Callable[[str, str], Awaitable[None]]
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """``complete(connection id, code)``: the awaitable that trades the code for tokens."""

    async def callback(request: web.Request) -> web.Response:
        connection_id = request.match_info["connection_id"]
        q = request.query
        if "error" in q:  # the person declined, or the vendor refused the request
            return _answer(400, "the DMS did not authorize the connection", "OAUTH_DENIED")
        if not links.state_is_valid(connection_id, q.get("state", "")):
            return _answer(400, "this authorization link is invalid or expired", "BAD_STATE")
        code = q.get("code")
        if not code:
            return _answer(400, "the DMS sent no authorization code", "BAD_USER_INPUT")
        try:
            await complete(connection_id, code)
        except AdapterError as exc:
            return _answer(502, exc.message, exc.code)
        return _answer(200, f"connection {connection_id!r} is authorized")

    return callback
