"""Holding back sign-ins a DMS keeps refusing, so a wrong password cannot lock the account.

After the DMS refuses a login's credentials, the next attempt waits: 1 minute after the
first refusal, 4 after the second, and no more than ``per_hour`` refused attempts within
any hour. Meanwhile every request on the login fails at once with the last refusal
(``SignInHeld``), sending nothing. A successful sign-in, or an operator asking to retry,
clears the record.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

FIRST_WAIT_SECONDS = 60.0
WAIT_GROWTH = 4.0
WINDOW_SECONDS = 3600.0


class SignInGuard:
    def __init__(self, *, per_hour: int = 3, clock: Callable[[], float] = time.time) -> None:
        self.per_hour = per_hour
        self._clock = clock
        self._refusals: list[float] = []
        self.last_code: str | None = None
        """The DMS's code for the last refusal (``invalid_credentials``), never its text."""

    @property
    def refused(self) -> bool:
        """The DMS refused the last sign-in and none has succeeded since."""
        return bool(self._refusals)

    def wait(self) -> float | None:
        """Seconds until the next sign-in may be tried, or None when it may be now."""
        if not self._refusals:
            return None
        now = self._clock()
        recent = [t for t in self._refusals if now - t < WINDOW_SECONDS]
        spacing = FIRST_WAIT_SECONDS * WAIT_GROWTH ** (len(recent) - 1) if recent else 0.0
        until = self._refusals[-1] + spacing
        if len(recent) >= self.per_hour:
            until = max(until, recent[len(recent) - self.per_hour] + WINDOW_SECONDS)
        return until - now if until > now else None

    @property
    def refusal_times(self) -> tuple[float, ...]:
        """When the DMS refused sign-ins since the last success (on ``clock``)."""
        return tuple(self._refusals)

    def restore(self, times: Iterable[float], code: str | None) -> None:
        """Take the refusals other server processes met (on ``clock``) as this one's."""
        self._refusals = sorted(times)
        self.last_code = code if self._refusals else None

    def refusal(self, code: str | None) -> None:
        self._refusals.append(self._clock())
        self.last_code = code

    def cleared(self) -> None:
        """Signed in, or an operator asked to try again now."""
        self._refusals.clear()
        self.last_code = None
