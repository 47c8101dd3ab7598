"""Fault injection: conditions a test or benchmark sets on a running vendor server.

Set at start through ``SandboxOptions`` and changed at run time through
``VendorHandle.faults``; every vendor server gets it the same way (``serve_vendor``).
Change the fields of that object in place: the middleware holds it, not a copy.

``Faults.stores`` narrows the injected faults to some of a server's stores: Dealertrack
serves several rooftops and AutoSync several shops from one server, and each vendor says
which store a request names (``VendorApp.store_of``).

Randomised faults draw from one ``random.Random`` per vendor seeded from the options seed
and the vendor name, so the same requests in the same order meet the same faults.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.common.errors import ApiError, ErrorRenderer, Handler

_READ_METHODS = frozenset({"GET", "HEAD"})
_RATES = ("error_rate", "reset_rate", "truncate_rate")

DROPPED_STATUS = 0
"""What the request log records for a request whose connection was reset unanswered."""

RateLimitHeaders = Callable[[int], Mapping[str, str]]
"""A vendor's rate-limit headers for an exhausted window that reopens in N seconds."""

StoreOf = Callable[[web.Request], Awaitable[str | None]]
"""The store a request names, as the vendor's contract carries it (None: it names none).
Awaitable because a store named in a write's body is read from it (aiohttp caches the
body, so the handler still gets it)."""


@dataclass
class Faults:
    latency_seconds: float = 0.0
    """Added before every response, as a slow vendor would."""
    write_latency_seconds: float = 0.0
    """Added after a write (any method but GET and HEAD) has been handled and before its
    answer leaves: a client that gives up meanwhile leaves the write done but unanswered.
    Session logins are POSTs too, so a client signs in before this is set."""
    error_rate: float = 0.0
    """Share (0..1) of requests answered 503 in the vendor's error shape, unhandled."""
    fail_all: bool = False
    """Every request answers 503, unhandled: a store that is down."""
    fail_logins: bool = False
    """Let the faults above, resets and truncation reach the login endpoints too; by
    default those are spared so a test can still sign in."""
    rate_limit_storm: bool = False
    """Every request, logins included, answers 429 with ``Retry-After`` (and the vendor's
    rate-limit headers where it has them), unhandled."""
    retry_after_seconds: int = 1
    """The ``Retry-After`` a storm sends."""
    reset_rate: float = 0.0
    """Share (0..1) of requests whose connection is closed unhandled and unanswered."""
    truncate_rate: float = 0.0
    """Share (0..1) of answers cut short: the full Content-Length is declared, about half
    the body is sent, then the connection closes. The request itself is handled."""
    token_ttl_seconds: int | None = None
    """Life of Supergood-family tokens issued from now on; None keeps the options' value."""
    mfa_replay_check: bool = True
    """False lets a Supergood-family login reuse a TOTP code already spent."""
    reject_writes: bool = False
    """Every write (any method but GET and HEAD; logins spared unless ``fail_logins``) is
    refused 422 ``validation_error``, blaming its first body member, unhandled."""
    echo_request: bool = False
    """Every error answer (4xx and 5xx, logins, reads and writes, injected ones too) echoes
    the request, as careless vendors do: its ``Authorization`` and API-key headers, query
    string and body, in the error's code, message, blamed field and details."""
    stores: frozenset[str] | None = None
    """Store ids (``VendorHandle.stores``) the faults above are limited to: the latencies,
    errors, storms, resets and truncation then reach only requests naming one of these
    stores, and requests naming another or none (logins, store listings) pass untouched,
    whatever ``fail_logins`` says. None: every request. Any iterable of strings is taken
    and frozen, on assignment too. Token life and the TOTP replay check stay vendor-wide:
    a login names no store. Ignored by one-store servers (autosoft, automate, dealercenter:
    they list their store without an id, so the vendor is the store)."""

    def __setattr__(self, name: str, value: Any) -> None:
        # Checked on every assignment, as run-time changes are assignments: a bare string
        # would otherwise match its own substrings.
        if name == "stores":
            value = _store_ids(value)
        super().__setattr__(name, value)

    def __post_init__(self) -> None:
        for name in _RATES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.latency_seconds < 0 or self.write_latency_seconds < 0:
            raise ValueError("latencies cannot be negative")
        if self.token_ttl_seconds is not None and self.token_ttl_seconds < 1:
            raise ValueError("token_ttl_seconds must be at least 1")


