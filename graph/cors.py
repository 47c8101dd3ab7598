"""Cross-origin access to ``/graphql`` for browser apps served from other origins.

``[server] cors_origins`` lists the origins allowed: exact (``https://app.example.com``) or
with ``*`` standing for one host label or a port (``https://*.example.com``,
``http://localhost:*``); ``"*"`` alone admits every origin. Nothing listed, no CORS headers:
browsers then keep pages on other origins out, as before. Credentials (cookies) are never
involved: the API key travels in ``Authorization``, which a preflight must admit.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import hdrs, web

SANDBOX_CORS_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
"""Sandbox mode: any page a developer serves on this machine may call the API."""

ALLOW_METHODS = "GET, POST"
ALLOW_HEADERS = ", ".join(
    (
        "Authorization",
        "Content-Type",
        "Accept",
        # Tracing and request correlation.
        "X-Request-ID",
        "traceparent",
        "tracestate",
        # Apollo Client's persisted queries and client awareness.
        "apollographql-client-name",
        "apollographql-client-version",
        "apollo-require-preflight",
        "X-Apollo-Operation-Name",
        "Idempotency-Key",
    )
)
EXPOSE_HEADERS = "X-Request-ID, Retry-After, WWW-Authenticate, Content-Encoding"
"""What a script may read from a response beyond the CORS-safelisted headers."""
MAX_AGE_SECONDS = "600"
_PATHS = ("/graphql",)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]


class OriginPolicy:
    """Which ``Origin`` header values are admitted."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.any = "*" in patterns
        exact = [p.lower().rstrip("/") for p in patterns if p != "*"]
        # ``*`` is one label or a port, never a dot or a slash: "https://*.example.com"
        # must not admit "https://evil.com/.example.com".
        regexes = [
            "".join("[a-z0-9-]+" if part == "*" else re.escape(part) for part in _split(p))
            for p in exact
        ]
        self._match = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None

    def __bool__(self) -> bool:
        return self.any or self._match is not None

    def allows(self, origin: str) -> bool:
        if self.any:
            return True
        return self._match is not None and self._match.fullmatch(origin.lower()) is not None


def _split(pattern: str) -> list[str]:
    return re.split(r"(\*)", pattern)


def cors_middleware(patterns: Sequence[str]) -> Middleware:
    """Answers preflights for allowed origins and marks the responses they may read."""
    policy = OriginPolicy(patterns)

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get(hdrs.ORIGIN)
        if not policy or request.path not in _PATHS:
            return await handler(request)
        allowed = origin is not None and policy.allows(origin)
        if (
            allowed
            and request.method == hdrs.METH_OPTIONS
            and hdrs.ACCESS_CONTROL_REQUEST_METHOD in request.headers
        ):
            response = web.Response(status=204)
            response.headers[hdrs.ACCESS_CONTROL_ALLOW_METHODS] = ALLOW_METHODS
            response.headers[hdrs.ACCESS_CONTROL_ALLOW_HEADERS] = ALLOW_HEADERS
            response.headers[hdrs.ACCESS_CONTROL_MAX_AGE] = MAX_AGE_SECONDS
            _mark(response, origin)
            return response
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            _mark(exc, origin if allowed else None)
            raise
        _mark(response, origin if allowed else None)
        return response

    return cors


def _mark(response: web.StreamResponse, origin: str | None) -> None:
    if response.prepared:  # a WebSocket, already answered
        return
    # The answer depends on Origin whether or not it was admitted: caches must key on it.
    response.headers.add(hdrs.VARY, hdrs.ORIGIN)
    if origin is None:
        return
    response.headers[hdrs.ACCESS_CONTROL_ALLOW_ORIGIN] = origin
    response.headers[hdrs.ACCESS_CONTROL_EXPOSE_HEADERS] = EXPOSE_HEADERS
