"""Fixed-window request limiting per bucket (an API key, or a client address)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float
    retry_after: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }


class FixedWindowLimiter:
    """``limit`` requests per ``window_seconds``; the window opens at a bucket's first hit.

    ``clock`` is a plain attribute so tests can move time instead of sleeping.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, bucket: str) -> RateDecision:
        now = self.clock()
        start, used = self._windows.get(bucket, (now, 0))
        if now >= start + self.window_seconds:
            start, used = now, 0
        used += 1
        self._windows[bucket] = (start, used)
        reset_at = start + self.window_seconds
        allowed = used <= self.limit
        return RateDecision(
            allowed=allowed,
            limit=self.limit,
            remaining=max(0, self.limit - used),
            reset_at=reset_at,
            retry_after=0 if allowed else max(1, math.ceil(reset_at - now)),
        )

    def reset(self) -> None:
        self._windows.clear()
