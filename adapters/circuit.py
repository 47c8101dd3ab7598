"""A circuit breaker per connection: after repeated "vendor down" failures, calls fail fast
instead of each waiting out timeouts and retries, and one probe at a time tests recovery."""

from __future__ import annotations

import time
from enum import Enum, StrEnum

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


class CircuitBreaker:
    def __init__(self, threshold: int, cooldown: float, *, clock: Clock = time.monotonic) -> None:
        if threshold < 1 or cooldown < 0:
            raise ValueError("a circuit needs a threshold of at least 1 and a cool-down >= 0")
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
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

    def succeeded(self, admission: Admission) -> None:
        """The vendor answered (any answer but a down-kind failure proves it is up)."""
        self.consecutive_failures = 0
        self._opened_at = None
        self._probing = False

    def failed(self, admission: Admission) -> None:
        self.consecutive_failures += 1
        if admission is Admission.PROBE or self.consecutive_failures >= self.threshold:
            self._opened_at = self._clock()
        self._probing = False

    def abandoned(self, admission: Admission) -> None:
        """The call ended without an outcome (cancelled): free the probe for another."""
        if admission is Admission.PROBE:
            self._probing = False