def _store_ids(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError("stores must be a set of store ids (strings), or None")
    ids = list(value)
    if not all(isinstance(i, str) and i.strip() for i in ids):
        raise ValueError("stores must hold non-empty strings")
    return frozenset(ids)


FAULTS_KEY = web.AppKey("sandbox_faults", Faults)
"""Where a vendor app finds its faults (token life and TOTP replay are read at login)."""


def fault_rng(seed: int, vendor: str) -> random.Random:
    # A str seed is hashed with SHA-512, so this does not vary with PYTHONHASHSEED.
    return random.Random(f"{seed}:{vendor}")


def _plain_error(err: ApiError) -> web.Response:
    body = {"error": {"code": err.code, "message": err.message}}
    return web.json_response(body, status=err.status, headers=err.headers or None)


def _drop(request: web.Request) -> web.Response:
    """Close the socket now; aiohttp then fails quietly to write the returned answer."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=DROPPED_STATUS)


async def _truncated(request: web.Request, response: web.Response) -> web.StreamResponse:
    body = response.body
    if not isinstance(body, bytes) or not body:
        return response  # nothing to cut: streamed or empty answers pass whole
    cut = web.StreamResponse(status=response.status, reason=response.reason)
    cut.headers.extend(response.headers)
    cut.content_length = len(body)
    await cut.prepare(request)
    await cut.write(body[: len(body) // 2])
    # close(), not abort(): the half already written must still reach the client.
    if request.transport is not None:
        request.transport.close()
    return cut


def faults_middleware(
    faults: Faults,
    *,
    rng: random.Random | None = None,
    render_error: ErrorRenderer | None = None,
    login_paths: frozenset[str] = frozenset(),
    rate_limit_headers: RateLimitHeaders | None = None,
    store_of: StoreOf | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Outside the vendor's error middleware, so injected errors are rendered here with the
    vendor's own renderer and never reach its handlers (or AutoSync's limiter).

    ``store_of`` None: the server is one store, and ``faults.stores`` is ignored.
    ``sleep``: what the injected latencies wait on (tests pass a fake one)."""
    draw = rng or random.Random()
    render = render_error or _plain_error

    def roll(rate: float) -> bool:
        # No draw when a fault is off, so turning one on does not shift the others'.
        return rate > 0 and draw.random() < rate

    async def targeted(request: web.Request) -> bool:
        stores = faults.stores
        if stores is None or store_of is None:
            return True
        return await store_of(request) in stores

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not await targeted(request):
            return await handler(request)  # spared requests draw nothing either
        response = await faulted(request, handler)
        if faults.echo_request and 400 <= response.status < 600:
            return render(await _echoed(request, response))
        return response

    async def faulted(request: web.Request, handler: Handler) -> web.StreamResponse:
        if faults.latency_seconds > 0:
            await sleep(faults.latency_seconds)
        if faults.rate_limit_storm:
            retry = max(1, faults.retry_after_seconds)
            headers = {"Retry-After": str(retry)}
            if rate_limit_headers is not None:
                headers.update(rate_limit_headers(retry))
            return render(ApiError(429, "rate_limited", "Rate limit exceeded", headers=headers))
        exposed = faults.fail_logins or request.path not in login_paths
        if exposed and roll(faults.reset_rate):
            return _drop(request)
        if exposed and (faults.fail_all or roll(faults.error_rate)):
            return render(ApiError(503, "service_unavailable", "Service temporarily unavailable"))
        if exposed and faults.reject_writes and request.method not in _READ_METHODS:
            blamed = next(iter(await _json_members(request)), None)
            return render(ApiError(422, "validation_error", "Invalid value", field=blamed))
        response = await handler(request)
        if faults.write_latency_seconds > 0 and request.method not in _READ_METHODS:
            await sleep(faults.write_latency_seconds)
        if exposed and isinstance(response, web.Response) and roll(faults.truncate_rate):
            return await _truncated(request, response)
        return response

    return middleware


_CREDENTIAL_HEADERS = ("Authorization", "X-API-Key", "X-Api-Key")


async def _echoed(request: web.Request, response: web.StreamResponse) -> ApiError:
    """The error ``response`` carried, re-issued with the request echoed into every member a
    client of the vendor might show: the credential as the code's suffix and as the blamed
    field, everything in the message, each body member as a detail."""
    body = await request.text() if request.body_exists else ""
    credentials = [request.headers[h] for h in _CREDENTIAL_HEADERS if h in request.headers]
    token = credentials[0].partition(" ")[2] or credentials[0] if credentials else ""
    code, message = _code_and_message(response)
    details = [("authorization", c) for c in credentials]
    details += [(k, str(v)) for k, v in (await _json_members(request)).items()]
    echo = f"sent {'; '.join(credentials)} {request.query_string} {body}"
    return ApiError(
        response.status,
        f"{code}:{token}" if token else code,
        f"{message} ({echo}; upper-cased: {echo.upper()})",
        field=token or (details[0][1] if details else None),
        headers={k: v for k, v in response.headers.items() if k.lower() == "retry-after"},
        details=details,
    )


async def _json_members(request: web.Request) -> dict[str, Any]:
    """A JSON object body's members (aiohttp keeps the body, so the handler still reads it)."""
    if not request.body_exists:
        return {}
    try:
        parsed = json.loads(await request.text())
    except ValueError:
        return {}
    return {str(k): v for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def _code_and_message(response: web.StreamResponse) -> tuple[str, str]:
    """The vendor error code and message of an error answer, whatever its shape."""
    body = response.body if isinstance(response, web.Response) else None
    try:
        parsed = json.loads(body) if isinstance(body, bytes) and body else {}
    except ValueError:
        parsed = {}
    error = parsed.get("error", parsed) if isinstance(parsed, dict) else {}
    if not isinstance(error, dict):
        error = {"message": str(error)}
    return str(error.get("code") or "error"), str(error.get("message") or "failed")


def login_faults(request: web.Request) -> Faults:
    """The faults a login handler honours; defaults when the app is served without them."""
    return request.app.get(FAULTS_KEY) or Faults()
