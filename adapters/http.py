"""The HTTP machinery every vendor client runs on, written once.

One ``HttpClient`` per connection, over the process-wide ``aiohttp.ClientSession`` it is
given. It bounds concurrency per connection, sets explicit timeouts, parses JSON with
``Decimal`` floats (money stays exact), retries idempotent reads on transient failures with
jittered exponential backoff, keeps under the vendor's request budget (``adapters.ratelimit``)
and waits out short rate limits it still meets, replays once after a 401 the auth strategy
could renew, fails fast while its circuit is open (``adapters.circuit``), and maps every
failure onto ``adapters.errors``. ``health()`` reports what its calls saw.

Writes (any method but GET and HEAD) are never resent after a failure that may have reached
the vendor: a timeout, reset or disconnect after the request left, or a 5xx answer, raises
``UpstreamOutcomeUnknown``, while a failure before anything was sent (connection refused,
DNS, connect timeout) stays ``UpstreamUnavailable``. Only answers proving the vendor did
not process the request (401 before a token renewal, 429) lead to sending a write again.

Error messages name the vendor, method, path and vendor error code only: never headers,
query strings, bodies, tokens or keys (vendor text is scrubbed of known secrets too).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import quote

import aiohttp
import msgspec

from adapters.auth import AuthStrategy
from adapters.circuit import Admission, CircuitBreaker, CircuitShare, CircuitState
from adapters.endpoints import EndpointMemory
from adapters.errors import (
    AdapterError,
    BudgetExhausted,
    MfaNotPending,
    SharedStateUnavailable,
    SignInHeld,
    UpstreamAuthFailed,
    UpstreamOutcomeUnknown,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from adapters.health import ConnectionHealth, MfaChallenge
from adapters.observing import RequestObserver, VendorCall, circuit_transition
from adapters.ratelimit import Clock, RateBudget, RateGate, Sleep, SlidingWindowLimiter
from adapters.response_cache import DEFAULT_TTLS, ResponseCache
from adapters.scrub import scrub_error
from adapters.tracking import CallTrack, CallTracks, ScopeOf
from adapters.upstream_scope import current_scope

log = logging.getLogger(__name__)

# Only reads are replayed after a failure that may have reached the vendor: a retried
# POST could create a second lead or payment.
_RETRYABLE_METHODS = frozenset({"GET", "HEAD"})
# Failures that say the vendor is down or unreachable; they count towards opening the circuit.
# A 4xx, 429 or malformed answer proves the vendor is up.
# A 401 the session could not be renewed for counts too: repeated ones open the circuit.
_DOWN = (UpstreamUnavailable, UpstreamOutcomeUnknown, UpstreamAuthFailed)
# Failures of the request itself (bad id, refused input), not of the connection.
_NOT_CONNECTION_FAULTS = (UpstreamRejected,)
# Failures that happen before any byte of the request left: nothing can have been recorded.
_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, aiohttp.InvalidURL)
REQUEST_ID_HEADER = "X-Request-ID"


class _DroppedAfterSending(aiohttp.ClientConnectionError):
    """The connection failed once the request was on its way."""


async def _never_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """aiohttp sends a PUT or DELETE once more when the connection drops (HTTP calls them
    idempotent); a vendor's may not be. Re-raised as another error, the drop ends the
    request instead. A failure to connect is left as it is: nothing was sent."""
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
        raise _DroppedAfterSending(type(exc).__name__) from exc


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Timeouts, retry, rate, concurrency and circuit limits of one connection."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float | None = 60.0
    max_retries: int = 2
    """Extra attempts for an idempotent read after a 5xx, timeout or connection failure."""
    backoff_base: float = 0.2
    backoff_max: float = 3.0
    max_rate_limit_wait: float = 5.0
    """Longest Retry-After / X-RateLimit-Reset we sit out; longer ones fail fast."""
    rate_limit_retries: int = 3
    max_concurrency: int = 8
    """Requests in flight at once per connection."""
    reference_ttl: float = 120.0
    """How long reference data (employees, shops) is reused before it is read again."""
    rate_budget: RateBudget | Literal["vendor"] | None = "vendor"
    """Requests allowed per window: "vendor" keeps the vendor's published budget, None
    lifts any limit, a ``RateBudget`` replaces it (tests shrink the window)."""
    circuit_failure_threshold: int = 5
    """Consecutive "vendor down" failures (after retries) that open the circuit."""
    circuit_cooldown: float = 30.0
    """Seconds an open circuit fails fast before one probe is let through."""
    cache_ttls: Mapping[str, float] = field(default_factory=lambda: DEFAULT_TTLS)
    """Seconds a read answer of each resource kind is reused across requests
    (``adapters.response_cache``; 0 disables a kind)."""
    failed_sign_ins_per_hour: int = 3
    """Sign-ins the DMS refused that are tried again within an hour, at most
    (``adapters.sign_in_guard``): a wrong password must not lock the vendor account."""

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if self.circuit_failure_threshold < 1 or self.circuit_cooldown < 0:
            raise ValueError("circuit threshold must be at least 1, cool-down not negative")
        if self.max_retries < 0 or self.rate_limit_retries < 0:
            raise ValueError("retry counts cannot be negative")
        if self.failed_sign_ins_per_hour < 1:
            raise ValueError("failed_sign_ins_per_hour must be at least 1")

    def timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(
            total=self.total_timeout,
            sock_connect=self.connect_timeout,
            sock_read=self.read_timeout,
        )

    def budget_for(self, vendor_budget: RateBudget | None) -> RateBudget | None:
        """The request budget a connection keeps, given its vendor's published one."""
        return vendor_budget if self.rate_budget == "vendor" else self.rate_budget

    def backoff(self, attempt: int) -> float:
        """Delay before retry ``attempt`` (1-based): exponential, capped, half jittered."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True, slots=True)
class VendorError:
    code: str | None = None
    message: str | None = None
    field: str | None = None
    """The input field the vendor blames, in its own naming, where it says."""
    detail: Mapping[str, Any] | None = None
    """The error object as the vendor sent it, for what the fields above leave out."""


ErrorReader = Callable[[Any], VendorError]


def read_error_object(body: Any) -> VendorError:
    """Both vendor families answer errors as ``{"error": {"code", "message", ...}}``."""
    err = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(err, Mapping):
        return VendorError()
    code, message = err.get("code"), err.get("message")
    return VendorError(
        code=str(code) if code is not None else None,
        message=str(message) if message is not None else None,
        detail=err,
    )


def path_segment(value: str) -> str:
    """One URL path segment, so an id with ``/`` or ``?`` cannot reach another endpoint."""
    return quote(str(value), safe="")


_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def loads(raw: bytes) -> Any:
    """JSON with exact decimals; NaN and Infinity are not money and are refused.

    msgspec reads strict UTF-8 JSON (each float a ``Decimal`` of its own digits) in about
    two thirds of the standard library's time; what it refuses (NaN, a BOM, UTF-16, a
    lone surrogate, malformed JSON) the standard library decides, as it always did."""
    try:
        return _DECODER.decode(raw)
    except msgspec.DecodeError:
        return json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name}")


def dumps(value: Any) -> str:
    """JSON for a request body with Decimal written as its own digits (51995.00 stays
    51995.00, never a float on the way) and datetimes as UTC ``YYYY-MM-DDTHH:MM:SSZ``."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("non-finite Decimal in a request body")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("float in a request body: use Decimal")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a request body")
        return json.dumps(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)  # str, int, bool, None


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the vendor asks us to wait, from Retry-After or X-RateLimit-Reset."""
    now = time.time() if now is None else now
    retry_after = headers.get("Retry-After")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
            except (TypeError, ValueError):
                pass
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            value = float(reset)
        except ValueError:
            return None
        # Unix seconds per the AutoSync page; small values are a delta some vendors send.
        return max(0.0, value - now) if value > 1_000_000_000 else max(0.0, value)
    return None


@dataclass(frozen=True, slots=True)
class _Call:
    """One request as its caller asked for it."""

    method: str
    path: str
    params: Mapping[str, str] | None
    json_body: Any
    headers: Mapping[str, str] | None
    not_found_ok: bool


class HttpClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        vendor: str,
        policy: HttpPolicy | None = None,
        auth: AuthStrategy | None = None,
        error_reader: ErrorReader = read_error_object,
        budget: RateBudget | None = None,
        gate: RateGate | None = None,
        scope_of: ScopeOf | None = None,
        cache: ResponseCache | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        observer: RequestObserver | None = None,
        circuits: Callable[[str | None], CircuitShare] | None = None,
    ) -> None:
        """``budget``: the vendor's published request budget for this credential, unless
        the policy overrides it. ``gate``: the credential's gate to pass through instead of
        a private one (shared by connections on one credential, or driven by a test clock).
        ``scope_of``: which store a request concerns, for logins that serve several, so each
        store has its own circuit and health. ``cache``: the read answers of this login
        (shared by connections on it); a private one by default. ``clock`` and ``sleep``
        time the circuits' cool-downs and the retries' backoff (and a private gate's
        windows and pauses); None takes the given gate's, else the real ones (tests pass
        fake ones to move time instead of sleeping: both, where a budget waits on them).
        """
        self.vendor = vendor
        self.policy = policy or HttpPolicy()
        self._session = session
        self._base = base_url.rstrip("/")
        self._auth = auth
        self._read_error = error_reader
        self._slots = asyncio.Semaphore(self.policy.max_concurrency)
        self._timeout = self.policy.timeout()
        if clock is None:
            clock = gate.clock if gate is not None else time.monotonic
        if sleep is None:
            sleep = gate.sleep if gate is not None else asyncio.sleep
        self._sleep = sleep
        self._observer = observer or RequestObserver()
        if gate is None:
            chosen = self.policy.budget_for(budget)
            limiter = None
            if chosen is not None:
                limiter = SlidingWindowLimiter(chosen, clock=clock, sleep=sleep)
            gate = RateGate(limiter, clock=clock, sleep=sleep)
        self._gate = gate
        self.cache = cache if cache is not None else ResponseCache(self.policy.cache_ttls)
        self.endpoints = EndpointMemory()
        """Which vendor endpoints this tenant serves, as lookups found out."""
        # Circuits and what health() reports (codes and times only, never messages: they
        # name paths), per store where the vendor's login serves several.
        self._tracks = CallTracks(
            lambda store: CircuitBreaker(
                self.policy.circuit_failure_threshold,
                self.policy.circuit_cooldown,
                clock=clock,
                # ``circuits``: each store's circuit as other server processes see it too.
                share=circuits(store) if circuits is not None else None,
            ),
            scope_of,
        )

    @property
    def auth(self) -> AuthStrategy | None:
        return self._auth

    def __repr__(self) -> str:
        return f"HttpClient(vendor={self.vendor!r}, base_url={self._base!r})"

    async def get(
        self, path: str, params: Mapping[str, str] | None = None, *, not_found_ok: bool = False
    ) -> Any:
        """A read, answered from the request's memo or the cache where it can be."""
        key = ("GET", path, tuple(sorted((params or {}).items())), not_found_ok)
        missed = False

        def fetch() -> Awaitable[Any]:
            nonlocal missed
            missed = True
            return self.request("GET", path, params=params, not_found_ok=not_found_ok)

        answer = await self.cache.get(
            key, path=path, store=self._tracks.store_of(path, params, None), fetch=fetch
        )
        # A hit sent nothing: answered from the memo, the cache or another's fetch in flight.
        self._observer.cache_looked_up(self.vendor, path, hit=not missed)
        return answer

    def health(self, store_id: str | None = None) -> ConnectionHealth:
        """How this connection is doing for ``store_id``, from the calls made through it."""
        mfa = self._auth.pending_mfa() if self._auth is not None else None
        refused = self._auth.credentials_refused() if self._auth is not None else False
        health = self._tracks.health(store_id, mfa, refused)
        unserved = tuple(self.endpoints.unserved())
        return replace(health, unserved_endpoints=unserved) if unserved else health

    async def request_mfa_code(self) -> MfaChallenge:
        """Have the vendor send a new sign-in code to its person (SMS, e-mail)."""
        if self._auth is None:
            raise MfaNotPending.no_operator(self.vendor)
        return await self._auth.request_mfa_code(self)

    async def submit_mfa_code(self, code: str) -> None:
        """Complete the held sign-in with the code a person read."""
        if self._auth is None:
            raise MfaNotPending.no_operator(self.vendor)
        await self._auth.submit_mfa_code(self, code)
        self._tracks.signed_in()

    async def close(self) -> None:
        if self._auth is not None:
            await self._auth.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        authenticate: bool = True,
        not_found_ok: bool = False,
    ) -> Any:
        """Send one request and return its decoded JSON body.

        ``not_found_ok``: a 404 returns None (detail reads) instead of raising.
        ``authenticate=False`` is for the auth strategy's own login and refresh calls.
        """
        call = _Call(method.upper(), path, params, json_body, headers, not_found_ok)
        if not authenticate:
            # Login and refresh run inside a call that already passed the circuit (perhaps
            # as its one probe) and whose outcome is recorded: gating them again would
            # reject the probe's own login.
            try:
                body, _ = await self._exchange(call, authenticate=False)
            except (UpstreamAuthFailed, UpstreamRejected):
                self._observer.signed_in(self.vendor, "refused")
                raise
            except AdapterError:
                self._observer.signed_in(self.vendor, "failed")
                raise
            self._observer.signed_in(self.vendor, "ok")
            return body
        try:
            return await self._through_circuit(call)
        finally:
            if call.method not in _RETRYABLE_METHODS:
                # Whatever the write's outcome, the store's cached reads may be stale.
                self.cache.invalidate(self._tracks.store_of(path, params, json_body))

    async def _through_circuit(self, call: _Call) -> Any:
        """One authenticated request through its store's circuit, recorded for health."""
        store = self._tracks.store_of(call.path, call.params, call.json_body)
        track = self._tracks.get(store)
        admission = await track.circuit.enter()
        if admission is Admission.PROBE:
            self._observer.circuit_moved(self.vendor, store, "half_open")
        if admission is Admission.REJECT:
            raise UpstreamUnavailable(
                f"{self.vendor} {call.method} {call.path}: circuit open after repeated"
                f" failures; next probe in {track.circuit.retry_in():.0f} s"
            )
        try:
            body, retried = await self._exchange(call, authenticate=True)
        except (BudgetExhausted, SharedStateUnavailable):
            track.circuit.abandoned(admission)  # never sent: says nothing of the vendor
            raise
        except AdapterError as exc:
            before = track.circuit.state
            self._record_failure(track, exc, admission)
            self._circuit_moved(store, admission, before, track)
            raise
        except BaseException:
            track.circuit.abandoned(admission)
            raise
        before = track.circuit.state
        track.circuit.succeeded(admission)
        self._circuit_moved(store, admission, before, track)
        track.succeeded(retried=retried)
        return body

    def _circuit_moved(
        self, store: str | None, admission: Admission, before: CircuitState, track: CallTrack
    ) -> None:
        to = circuit_transition(admission, before, track.circuit.state)
        if to is not None:
            self._observer.circuit_moved(self.vendor, store, to)

    async def retry_sign_in(self) -> None:
        """An operator asks: forget refused sign-ins, close the circuits, sign in now."""
        if self._auth is None:
            return
        self._auth.retry_sign_in()
        self._tracks.reset_circuits()
        await self._auth.headers(self)
        self._tracks.signed_in()

    @staticmethod
    def _record_failure(track: CallTrack, exc: AdapterError, admission: Admission) -> None:
        if isinstance(exc, SignInHeld):
            track.circuit.abandoned(admission)  # nothing was sent
        elif isinstance(exc, _DOWN):
            track.circuit.failed(admission)
        else:
            track.circuit.succeeded(admission)  # the vendor answered: it is up
        if isinstance(exc, _NOT_CONNECTION_FAULTS):
            track.answered()  # a refused id or input says nothing about the connection
        else:
            track.failed(exc.code)

    async def _exchange(self, call: _Call, *, authenticate: bool) -> tuple[Any, bool]:
        """The request with its retries, renewal and rate-limit waits; the decoded body,
        and whether it took more than one attempt."""
        method, path = call.method, call.path
        retryable = method in _RETRYABLE_METHODS
        # The auth strategy's own login and refresh record nothing a caller could duplicate.
        is_write = not retryable and authenticate
        auth = self._auth if authenticate else None
        failures = throttled = 0
        renewed = False
        while True:
            sent = dict(call.headers or {})
            if auth is not None:
                sent.update(await auth.headers(self))
            try:
                attempt = failures + throttled + renewed
                status, resp_headers, raw = await self._send(
                    call, sent, once=is_write, attempt=attempt
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                # aiohttp errors may carry request headers (the token): never chain them.
                what = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
                if isinstance(exc, _DroppedAfterSending):
                    what = str(exc)  # the underlying error's name
                if retryable and failures < self.policy.max_retries:
                    failures += 1
                    await self._retry_pause(failures, method, path, what)
                    continue
                if is_write and not isinstance(exc, _NOT_SENT):
                    raise UpstreamOutcomeUnknown(
                        f"{self.vendor} {method} {path}: {what} after the request was sent;"
                        " it may or may not have been applied"
                    ) from None
                raise UpstreamUnavailable(f"{self.vendor} {method} {path}: {what}") from None

            if 200 <= status < 300:
                return self._decode(raw, method, path), bool(failures or throttled)
            # Vendors echo requests in their errors: nothing read from one leaves unscrubbed.
            err = scrub_error(self._read_error(self._decode_error(raw)), self._secrets())
            message = self._describe(method, path, status, err)

            if status == 401:
                if auth is not None and not renewed and await auth.renew(self, sent):
                    renewed = True
                    continue
                raise UpstreamAuthFailed(message, vendor_code=err.code, detail=err.detail)
            if status == 404 and call.not_found_ok:
                return None, bool(failures or throttled)
            if status == 429:
                wait = rate_limit_wait(resp_headers)
                delay = self.policy.backoff(throttled + 1) if wait is None else wait
                if delay <= self.policy.max_rate_limit_wait and (
                    throttled < self.policy.rate_limit_retries
                ):
                    # The vendor refused the request unprocessed, so even writes may resend.
                    throttled += 1
                    log.info("%s: rate limited, waiting %.2f s", message, delay)
                    self._pause(delay)
                    continue
                raise UpstreamRateLimited(message, retry_after=wait)
            if status >= 500:
                if retryable and failures < self.policy.max_retries:
                    failures += 1
                    await self._retry_pause(failures, method, path, str(status))
                    continue
                if is_write:
                    # A vendor may fail after committing: only a read of it can tell.
                    raise UpstreamOutcomeUnknown(f"{message}; the write may have been applied")
                raise UpstreamUnavailable(message)
            if status >= 400:
                raise UpstreamRejected(
                    message, status=status, vendor_code=err.code, field=err.field
                )
            raise UpstreamProtocolError(message)

    # --- internals ----------------------------------------------------------------------

    async def _send(
        self, call: _Call, headers: Mapping[str, str], *, once: bool = False, attempt: int = 0
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One exchange; ``once``: aiohttp must not send it again either. (Per-request
        middlewares replace the session's; the process-wide session sets none.)"""
        # The scope names the API client the budget is shared fairly between, and the
        # deadline past which waiting for a slot fails fast.
        scope = current_scope()
        queued = self._gate.clock()
        try:
            await self._gate.enter(scope)
            self._observer.budget_waited(self.vendor, self._gate.clock() - queued)
        except UpstreamRateLimited as exc:
            raise BudgetExhausted(
                f"{self.vendor} {call.method} {call.path}: {exc.message}",
                retry_after=exc.retry_after,
            ) from None
        try:
            # Budget first, connection slot second: a request queued for the budget must not
            # hold a connection slot that another client's admitted request needs.
            async with self._slots:
                return await self._exchange_once(call, headers, once, attempt)
        finally:
            self._gate.leave(scope)

    async def _exchange_once(
        self, call: _Call, headers: Mapping[str, str], once: bool, attempt: int
    ) -> tuple[int, Mapping[str, str], bytes]:
        method, path, json_body = call.method, call.path, call.json_body
        started = time.monotonic()
        scope = current_scope()
        if scope is not None:
            scope.sent()
            if scope.request_id:  # one id joins our log lines and the vendor's
                headers = {**headers, REQUEST_ID_HEADER: scope.request_id}
        data = None
        if json_body is not None:
            data = dumps(json_body).encode()
            headers = {**headers, "Content-Type": "application/json"}
        store = self._tracks.store_of(path, call.params, json_body)
        seen = VendorCall(self.vendor, store, method, path, attempt)
        with self._observer.sending(seen):  # metrics, and a span whose context is sent
            async with self._session.request(
                method,
                self._base + path,
                params=call.params,
                data=data,
                headers={**headers, **seen.headers},
                middlewares=(_never_resend,) if once else None,
                timeout=self._timeout,
                allow_redirects=False,
                raise_for_status=False,
            ) as resp:
                raw = await resp.read()
                seen.status = resp.status
        log.debug(
            "%s %s %s -> %d in %.1f ms",
            self.vendor,
            method,
            path,
            resp.status,
            (time.monotonic() - started) * 1000,
        )
        self._note_rate_window(resp.headers)
        return resp.status, resp.headers, raw

    def _note_rate_window(self, headers: Mapping[str, str]) -> None:
        if headers.get("X-RateLimit-Remaining") == "0":
            wait = rate_limit_wait({"X-RateLimit-Reset": headers.get("X-RateLimit-Reset", "")})
            if wait is not None and wait <= self.policy.max_rate_limit_wait:
                self._pause(wait)

    def _pause(self, seconds: float) -> None:
        # A little jitter so the waiting requests do not all land in the same instant.
        self._gate.pause(seconds + random.uniform(0, 0.05))

    async def _retry_pause(self, attempt: int, method: str, path: str, what: str) -> None:
        delay = self.policy.backoff(attempt)
        log.warning(
            "%s %s %s: %s; retry %d/%d in %.2f s",
            self.vendor,
            method,
            path,
            what,
            attempt,
            self.policy.max_retries,
            delay,
        )
        await self._sleep(delay)

    def _decode(self, raw: bytes, method: str, path: str) -> Any:
        if not raw.strip():
            return None
        try:
            return loads(raw)
        except ValueError:
            raise UpstreamProtocolError(
                f"{self.vendor} {method} {path}: response is not valid JSON"
            ) from None

    @staticmethod
    def _decode_error(raw: bytes) -> Any:
        try:
            return loads(raw) if raw.strip() else None
        except ValueError:
            return None

    def _describe(self, method: str, path: str, status: int, err: VendorError) -> str:
        text = f"{self.vendor} {method} {path} answered {status}"
        if err.code:
            text += f" {err.code}"
        if err.message:
            text += f": {err.message}"
        return text

    def _secrets(self) -> Iterable[str]:
        return self._auth.sensitive_values() if self._auth else ()
