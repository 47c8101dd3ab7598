"""One store's circuit on Redis (``adapters.circuit.CircuitShare``): a hash of consecutive
failures and when it opened, counted atomically across processes, and a probe key taken
with ``SET NX PX`` so one process at a time sends the half-open probe.

Each process reads the hash at most every ``FRESH_SECONDS`` (and after each of its own
writes), not before every vendor request: a circuit another process opened is seen within
that long, at a Redis round trip per store per interval instead of per request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.shared_redis.store import redis_errors

if TYPE_CHECKING:
    from adapters.shared_redis.store import RedisConnection

FRESH_SECONDS = 0.5
KEEP_SECONDS = 24 * 3600
"""A circuit nobody touched for this long is forgotten (closed)."""

# KEYS: circuit. ARGV: opened at ('' unless this failure opens it), now, threshold, keep s.
_FAILED = """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local opened = ARGV[1]
if opened == '' and failures >= tonumber(ARGV[3]) then opened = ARGV[2] end
if opened ~= '' then redis.call('HSET', KEYS[1], 'opened_at', opened) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return failures
"""


class RedisCircuitShare:
    def __init__(self, shared: RedisConnection, key: str, threshold: int) -> None:
        self._shared = shared
        self.wall = shared.wall
        self._key = key
        self._probe_key = key + ":probe"
        self._threshold = threshold
        self._failed = shared.redis.register_script(_FAILED)
        self._known: tuple[int, float | None] = (0, None)
        self._read_at: float | None = None  # on ``wall``; None: read at the next load

    async def load(self) -> tuple[int, float | None]:
        now = self.wall()
        if self._read_at is not None and 0 <= now - self._read_at < FRESH_SECONDS:
            return self._known
        with redis_errors("reading a circuit"):
            failures, opened_at = await self._shared.redis.hmget(
                self._key, ["failures", "opened_at"]
            )
        self._known = int(failures or 0), float(opened_at) if opened_at is not None else None
        self._read_at = now
        return self._known

    def record(self, *, failed: bool, opened_at: float | None) -> None:
        self._read_at = None  # what this process wrote counts with the others' at once
        redis = self._shared.redis
        if not failed:
            self._shared.later(self._key, lambda: redis.delete(self._key))
            return
        args = [
            repr(opened_at) if opened_at is not None else "",
            repr(self._shared.wall()),
            self._threshold,
            KEEP_SECONDS,
        ]
        self._shared.later(self._key, lambda: self._failed(keys=[self._key], args=args))

    async def claim_probe(self, lease: float) -> bool:
        with redis_errors("claiming a circuit's probe"):
            taken = await self._shared.redis.set(
                self._probe_key, self._shared.replica, nx=True, px=int(lease * 1000)
            )
        return bool(taken)

    def probe_done(self) -> None:
        redis = self._shared.redis
        self._shared.later(self._key, lambda: redis.delete(self._probe_key))
