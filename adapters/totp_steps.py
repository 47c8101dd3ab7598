"""The TOTP steps a login has used, so no code is sent twice.

A Supergood-family DMS accepts each TOTP code once (``mfa_code_reused`` otherwise) and
takes the previous, current and next 30 s step. A step a login used is claimed here before
its code is sent; the next sign-in claims a later one. In memory the record lasts as long
as the process; in a file (the data directory) it survives restarts and is shared by every
process on the machine (an exclusive lock around each claim), so a restart inside one step
signs in with the next code instead of replaying the last. On Redis
(``adapters.shared_redis.totp``) every machine of a deployment shares it.
"""

from __future__ import annotations

import fcntl
import inspect
import json
import os
from pathlib import Path
from typing import Protocol


class TotpSteps(Protocol):
    def claim(self, login: str, earliest: int) -> int:
        """A step at or after ``earliest`` that ``login`` never used, now recorded as used."""
        ...


class AsyncTotpSteps(Protocol):
    """Steps claimed where several machines see them (``adapters.shared_redis.totp``)."""

    async def claim(self, login: str, earliest: int) -> int: ...


AnyTotpSteps = TotpSteps | AsyncTotpSteps


async def claim_step(steps: AnyTotpSteps, login: str, earliest: int) -> int:
    """``steps.claim``, awaited when the record is remote."""
    step = steps.claim(login, earliest)
    return await step if inspect.isawaitable(step) else step


class MemoryTotpSteps:
    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def claim(self, login: str, earliest: int) -> int:
        last = self._last.get(login)
        step = earliest if last is None else max(earliest, last + 1)
        self._last[login] = step
        return step


class FileTotpSteps:
    """One JSON file of ``{login digest: last step}``, claimed under ``flock``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def claim(self, login: str, earliest: int) -> int:
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                steps = self._read()
                last = steps.get(login)
                step = earliest if last is None else max(earliest, last + 1)
                steps[login] = step
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(steps))
                os.replace(tmp, self.path)
                return step
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}
