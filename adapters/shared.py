"""What connections on the same vendor credential share within one process.

A vendor counts its request budget per credential (AutoSync: per API key), and a session
login belongs to a user, not to our connection. Two configured connections on one credential
(two AutoSync shops behind one key, say) must therefore draw on one budget, and two on one
Supergood login must hold one session: two sessions would mean two logins, and with SMS or
e-mail MFA the second challenge voids the first.

Credentials are known here only by a SHA-256 digest, never as text.

Given a ``RedisShared`` (``adapters.shared_redis``), the same holds across the server
processes of a deployment: budgets, pauses, sessions, sign-in locks, refused sign-ins, TOTP
steps and circuits live on Redis, behind the same seams; cached answers stay per process,
and a write that drops a store's answers in one drops them in all.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar, cast

from adapters.auth import AuthStrategy
from adapters.circuit import CircuitShare
from adapters.ratelimit import Clock, RateBudget, RateGate, Sleep, SlidingWindowLimiter, Timed
from adapters.response_cache import ResponseCache
from adapters.session_share import LOCAL_SESSIONS, SessionShare
from adapters.totp_steps import AnyTotpSteps, MemoryTotpSteps
from adapters.tracking import RequestObserver

if TYPE_CHECKING:
    from adapters.shared_redis import RedisShared

A = TypeVar("A", bound=AuthStrategy)


def credential_digest(*parts: str) -> str:
    """A stable name for a credential that reveals nothing of it."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class SharedCredentials(Timed):
    """One per process (the runtime's); a connection built without one shares nothing.
    ``clock`` and ``sleep`` drive the budgets' windows, the vendors' pauses and the sessions'
    refresh timing; ``wall`` (Unix seconds) picks the sessions' TOTP steps (tests pass fake
    clocks); ``totp_steps`` records the steps used (in memory by default). ``redis``: share
    all that with the deployment's other processes (its clock is ``wall``)."""

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        wall: Clock = time.time,
        totp_steps: AnyTotpSteps | None = None,
        redis: RedisShared | None = None,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._wall = wall
        self.redis = redis
        if redis is not None:
            totp_steps = redis.totp_steps()
        self.totp_steps: AnyTotpSteps = totp_steps or MemoryTotpSteps()
        """The TOTP steps each login used (a file in the data directory for the runtime)."""
        self.observer: RequestObserver | None = None
        """Told of every vendor request sent (the runtime's metrics), if set."""
        self._gates: dict[tuple[str, str], RateGate] = {}
        self._auths: dict[tuple[str, str, str], AuthStrategy] = {}
        self._caches: dict[tuple[str, str, str], ResponseCache] = {}

    def gate(self, vendor: str, credential: str, budget: RateBudget | None) -> RateGate:
        """The gate of ``credential`` (a digest) at ``vendor``; the first connection's budget
        sets it (every connection of a process runs under the same policy)."""
        key = (vendor, credential)
        gate = self._gates.get(key)
        if gate is None:
            limiter = None
            if budget is not None:
                limiter = SlidingWindowLimiter(budget, clock=self._clock, sleep=self._sleep)
            window = self.redis.window(vendor, credential, budget) if self.redis else None
            gate = RateGate(limiter, clock=self._clock, sleep=self._sleep, window=window)
            self._gates[key] = gate
        return gate

    @property
    def wall(self) -> Clock:
        return self._wall

    def auth(self, vendor: str, base_url: str, credential: str, build: Callable[[], A]) -> A:
        """The auth strategy (and so the session) of ``credential`` at one vendor tenant."""
        key = (vendor, base_url.rstrip("/"), credential)
        auth = self._auths.get(key)
        if auth is None:
            auth = build()
            self._auths[key] = auth
        return cast(A, auth)  # built by the same kind of factory for this key

    def sessions(self, login: str) -> SessionShare:
        """Where a Supergood ``login`` (an account at one tenant, by digest) keeps its session
        for the other processes: nowhere without Redis."""
        return self.redis.sessions(login) if self.redis else LOCAL_SESSIONS

    def circuits(
        self, vendor: str, base_url: str, credential: str, threshold: int
    ) -> Callable[[str | None], CircuitShare] | None:
        """Each store's circuit of ``credential`` at one vendor tenant, as every process sees
        it; None without Redis (each connection keeps its own)."""
        redis = self.redis
        if redis is None:
            return None
        login = credential_digest(vendor, base_url.rstrip("/"), credential)
        return lambda store: redis.circuit(f"{login}:{store or ''}", threshold)

    async def close(self) -> None:
        """Let background writes to Redis land, then disconnect."""
        if self.redis is not None:
            await self.redis.close()

    def cache(
        self, vendor: str, base_url: str, credential: str, ttls: Mapping[str, float]
    ) -> ResponseCache:
        """The read answers of ``credential`` at one vendor tenant: what one login may see
        is the same whichever connection asks."""
        key = (vendor, base_url.rstrip("/"), credential)
        cache = self._caches.get(key)
        if cache is None:
            cache = self._caches[key] = ResponseCache(ttls)
            if self.redis is not None:  # a write here drops the store's answers everywhere
                self.redis.invalidations.watch(credential_digest(*key), cache)
        return cache

    def clear_caches(self) -> None:
        """Forget every cached vendor answer (sessions and budgets stay)."""
        for cache in self._caches.values():
            cache.clear()
