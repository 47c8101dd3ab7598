"""Out-of-band MFA (SMS and e-mail) for Supergood-family logins: challenges, masking and the
outbox that stands in for the user's phone or mailbox.

Extrapolated: the vendor pages name SMS and e-mail MFA but document only the TOTP body. A
login without a code gets a challenge (a code "sent" to the user's destination); the client
answers with the challenge id and the code. Pure bookkeeping here: ``auth.py`` turns the
outcomes into HTTP errors.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.supergood.auth import SupergoodAuth

log = logging.getLogger("sandbox.mfa")

TOTP = "totp"
SMS = "sms"
EMAIL = "email"
OUT_OF_BAND = (SMS, EMAIL)
CHALLENGE_TTL_SECONDS = 300
MAX_WRONG_CODES = 5  # the last of these burns the challenge
BULLETS = "\u2022\u2022\u2022"  # "•••"


@dataclass(frozen=True)
class SentCode:
    """One code as it reached the user's phone or mailbox (the destination unmasked)."""

    username: str
    method: str
    destination: str
    code: str
    challenge_id: str
    sent_at: float


@dataclass
class Challenge:
    id: str
    username: str
    method: str
    code: str
    created_at: float
    wrong_codes: int = 0
    burned: bool = False  # too many wrong codes: refused even with the right one


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    UNKNOWN = "unknown"  # never issued, superseded, consumed, or another user's
    EXPIRED = "expired"
    BURNED = "burned"
    WRONG_CODE = "wrong_code"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    attempts_left: int = 0


def mask_destination(method: str, destination: str) -> str:
    """What the challenge may show: the phone's last 4 digits, or the mailbox's first letter
    and domain."""
    if method == SMS:
        digits = re.sub(r"\D", "", destination)
        return f"{BULLETS}-{BULLETS}-{digits[-4:]}"
    local, _, domain = destination.partition("@")
    return f"{local[:1]}{BULLETS}@{domain}"


class ChallengeBook:
    """The live challenge of each user (a new one supersedes the old) and every code sent."""

    def __init__(self, label: str) -> None:
        self.label = label  # names the sandbox in the console line that shows each code
        self.outbox: list[SentCode] = []
        self._by_id: dict[str, Challenge] = {}
        self._current: dict[str, str] = {}  # username -> its one live challenge id

    def send(self, username: str, method: str, destination: str, now: float) -> Challenge:
        superseded = self._current.pop(username, None)
        if superseded is not None:
            self._by_id.pop(superseded, None)
        challenge = Challenge(
            id=f"mfc_{secrets.token_hex(12)}",
            username=username,
            method=method,
            code=f"{secrets.randbelow(1_000_000):06d}",
            created_at=now,
        )
        self._by_id[challenge.id] = challenge
        self._current[username] = challenge.id
        self.outbox.append(
            SentCode(username, method, destination, challenge.code, challenge.id, now)
        )
        # A person running the sandbox reads the code here instead of on a phone.
        log.info(
            "%s sandbox: %s code for %s is %s",
            self.label,
            method,
            mask_destination(method, destination),
            challenge.code,
        )
        return challenge

    def verify(self, username: str, challenge_id: str, code: str, now: float) -> Verdict:
        challenge = self._by_id.get(challenge_id)
        if challenge is None or challenge.username != username:
            return Verdict(Outcome.UNKNOWN)
        if challenge.burned:
            return Verdict(Outcome.BURNED)
        if now >= challenge.created_at + CHALLENGE_TTL_SECONDS:
            return Verdict(Outcome.EXPIRED)
        if not hmac.compare_digest(code.encode(), challenge.code.encode()):
            challenge.wrong_codes += 1
            left = MAX_WRONG_CODES - challenge.wrong_codes
            if left <= 0:
                challenge.burned = True
                return Verdict(Outcome.BURNED)
            return Verdict(Outcome.WRONG_CODE, left)
        # Consumed: a code opens one session only.
        del self._by_id[challenge.id]
        self._current.pop(username, None)
        return Verdict(Outcome.ACCEPTED)


def latest_code(auth: SupergoodAuth, username: str) -> SentCode | None:
    """The last code sent to ``username`` (what the user would read on the phone), if any."""
    return next((s for s in reversed(auth.outbox) if s.username == username), None)
