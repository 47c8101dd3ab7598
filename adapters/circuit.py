"""A circuit breaker per connection: after repeated "vendor down" failures, calls fail fast
instead of each waiting out timeouts and retries, and one probe at a time tests recovery.

With a ``CircuitShare`` (``adapters.shared_redis.circuits``) the server processes of a
deployment count one store's failures together, see a circuit another opened, and send one
probe among them all; each keeps a local copy, taken up at every ``enter``."""

from __future__ import annotations

import time
from enum import Enum, StrEnum
from typing import Protocol

from adapters.ratelimit import Clock


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"
    """The cool-down has passed: the next call is let through as a probe."""


class Admission(Enum):
    PASS = "pass"
    PROBE = "probe"
    REJECT = "reject"


class CircuitShare(Protocol):
    """One store's circuit as every server process sees it; times on ``wall`` (Unix
    seconds, the same clock for every process)."""

    wall: Clock

    async def load(self) -> tuple[int, float | None]:
        """Consecutive failures, and when the circuit opened (None: closed)."""
        ...

    def record(self, *, failed: bool, opened_at: float | None) -> None:
        """A failure (counted on top of the others'), or a success (which closes it)."""
        ...

    async def claim_probe(self, lease: float) -> bool:
        """True for the one process whose probe goes out (for at most ``lease`` seconds)."""
        ...

    def probe_done(self) -> None: ...


class CircuitBreaker:
    def __init__(
        self,
        threshold: int,
        cooldown: float,
        *,
        clock: Clock = time.monotonic,
        share: CircuitShare | None = None,
        probe_lease: float = 60.0,
    ) -> None:
        """``share``: the store's circuit in other processes too; ``probe_lease``: how long
        another process's probe holds the others back at most."""
        if threshold < 1 or cooldown < 0:
            raise ValueError("a circuit needs a threshold of at least 1 and a cool-down >= 0")
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._share = share
        self._probe_lease = probe_lease
        self.consecutive_failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._probing or self._clock() - self._opened_at < self.cooldown:
            return CircuitState.OPEN
        return CircuitState.HALF_OPEN

    def retry_in(self) -> float:
        """Seconds until a probe may go out (0 when closed)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown - self._clock())

    def admit(self) -> Admission:
        state = self.state
        if state is CircuitState.CLOSED:
            return Admission.PASS
        if state is CircuitState.HALF_OPEN:
            self._probing = True
            return Admission.PROBE
        return Admission.REJECT

    async def enter(self) -> Admission:
        """``admit``, after taking up what the other processes recorded: one probe among
        them all, the others rejected meanwhile."""
        if self._share is None:
            return self.admit()
        failures, opened_at = await self._share.load()
        self.consecutive_failures = failures
        if opened_at is None:
            self._opened_at = None
        else:
            self._opened_at = opened_at - self._share.wall() + self._clock()
        admission = self.admit()
        if admission is Admission.PROBE and not await self._share.claim_probe(self._probe_lease):
            self._probing = False
            return Admission.REJECT  # another process's probe is out
        return admission

    def succeeded(self, admission: Admission) -> None:
        """The vendor answered (any answer but a down-kind failure proves it is up)."""
        was_clean = self.consecutive_failures == 0 and self._opened_at is None
        self.consecutive_failures = 0
        self._opened_at = None
        self._probing = False
        if self._share is not None:
            if not was_clean:  # a write per recovery, not per success
                self._share.record(failed=False, opened_at=None)
            if admission is Admission.PROBE:
                self._share.probe_done()

    def failed(self, admission: Admission) -> None:
        self.consecutive_failures += 1
        opened = admission is Admission.PROBE or self.consecutive_failures >= self.threshold
        if opened:
            self._opened_at = self._clock()
        self._probing = False
        if self._share is not None:
            self._share.record(failed=True, opened_at=self._share.wall() if opened else None)
            if admission is Admission.PROBE:
                self._share.probe_done()

    def abandoned(self, admission: Admission) -> None:
        """The call ended without an outcome (cancelled): free the probe for another."""
        if admission is Admission.PROBE:
            self._probing = False
            if self._share is not None:
                self._share.probe_done()
