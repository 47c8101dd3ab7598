"""Knobs every sandbox vendor reads."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sandbox.common.faults import Faults

DEFAULT_TODAY = date(2026, 11, 20)


@dataclass(frozen=True)
class SandboxOptions:
    seed: int = 1
    scale: float = 1.0  # multiplies every record count (benchmarks use 5-20)
    token_ttl_seconds: int = 3600  # Supergood-family "expiresIn"
    rate_limit_per_minute: int = 100  # AutoSync, per API key
    # AutoSync's window: ``rate_limit_per_minute`` requests per this many seconds (the page
    # says a minute; tests shorten both sides' window to see several pass quickly).
    rate_limit_window_seconds: float = 60.0
    today: date = DEFAULT_TODAY  # anchor for generated dates, so data is deterministic
    latency_ms: int = 0  # added to every vendor response (VendorHandle.faults changes it live)
    # Vendor name -> faults it starts with (copied per server; see sandbox/common/faults.py).
    faults: Mapping[str, Faults] | None = None
    # Serve only what the vendor pages document: every extrapolated endpoint (as each
    # docs/contracts/<vendor>.md marks it) answers the vendor's 404, as a real tenant might.
    documented_only: bool = False
    # The clock session tokens, TOTP steps and MFA challenges are checked against (Unix
    # seconds); None is the real one. Tests pass a fake clock to move time instead of sleeping.
    clock: Callable[[], float] | None = field(default=None, compare=False, repr=False)
    # Seconds between simulated pieces of shop activity in AutoSync (a work order moving on,
    # announced by webhook); 0 is none. ``dealergraph serve`` in sandbox mode sets it.
    activity_seconds: float = 0.0
    # What injected latencies (``Faults.latency_seconds``, ``write_latency_seconds``) wait
    # on; None is ``asyncio.sleep``. Tests pass a fake one to hold or skip the wait.
    sleep: Callable[[float], Awaitable[None]] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.scale <= 0:
            raise ValueError("scale must be positive")
        if self.latency_ms < 0:
            raise ValueError("latency_ms cannot be negative")
        if self.activity_seconds < 0:
            raise ValueError("activity_seconds cannot be negative")
        if self.rate_limit_window_seconds <= 0:
            raise ValueError("rate_limit_window_seconds must be positive")
        if self.token_ttl_seconds < 1 or self.rate_limit_per_minute < 1:
            raise ValueError("token_ttl_seconds and rate_limit_per_minute must be at least 1")

    @property
    def now(self) -> Callable[[], float]:
        """The sandbox's clock: ``clock``, or the real one."""
        return self.clock or time.time


DEFAULT_OPTIONS = SandboxOptions()
