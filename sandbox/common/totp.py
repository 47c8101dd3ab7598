"""RFC 6238 TOTP checking with clock skew and per-user replay refusal."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from enum import StrEnum

import pyotp


class TotpResult(StrEnum):
    ACCEPTED = "accepted"
    INVALID = "invalid"
    REUSED = "reused"


@dataclass
class TotpVerifier:
    """Accepts the current step and ``skew_steps`` either side; each step once per user."""

    interval: int = 30
    digits: int = 6
    skew_steps: int = 1
    _used: dict[str, set[int]] = field(default_factory=dict, repr=False)

    def verify(self, user_key: str, secret: str, code: str, now: float) -> TotpResult:
        if len(code) != self.digits or not code.isdigit():
            return TotpResult.INVALID
        totp = pyotp.TOTP(secret, digits=self.digits, interval=self.interval)
        current = int(now // self.interval)
        used = self._used.setdefault(user_key, set())
        # Steps that can no longer be presented need not be remembered.
        used.difference_update({c for c in used if c < current - self.skew_steps})
        offsets = [0]
        for k in range(1, self.skew_steps + 1):
            offsets += [-k, k]
        for offset in offsets:
            counter = current + offset
            if hmac.compare_digest(totp.generate_otp(counter), code):
                if counter in used:
                    return TotpResult.REUSED
                used.add(counter)
                return TotpResult.ACCEPTED
        return TotpResult.INVALID
